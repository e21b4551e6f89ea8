import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { childPids, forgetOnExit, freePort, isAlive, run, signal, stopOnExit, waitUntil } from "./process-tools.js";

export const POSTGRES_BIN = process.env.CHAT_HISTORY_TEST_POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";
const OS_USER = "postgres";
/** Upper bound for any one pg_ctl / initdb / pg_isready call. */
const STEP_TIMEOUT_MS = 30_000;

/** How the server is stopped: `fast` is a clean shutdown; `immediate` skips the checkpoint (crash recovery on start). */
export type PostgresStopMode = "fast" | "immediate";

/** Why a private PostgreSQL cannot be started here, or "" when it can. */
export function postgresInstanceUnavailable(): string {
  if (!existsSync(join(POSTGRES_BIN, "initdb")))
    return `no initdb in ${POSTGRES_BIN} (set CHAT_HISTORY_TEST_POSTGRES_BIN)`;
  if (process.getuid?.() === 0 && !existsSync("/usr/sbin/runuser") && !existsSync("/sbin/runuser")) {
    return "running as root without runuser (PostgreSQL refuses to run as root)";
  }
  return "";
}

/**
 * A throwaway PostgreSQL server on its own loopback port and data directory, owned by the test that
 * made it: trust auth, fsync and synchronous_commit on (an acknowledged commit is on disk).
 */
export class PostgresInstance {
  readonly port: number;
  readonly baseDir: string;
  #pid: number | undefined;
  #frozen: number[] = [];

  private constructor(port: number, baseDir: string) {
    this.port = port;
    this.baseDir = baseDir;
  }

  static async create(): Promise<PostgresInstance> {
    const base = mkdtempSync(join(tmpdir(), "chat-history-pg-"));
    const instance = new PostgresInstance(await freePort(), base);
    try {
      if (asRoot()) {
        const { uid, gid } = postgresIds();
        chownSync(base, uid, gid);
      }
      await instance.#pg("initdb", [
        "-D",
        instance.dataDir,
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-instructions",
      ]);
      await instance.start();
    } catch (error) {
      await instance.destroy();
      throw error;
    }
    return instance;
  }

  get dataDir(): string {
    return join(this.baseDir, "data");
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** The postmaster's process id while it runs. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** Starts the server and waits (bounded) until it accepts connections over TCP. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.baseDir}`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=on",
      "-c synchronous_commit=on",
      "-c max_connections=40",
    ].join(" ");
    const log = join(this.baseDir, "server.log");
    await this.#pg("pg_ctl", ["-D", this.dataDir, "-l", log, "-o", options, "-w", "-t", "30", "start"]);
    this.#pid = readPostmasterPid(this.dataDir);
    // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends down with it.
    if (this.#pid !== undefined) stopOnExit(this.#pid, "SIGQUIT");
    await waitUntil(`PostgreSQL on port ${this.port}`, STEP_TIMEOUT_MS, () => this.#isReady());
  }

  /** Stops the server and waits (bounded) until the postmaster has exited. */
  async stop(mode: PostgresStopMode): Promise<void> {
    this.thaw();
    await this.#pg("pg_ctl", ["-D", this.dataDir, "-m", mode, "-w", "-t", "30", "stop"]);
    const pid = this.#pid;
    if (pid !== undefined) {
      await waitUntil(`postmaster ${pid} to exit`, STEP_TIMEOUT_MS, () => !isAlive(pid));
      forgetOnExit(pid);
    }
    this.#pid = undefined;
  }

  /** SIGSTOPs the postmaster and every backend: connections stay open but nothing answers. */
  freeze(): void {
    const pid = this.#pid;
    if (pid === undefined) throw new Error("the server is not running");
    this.#frozen = [pid, ...childPids(pid)];
    for (const p of this.#frozen) signal(p, "SIGSTOP");
  }

  thaw(): void {
    for (const p of this.#frozen) signal(p, "SIGCONT");
    this.#frozen = [];
  }

  /** Stops the server however it can (kill by PID as a last resort) and removes its directory. Never throws. */
  async destroy(): Promise<void> {
    this.thaw();
    const pid = this.#pid ?? readPostmasterPid(this.dataDir);
    if (pid !== undefined && isAlive(pid)) {
      await this.stop("immediate").catch(() => undefined);
      if (isAlive(pid)) {
        for (const p of [pid, ...childPids(pid)]) signal(p, "SIGKILL");
        await waitUntil(`postmaster ${pid} to die`, 10_000, () => !isAlive(pid)).catch(() => undefined);
      }
    }
    if (pid !== undefined) forgetOnExit(pid);
    this.#pid = undefined;
    rmSync(this.baseDir, { recursive: true, force: true });
  }

  async #isReady(): Promise<boolean> {
    try {
      await run(join(POSTGRES_BIN, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", String(this.port), "-t", "2"], 5_000);
      return true;
    } catch {
      return false;
    }
  }

  /** Runs a PostgreSQL program as the `postgres` OS user when we are root (the server refuses root). */
  #pg(program: string, args: string[]): Promise<unknown> {
    const bin = join(POSTGRES_BIN, program);
    return asRoot()
      ? run("runuser", ["-u", OS_USER, "--", bin, ...args], STEP_TIMEOUT_MS)
      : run(bin, args, STEP_TIMEOUT_MS);
  }
}

function asRoot(): boolean {
  return process.getuid?.() === 0;
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${OS_USER}:`));
  const fields = line?.split(":");
  if (!fields) throw new Error(`no ${OS_USER} user in /etc/passwd (current user ${userInfo().username})`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

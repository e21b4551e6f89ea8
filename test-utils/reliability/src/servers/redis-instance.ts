import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { forgetOnExit, freePort, isAlive, run, signal, stopOnExit, waitUntil } from "./process-tools.js";

export const REDIS_SERVER = process.env.CHAT_HISTORY_TEST_REDIS_SERVER ?? "redis-server";
const STEP_TIMEOUT_MS = 30_000;

/** `nosave`: SHUTDOWN NOSAVE (clean exit, the AOF is flushed); `kill`: SIGKILL, nothing gets to run. */
export type RedisStopMode = "nosave" | "kill";

/** Why a private Redis cannot be started here, or "" when it can. */
export async function redisInstanceUnavailable(): Promise<string> {
  try {
    await run(REDIS_SERVER, ["--version"], 10_000);
    return "";
  } catch {
    return `${REDIS_SERVER} not found (set CHAT_HISTORY_TEST_REDIS_SERVER)`;
  }
}

/**
 * A throwaway redis-server on its own loopback port, with an append-only file fsynced on every write
 * (`appendfsync always`): a write Redis acknowledged is on disk and survives a kill -9.
 */
export class RedisInstance {
  readonly port: number;
  readonly dir: string;
  #pid: number | undefined;
  #frozen = false;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  static async create(): Promise<RedisInstance> {
    const instance = new RedisInstance(await freePort(), mkdtempSync(join(tmpdir(), "chat-history-redis-")));
    try {
      await instance.start();
    } catch (error) {
      await instance.destroy();
      throw error;
    }
    return instance;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  get #pidFile(): string {
    return join(this.dir, "redis.pid");
  }

  /** Starts the server on the same port and directory (replaying the AOF) and waits until it answers PING. */
  async start(): Promise<void> {
    rmSync(this.#pidFile, { force: true });
    await run(
      REDIS_SERVER,
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--dir",
        this.dir,
        "--daemonize",
        "yes",
        "--pidfile",
        this.#pidFile,
        "--logfile",
        join(this.dir, "redis.log"),
      ],
      STEP_TIMEOUT_MS,
    );
    await waitUntil(`redis pid file ${this.#pidFile}`, STEP_TIMEOUT_MS, () => this.#readPid() !== undefined);
    this.#pid = this.#readPid();
    if (this.#pid !== undefined) stopOnExit(this.#pid, "SIGKILL");
    // PING answers -LOADING while the AOF is replayed; only +PONG means ready.
    await waitUntil(`redis on port ${this.port}`, STEP_TIMEOUT_MS, async () =>
      (await this.command("PING")).startsWith("+PONG"),
    );
  }

  /** Stops the server and waits (bounded) until its process is gone. */
  async stop(mode: RedisStopMode): Promise<void> {
    const pid = this.#pid;
    if (pid === undefined) throw new Error("the server is not running");
    if (mode === "kill") {
      // Delivered even to a frozen server, which then dies without running anything it had not read.
      signal(pid, "SIGKILL");
      this.#frozen = false;
    } else {
      this.thaw();
      await this.command("SHUTDOWN", "NOSAVE");
    }
    await waitUntil(`redis ${pid} to exit`, STEP_TIMEOUT_MS, () => !isAlive(pid));
    forgetOnExit(pid);
    this.#pid = undefined;
  }

  /** SIGSTOP: connections stay open, nothing answers. */
  freeze(): void {
    if (this.#pid === undefined) throw new Error("the server is not running");
    signal(this.#pid, "SIGSTOP");
    this.#frozen = true;
  }

  thaw(): void {
    if (this.#frozen && this.#pid !== undefined) signal(this.#pid, "SIGCONT");
    this.#frozen = false;
  }

  /** Kills the server by PID if it still runs and removes its directory. Never throws. */
  async destroy(): Promise<void> {
    const pid = this.#pid ?? this.#readPid();
    if (pid !== undefined && isAlive(pid)) {
      signal(pid, "SIGKILL");
      await waitUntil(`redis ${pid} to die`, 10_000, () => !isAlive(pid)).catch(() => undefined);
    }
    if (pid !== undefined) forgetOnExit(pid);
    this.#pid = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Sends one command over a fresh socket and resolves with the first line of the reply, or "" when
   * the server cannot be reached or says nothing within 2 s (SHUTDOWN closes without a reply).
   */
  command(...args: string[]): Promise<string> {
    const request = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
    return new Promise((resolve) => {
      let reply = "";
      const socket = connect({ host: "127.0.0.1", port: this.port });
      const finish = () => {
        socket.destroy();
        resolve(reply.split("\r\n")[0] ?? "");
      };
      socket.setTimeout(2_000, finish);
      socket.on("error", finish);
      socket.on("close", finish);
      socket.on("connect", () => socket.write(request));
      socket.on("data", (chunk) => {
        reply += chunk.toString("utf8");
        if (reply.includes("\r\n")) finish();
      });
    });
  }

  #readPid(): number | undefined {
    if (!existsSync(this.#pidFile)) return undefined;
    const pid = Number(readFileSync(this.#pidFile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }
}

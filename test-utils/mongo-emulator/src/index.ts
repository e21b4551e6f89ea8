import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Debian's interpreter: the Debian packages python3-mockupdb and python3-mongomock install there. */
export const EMULATOR_PYTHON = "/usr/bin/python3";
const SERVER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "server.py");
const START_TIMEOUT_MS = 15_000;

export interface MongoEmulator {
  /** A connection string for the emulator, e.g. mongodb://127.0.0.1:40123/?directConnection=true */
  url: string;
  port: number;
  pid: number;
  stop: () => Promise<void>;
}

export interface MongoEmulatorOptions {
  /** How often expired documents under a TTL index are removed, like mongod's TTL monitor (default 60 s). */
  ttlIntervalSeconds?: number;
}

/** True when the interpreter can import both halves of the emulator. */
export function mongoEmulatorAvailable(): boolean {
  const probe = spawnSync(EMULATOR_PYTHON, ["-c", "import mockupdb, mongomock"], { stdio: "ignore", timeout: 10_000 });
  return probe.status === 0;
}

/** Starts the emulator on a free loopback port and resolves once it listens. */
export function startMongoEmulator(options: MongoEmulatorOptions = {}): Promise<MongoEmulator> {
  const args = [SERVER_SCRIPT, "0", "--ttl-interval", String(options.ttlIntervalSeconds ?? 60)];
  const child = spawn(EMULATOR_PYTHON, args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    let errors = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`mongo emulator did not start within ${START_TIMEOUT_MS} ms: ${errors.trim()}`));
    }, START_TIMEOUT_MS);
    child.stderr?.on("data", (chunk: Buffer) => {
      errors = (errors + chunk.toString("utf8")).slice(-4000);
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`mongo emulator exited with code ${code}: ${errors.trim()}`));
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = /^port (\d+)$/m.exec(output);
      if (!match || child.pid === undefined) return;
      clearTimeout(timer);
      const port = Number(match[1]);
      resolve({
        url: `mongodb://127.0.0.1:${port}/?directConnection=true`,
        port,
        pid: child.pid,
        stop: () => stopChild(child),
      });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

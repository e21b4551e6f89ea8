import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a program and resolves with its output; rejects on a non-zero exit or when it outlives
 * `timeoutMs` (it is then killed), so a wedged helper can never hang a test.
 */
export function run(file: string, args: readonly string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: "SIGKILL", encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stderr}`, { cause: error }));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** Polls `probe` until it returns true; throws naming `what` once `timeoutMs` has passed. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  probe: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while a process with this id exists (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readStat(pid);
  return stat === undefined || stat.state !== "Z";
}

/** Sends a signal, ignoring a process that is already gone. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Direct children of a process, read from /proc (Linux). */
export function childPids(parent: number): number[] {
  if (!existsSync("/proc")) return [];
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat?.ppid === parent) children.push(Number(entry));
  }
  return children;
}

function readStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name sits in parentheses and may itself hold spaces or parentheses.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** A loopback port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Servers still running, signalled when the test process exits without tearing them down (a killed worker). */
const leftovers = new Map<number, NodeJS.Signals>();
let exitHookInstalled = false;

/** Remembers a server to stop with `how` if this process exits first; `forgetOnExit` once it is stopped. */
export function stopOnExit(pid: number, how: NodeJS.Signals): void {
  leftovers.set(pid, how);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const [p, s] of leftovers) {
      signal(p, s);
      signal(p, "SIGCONT"); // a frozen server acts on the signal only once it runs again
    }
  });
}

export function forgetOnExit(pid: number): void {
  leftovers.delete(pid);
}

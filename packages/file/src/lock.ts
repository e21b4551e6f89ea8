import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { StoreUnavailableError } from "@chat-history/core";
import { removeFile } from "./file-ops.js";

export interface LockTiming {
  /** Give up (StoreUnavailableError, retryable) after waiting this long. */
  timeoutMs: number;
  /** A lock older than this is taken to be left by a crashed process, wherever it ran. */
  staleMs: number;
}

const HOST = hostname();

/**
 * Runs `fn` holding `<session>.lock`, created with O_CREAT|O_EXCL ('wx') so only one process
 * at a time holds it. Waits with jittered backoff; breaks a lock whose owner on this host is
 * dead, or that is older than `staleMs`.
 */
export async function withFileLock<T>(
  lockPath: string,
  dir: string,
  timing: LockTiming,
  fn: () => Promise<T>,
): Promise<T> {
  const token = `${process.pid} ${HOST} ${randomBytes(8).toString("hex")}`;
  const deadline = Date.now() + timing.timeoutMs;
  let delay = 1;
  for (;;) {
    try {
      await writeFile(lockPath, token, { flag: "wx" });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        await mkdir(dir, { recursive: true });
        continue;
      }
      if (code !== "EEXIST") throw error;
    }
    const broken = await breakIfStale(lockPath, timing.staleMs);
    if (Date.now() > deadline) {
      throw new StoreUnavailableError(`timed out after ${timing.timeoutMs} ms waiting for the lock ${lockPath}`);
    }
    if (broken) continue;
    await sleep(delay * (0.5 + Math.random()));
    delay = Math.min(delay * 2, 25);
  }
  try {
    return await fn();
  } finally {
    await removeFile(lockPath);
  }
}

async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  let content: string;
  let ageMs: number;
  try {
    content = await readFile(lockPath, "utf8");
    ageMs = Date.now() - (await stat(lockPath)).mtimeMs;
  } catch {
    return true; // released meanwhile: try again at once
  }
  if (!(ownerIsDead(content) || ageMs > staleMs)) return false;
  // Move it aside first and check it is still the lock judged stale: a plain unlink could
  // remove a fresh lock another process took in the meantime.
  const aside = `${lockPath}.${randomBytes(6).toString("hex")}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return true;
  }
  const moved = await readFile(aside, "utf8").catch(() => "");
  if (moved !== content) await link(aside, lockPath).catch(() => undefined);
  await removeFile(aside);
  return true;
}

function ownerIsDead(content: string): boolean {
  const [pidText, host] = content.split(" ");
  const pid = Number(pidText);
  if (host !== HOST || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Serialises work per session inside this process, so its own calls never contend for the file lock. */
export class SessionQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(id) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.#tails.set(id, tail);
    void tail.then(() => {
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    });
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.#tails.values()]);
  }
}

import { randomBytes } from "node:crypto";
import {
  type Stats,
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from "node:timers/promises";
import { StoreUnavailableError } from "@chat-history/core";
import { openIfExists } from "./fd-io.js";

export interface LockTiming {
  /** Give up (StoreUnavailableError, retryable) after waiting this long. */
  timeoutMs: number;
  /** A lock older than this is taken to be left by a crashed process, wherever it ran. */
  staleMs: number;
}

const HOST = hostname();
/** Tells this process's locks apart from those of an earlier process that had the same pid. */
const PROCESS_NONCE = randomBytes(6).toString("hex");
let acquisitions = 0;

/** Which file a lock is: a path can change hands, an inode held open cannot. */
export interface FileId {
  dev: number;
  ino: number;
}

function sameFile(stats: Stats | undefined, id: FileId): boolean {
  return stats !== undefined && stats.ino === id.ino && stats.dev === id.dev;
}

/**
 * Runs `fn` holding `<session>.lock`, created with O_CREAT|O_EXCL ('wx') so only one process
 * at a time holds it. Waits with jittered backoff; breaks a lock whose owner on this host is
 * dead, or that is older than `staleMs`.
 *
 * The file-system calls are synchronous: creating, checking and unlinking a small file in a local
 * folder takes microseconds, far less than a round trip through the thread pool, and none of them
 * waits for another process (waiting is the timer below). It also keeps the check and the act of
 * breaking a stale lock microseconds apart instead of thread-pool round trips apart.
 */
export async function withFileLock<T>(
  lockPath: string,
  dir: string,
  timing: LockTiming,
  fn: () => Promise<T>,
): Promise<T> {
  // The pid and host let a waiter on this host see that the holder died; the rest makes every
  // lock's content unique, without a call for random bytes each time.
  const token = `${process.pid} ${HOST} ${PROCESS_NONCE}-${++acquisitions}`;
  const deadline = Date.now() + timing.timeoutMs;
  let delay = 1;
  let held: HeldLock | undefined;
  for (;;) {
    held = tryCreateLock(lockPath, dir, token);
    if (held) break;
    const retryNow = breakIfStale(lockPath, timing.staleMs);
    if (Date.now() > deadline) {
      throw new StoreUnavailableError(`timed out after ${timing.timeoutMs} ms waiting for the lock ${lockPath}`);
    }
    if (retryNow) {
      // Let the event loop run between attempts: every call above is synchronous.
      await yieldToEventLoop();
      continue;
    }
    await sleep(delay * (0.5 + Math.random()));
    delay = Math.min(delay * 2, 25);
  }
  try {
    return await fn();
  } finally {
    releaseLock(lockPath, held);
  }
}

/** A lock this process holds: the file stays open until release, so that its inode number cannot be reused. */
interface HeldLock {
  fd: number;
  id: FileId;
}

/**
 * One attempt: O_CREAT|O_EXCL, then the owner token. Undefined when another process holds the
 * lock. A lock whose token could not be written is removed again rather than left for the age
 * check to break.
 */
function tryCreateLock(lockPath: string, dir: string, token: string): HeldLock | undefined {
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = openSync(lockPath, "wx");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return undefined;
      if (code !== "ENOENT") throw error;
      // The user's folder is created on first write; if it vanishes again at once, the caller's
      // loop retries until its deadline.
      if (attempt > 0) return undefined;
      mkdirSync(dir, { recursive: true });
    }
  }
  let held: HeldLock;
  try {
    const { dev, ino } = fstatSync(fd);
    held = { fd, id: { dev, ino } };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  try {
    writeSync(fd, token);
  } catch (error) {
    releaseLock(lockPath, held);
    throw error;
  }
  return held;
}

/**
 * Unlinks the lock only if the file at the path is still this holder's (its inode, held open):
 * had it been broken as stale meanwhile (a holder slower than `lockStaleMs`), the file there now
 * is another process's lock.
 */
function releaseLock(lockPath: string, held: HeldLock): void {
  try {
    if (sameFile(statSync(lockPath, { throwIfNoEntry: false }), held.id)) unlinkIfExists(lockPath);
  } finally {
    closeSync(held.fd);
  }
}

/**
 * Breaks the lock when its owner on this host is dead or it is older than `staleMs`; true when the
 * caller should try again at once (the lock was broken, or was released meanwhile).
 */
function breakIfStale(lockPath: string, staleMs: number): boolean {
  const verdict = judgeLock(lockPath, staleMs);
  if (verdict.state === "live") return false;
  if (verdict.state === "stale") breakStaleLock(lockPath, verdict);
  return true;
}

/** The lock file a waiter found, judged from its own content and times. */
export type LockVerdict =
  | { state: "gone" }
  | { state: "live" }
  /** Held open (`fd`) until broken, so that its inode number cannot be reused meanwhile. */
  | { state: "stale"; fd: number; id: FileId };

export function judgeLock(lockPath: string, staleMs: number): LockVerdict {
  const fd = openIfExists(lockPath, "r");
  if (fd === undefined) return { state: "gone" };
  try {
    const stats = fstatSync(fd);
    const content = readFileSync(fd, "utf8");
    if (ownerIsDead(content) || Date.now() - stats.mtimeMs > staleMs) {
      return { state: "stale", fd, id: { dev: stats.dev, ino: stats.ino } };
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  closeSync(fd);
  return { state: "live" };
}

/**
 * Removes the lock judged stale, and only that file. The verdict is about one file, not about the
 * path: between reading a holder's token and acting on it, that holder may release the lock and
 * exit, and a live process take a new one. Removing whatever is at the path then would let two
 * processes append at once (two batches numbered from the same last seq), so the file at the path
 * is checked first, and what the rename moved is checked after.
 */
export function breakStaleLock(lockPath: string, judged: { fd: number; id: FileId }): void {
  try {
    if (!sameFile(statSync(lockPath, { throwIfNoEntry: false }), judged.id)) return; // changed hands: not stale
    // Moved aside rather than unlinked, so that what was removed can be checked and, if another
    // waiter broke the same lock and a live process took a new one in the instant between the
    // check above and the rename, put back.
    const aside = `${lockPath}.${randomBytes(6).toString("hex")}.stale`;
    try {
      renameSync(lockPath, aside);
    } catch {
      return;
    }
    if (!sameFile(statSync(aside, { throwIfNoEntry: false }), judged.id)) {
      try {
        linkSync(aside, lockPath);
      } catch {
        // Another process took the free path meanwhile; the moved lock's owner will not unlink
        // that one on release (releaseLock checks the file), and there is nothing to put back to.
      }
    }
    unlinkIfExists(aside);
  } finally {
    closeSync(judged.fd);
  }
}

function unlinkIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
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

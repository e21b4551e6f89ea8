import Database from "better-sqlite3";
import { InvalidOptionError, StoreUnavailableError } from "@chat-history/core";

export type SynchronousMode = "OFF" | "NORMAL" | "FULL" | "EXTRA";
const SYNCHRONOUS_MODES: readonly SynchronousMode[] = ["OFF", "NORMAL", "FULL", "EXTRA"];

export interface ConnectionOptions {
  /** Default "NORMAL": see the README for what it trades away. */
  synchronous?: SynchronousMode | undefined;
  /** How long a writer waits for another connection's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number | undefined;
}

/**
 * Opens a file (or ":memory:") the store will own. WAL lets readers run beside a writer; the busy
 * timeout makes concurrent writers from other processes queue instead of failing at once.
 */
export function openDatabase(path: string, options: ConnectionOptions): Database.Database {
  const synchronous = options.synchronous ?? "NORMAL";
  if (!SYNCHRONOUS_MODES.includes(synchronous)) {
    throw new InvalidOptionError("synchronous", `must be one of ${SYNCHRONOUS_MODES.join(", ")}`);
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 2 ** 31 - 1) {
    throw new InvalidOptionError("busyTimeoutMs", "must be a whole number of milliseconds");
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const opened = db;
    // Switching a new file to WAL can report SQLITE_BUSY without waiting on the busy timeout
    // while another process is doing the same, so that one step is retried until the timeout.
    retryWhileBusy(() => opened.pragma("journal_mode = WAL"), busyTimeoutMs);
    db.pragma(`synchronous = ${synchronous}`);
    return db;
  } catch (error) {
    db?.close();
    throw asStoreError(error, `cannot open SQLite database ${JSON.stringify(path)}`);
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Retries a synchronous step that failed with SQLITE_BUSY, with short growing pauses, until the deadline. */
export function retryWhileBusy<T>(step: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return step();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, Math.min(50, attempt * 2));
    }
  }
}

const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|PROTOCOL)/;

/** Lock timeouts and I/O failures become StoreUnavailableError (retryable); anything else is rethrown. */
export function asStoreError(error: unknown, context: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && UNAVAILABLE.test(code)) {
    return new StoreUnavailableError(`${context}: ${(error as Error).message}`, error);
  }
  return error;
}

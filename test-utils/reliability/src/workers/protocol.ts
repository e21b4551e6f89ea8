import type { BackendSpec } from "../backends.js";

/**
 * What a parent and an append worker say to each other. The worker reads its task from the
 * CHAT_HISTORY_WORKER environment variable (JSON), prints `ready` once its store is open, waits
 * for `go` on stdin, then prints one `ack` line per append that resolved and `done` at the end.
 * Lines are written to a pipe, which Node writes synchronously on Linux: an ack the parent holds
 * was on its way before the next append started.
 */

export const TASK_ENV = "CHAT_HISTORY_WORKER";

/** One planned append: `size` messages to one session, as a single batch. */
export interface PlannedBatch {
  sessionId: string;
  size: number;
}

export interface WorkerTask {
  spec: BackendSpec;
  /** Tags every message this worker writes; unique among the workers of a test (and rounds of a crash test). */
  worker: number;
  /** Finite plan, run in order. Ignored when `continuous` is set. */
  batches: PlannedBatch[];
  /** Appends until killed (or `maxBatches`), for crash tests. */
  continuous?: { sessionId: string; seed: number; maxBatches: number; largeEvery: number } | undefined;
  /** The worker gives up (exit 3) if it is still running after this long. */
  deadlineMs: number;
}

/** The identity written into every message: worker, batch number within that worker, index within the batch. */
export interface MessageTag {
  w: number;
  b: number;
  i: number;
  /** Batch size, so a reader can tell a complete batch from a partial one. */
  k: number;
}

export interface Ack {
  worker: number;
  batch: number;
  sessionId: string;
  firstSeq: number;
  lastSeq: number;
}

export function encodeMessage(tag: MessageTag, padding = 0): string {
  return JSON.stringify(padding > 0 ? { ...tag, pad: "x".repeat(padding) } : tag);
}

/** The tag of a stored payload, or undefined when it is not a message a worker wrote. */
export function decodeMessage(payload: string): MessageTag | undefined {
  try {
    const value = JSON.parse(payload) as Partial<MessageTag> | null;
    if (value && [value.w, value.b, value.i, value.k].every((n) => Number.isSafeInteger(n))) {
      return { w: value.w as number, b: value.b as number, i: value.i as number, k: value.k as number };
    }
  } catch {
    // not ours
  }
  return undefined;
}

export const READY_LINE = "ready";
export const GO_LINE = "go";
export const ACK_PREFIX = "ack ";
export const DONE_LINE = "done";

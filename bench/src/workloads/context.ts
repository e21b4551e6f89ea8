import type { Mode } from "../modes.js";
import type { Row } from "../results.js";
import type { SessionSizes } from "../sessions.js";
import type { BackendTargets, Batch, BenchConfig, Target } from "../targets/index.js";
import { messagesFrom, payloadsFrom } from "../messages.js";

export interface WorkloadContext {
  mode: Mode;
  config: BenchConfig;
  sessions: SessionSizes;
  backend: BackendTargets;
  rows: Row[];
  log(line: string): void;
}

/** Fills the identifying part of a result row. */
export function rowFor(target: Target, workload: Row["workload"], variant: string, size: number): Row {
  return {
    workload,
    variant,
    backend: target.backend,
    target: target.id,
    kind: target.kind,
    label: target.label,
    size,
  };
}

/** Prepared outside the timer: the pool of messages cycles, and so does this. */
const BATCHES = new Map<string, Batch>();

/** The i-th batch of `size` messages (a turn is a batch of 2: human, then AI). */
export function batch(i: number, size: number): Batch {
  const start = (i * size) % 64;
  const name = `${start}/${size}`;
  let found = BATCHES.get(name);
  if (!found) {
    found = { messages: messagesFrom(start, size), payloads: payloadsFrom(start, size) };
    BATCHES.set(name, found);
  }
  return found;
}

export function fits(target: Target, size: number): boolean {
  return target.maxSession === undefined || size <= target.maxSession;
}

export function tooLarge(target: Target): string {
  return `cannot hold the session: one document per session, ${target.maxSession?.toLocaleString("en-US")} messages at most (16 MiB)`;
}

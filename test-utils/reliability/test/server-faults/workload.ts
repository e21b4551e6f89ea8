import { type AppendResult, type BaseChatHistoryStore, StoreUnavailableError } from "@chat-history/core";
import { waitUntil } from "../../src/servers/process-tools.js";

/** When a call started, relative to the fault the test injects. */
export type Phase = "before" | "outage" | "after";
/** `unavailable` = StoreUnavailableError with retryable true; `wrong` = anything else that was thrown. */
export type Outcome = "ok" | "unavailable" | "wrong";

export interface CallRecord {
  op: "append" | "read" | "count";
  actor: number;
  phase: Phase;
  ms: number;
  outcome: Outcome;
  error?: unknown;
}

export interface AppendAttempt {
  sessionId: string;
  payloads: string[];
  /** Set only when the store acknowledged the append. */
  result?: AppendResult;
}

/** A pause after a failed call, as a client would back off: keeps an outage from becoming a busy loop. */
const BACKOFF_MS = 25;

/**
 * Writers that append continuously (one session each, batches of 1-3) and one reader, on one store,
 * recording every call: how long it took and how it ended. The test moves `phase` along as it
 * stops and starts the server.
 */
export class Workload {
  phase: Phase = "before";
  readonly calls: CallRecord[] = [];
  readonly attempts: AppendAttempt[] = [];
  readonly sessionIds: string[];
  #running = false;
  #loops: Promise<void>[] = [];

  constructor(
    readonly store: BaseChatHistoryStore,
    namespace: string,
    readonly writers = 3,
  ) {
    this.sessionIds = Array.from({ length: writers }, (_, w) => `${namespace}/writer-${w}`);
  }

  start(): void {
    this.#running = true;
    this.#loops = [
      ...this.sessionIds.map((sessionId, w) => this.#writeLoop(w, sessionId)),
      this.#readLoop(this.writers),
    ];
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /** Successful calls of one actor (writer index, or `writers` for the reader) in a phase. */
  successes(actor: number, phase: Phase): number {
    return this.calls.filter((c) => c.actor === actor && c.phase === phase && c.outcome === "ok").length;
  }

  /** Waits until every writer and the reader have `n` successful calls in `phase`. */
  async waitForSuccesses(phase: Phase, n: number, timeoutMs: number): Promise<void> {
    const actors = Array.from({ length: this.writers + 1 }, (_, a) => a);
    await waitUntil(`${n} successful calls per client in phase ${phase}`, timeoutMs, () =>
      actors.every((a) => this.successes(a, phase) >= n),
    );
  }

  /** Waits until at least `n` calls that started in `phase` have finished (whatever their outcome). */
  async waitForCalls(phase: Phase, n: number, timeoutMs: number): Promise<void> {
    await waitUntil(
      `${n} calls in phase ${phase}`,
      timeoutMs,
      () => this.calls.filter((c) => c.phase === phase).length >= n,
    );
  }

  summary(): Record<Phase, Record<Outcome, number>> & { maxMs: number } {
    const empty = (): Record<Outcome, number> => ({ ok: 0, unavailable: 0, wrong: 0 });
    const result = { before: empty(), outage: empty(), after: empty(), maxMs: 0 };
    for (const call of this.calls) {
      result[call.phase][call.outcome] += 1;
      result.maxMs = Math.max(result.maxMs, call.ms);
    }
    return result;
  }

  async #writeLoop(writer: number, sessionId: string): Promise<void> {
    for (let n = 0; this.#running; n++) {
      const size = 1 + (n % 3);
      const attempt: AppendAttempt = {
        sessionId,
        payloads: Array.from({ length: size }, (_, i) => JSON.stringify({ writer, n, i })),
      };
      this.attempts.push(attempt);
      const ok = await this.#timed("append", writer, async () => {
        attempt.result = await this.store.append({ sessionId }, attempt.payloads);
      });
      if (!ok) await pause(BACKOFF_MS);
    }
  }

  async #readLoop(actor: number): Promise<void> {
    for (let n = 0; this.#running; n++) {
      const sessionId = this.sessionIds[n % this.sessionIds.length] as string;
      const ok =
        n % 2 === 0
          ? await this.#timed("read", actor, () => this.store.read({ sessionId }, { last: 5 }))
          : await this.#timed("count", actor, () => this.store.count({ sessionId }));
      if (!ok) await pause(BACKOFF_MS);
    }
  }

  async #timed(op: CallRecord["op"], actor: number, call: () => Promise<unknown>): Promise<boolean> {
    const phase = this.phase;
    const started = performance.now();
    try {
      await call();
      this.calls.push({ op, actor, phase, ms: performance.now() - started, outcome: "ok" });
      return true;
    } catch (error) {
      const typed = error instanceof StoreUnavailableError && error.retryable === true;
      this.calls.push({
        op,
        actor,
        phase,
        ms: performance.now() - started,
        outcome: typed ? "unavailable" : "wrong",
        error,
      });
      return false;
    }
  }
}

export interface DurabilityReport {
  acknowledged: number;
  /** Failed appends whose batch is nevertheless stored, whole (the server committed; the reply was lost). */
  unacknowledgedStored: number;
  unacknowledgedAbsent: number;
  problems: string[];
}

/**
 * Reads every session back and checks: each acknowledged batch is stored at exactly the seqs it was
 * given; each failed batch is stored whole and contiguous or not at all; nothing is stored twice or
 * that nobody wrote; seqs ascend.
 */
export async function checkDurability(store: BaseChatHistoryStore, workload: Workload): Promise<DurabilityReport> {
  const report: DurabilityReport = { acknowledged: 0, unacknowledgedStored: 0, unacknowledgedAbsent: 0, problems: [] };
  const seqOf = new Map<string, number>();
  for (const sessionId of workload.sessionIds) {
    let previous = 0;
    for (const record of await store.read({ sessionId })) {
      const id = `${sessionId}\u0000${record.payload}`;
      if (seqOf.has(id)) report.problems.push(`${sessionId}: payload ${record.payload} stored twice`);
      if (record.seq <= previous) report.problems.push(`${sessionId}: seq ${record.seq} after ${previous}`);
      previous = record.seq;
      seqOf.set(id, record.seq);
    }
  }
  const written = new Set<string>();
  for (const attempt of workload.attempts) {
    const seqs = attempt.payloads.map((p) => seqOf.get(`${attempt.sessionId}\u0000${p}`));
    attempt.payloads.forEach((p) => written.add(`${attempt.sessionId}\u0000${p}`));
    const label = `${attempt.sessionId} ${attempt.payloads[0]}`;
    if (attempt.result) {
      report.acknowledged += 1;
      const { firstSeq, lastSeq } = attempt.result;
      if (lastSeq - firstSeq + 1 !== attempt.payloads.length)
        report.problems.push(`${label}: acknowledged ${firstSeq}..${lastSeq}`);
      seqs.forEach((seq, i) => {
        if (seq !== firstSeq + i)
          report.problems.push(`${label}: acknowledged at ${firstSeq + i}, found at ${seq ?? "nowhere"}`);
      });
    } else if (seqs.every((s) => s === undefined)) {
      report.unacknowledgedAbsent += 1;
    } else {
      report.unacknowledgedStored += 1;
      const first = seqs[0];
      if (first === undefined || seqs.some((s, i) => s !== first + i)) {
        report.problems.push(`${label}: failed batch stored partly or torn: seqs ${JSON.stringify(seqs)}`);
      }
    }
  }
  for (const id of seqOf.keys()) {
    if (!written.has(id)) report.problems.push(`stored but never written: ${id.replace("\u0000", " ")}`);
  }
  return report;
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import type { BackendSpec } from "../../src/backends.js";
import { ackMismatches, auditSessions, missingMessages } from "../../src/workers/audit.js";
import type { PlannedBatch } from "../../src/workers/protocol.js";
import { randomGenerator, randomInt } from "../../src/workers/random.js";
import { readTwice } from "../../src/workers/read-back.js";
import { startTogether, startWorker } from "../../src/workers/spawn.js";

export interface WritersPlan {
  workers: number;
  appendsPerWorker: number;
  sessionIds: readonly string[];
  seed: number;
}

/** Each worker's batches: about half single messages, the rest batches of 2-5, to random sessions of the plan. */
export function planBatches(plan: WritersPlan): PlannedBatch[][] {
  const random = randomGenerator(plan.seed);
  return Array.from({ length: plan.workers }, () =>
    Array.from({ length: plan.appendsPerWorker }, () => ({
      sessionId: plan.sessionIds[randomInt(random, 0, plan.sessionIds.length - 1)] as string,
      size: random() < 0.5 ? 1 : randomInt(random, 2, 5),
    })),
  );
}

/** Everything the test asserts is zero (or empty), plus the figures it prints. */
export interface WritersOutcome {
  appendsPlanned: number;
  appendsAcked: number;
  messagesPlanned: number;
  messagesHeld: number;
  lost: number;
  duplicated: number;
  partial: number;
  nonContiguous: number;
  seqNotIncreasing: number;
  workerOrder: number;
  foreign: number;
  wrongAcks: number;
  readersDisagree: string[];
  countMismatches: string[];
  /** How often consecutive records come from different workers: shows the writers really overlapped. */
  interleavings: number;
}

const READY_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 75_000;

/** Starts the workers together, waits for all of them, then reads everything back twice and audits it. */
export async function runWriters(spec: BackendSpec, plan: WritersPlan): Promise<WritersOutcome> {
  const batches = planBatches(plan);
  const workers = batches.map((planned, worker) =>
    startWorker({ spec, worker, batches: planned, deadlineMs: READY_TIMEOUT_MS + RUN_TIMEOUT_MS }),
  );
  await startTogether(workers, READY_TIMEOUT_MS);
  await Promise.all(workers.map((worker) => worker.finished(RUN_TIMEOUT_MS)));

  const { sessions, disagreements, countMismatches } = await readTwice(spec, plan.sessionIds);
  const report = auditSessions(sessions);
  const expected = batches.flatMap((planned, worker) => planned.map((b, batch) => ({ ...b, worker, batch })));
  const acks = workers.flatMap((worker) => worker.acks);
  const messagesPlanned = expected.reduce((sum, b) => sum + b.size, 0);
  const lost = missingMessages(report, expected);
  return {
    appendsPlanned: expected.length,
    appendsAcked: acks.length,
    messagesPlanned,
    messagesHeld: messagesPlanned - lost,
    lost,
    duplicated: report.duplicated,
    partial: report.partial,
    nonContiguous: report.nonContiguous,
    seqNotIncreasing: report.seqNotIncreasing,
    workerOrder: report.workerOrder,
    foreign: report.foreign,
    wrongAcks: ackMismatches(report, acks).length,
    readersDisagree: disagreements,
    countMismatches,
    interleavings: countInterleavings(sessions),
  };
}

function countInterleavings(sessions: ReadonlyMap<string, ReadonlyArray<{ payload: string }>>): number {
  let switches = 0;
  for (const records of sessions.values()) {
    let previous: number | undefined;
    for (const { payload } of records) {
      const worker = (JSON.parse(payload) as { w?: number }).w;
      if (previous !== undefined && worker !== previous) switches++;
      previous = worker;
    }
  }
  return switches;
}

/** The figures to quote, on one line. */
export function summaryLine(test: string, backend: string, plan: WritersPlan, o: WritersOutcome): string {
  return (
    `${test} ${backend}: ${plan.workers}x${plan.appendsPerWorker} appends over ${plan.sessionIds.length} session(s), ` +
    `${o.appendsAcked}/${o.appendsPlanned} acked, ${o.messagesHeld}/${o.messagesPlanned} messages held, ${o.lost} lost, ` +
    `${o.duplicated} duplicated, ${o.partial + o.nonContiguous} torn batches, ${o.workerOrder} out of order, ` +
    `${o.interleavings} worker switches (seed ${plan.seed})`
  );
}

/** The parts of an outcome that must all be zero (or empty), in one object so a failure shows them together. */
export function faultsOf(o: WritersOutcome) {
  return {
    unacked: o.appendsPlanned - o.appendsAcked,
    lost: o.lost,
    duplicated: o.duplicated,
    partial: o.partial,
    nonContiguous: o.nonContiguous,
    seqNotIncreasing: o.seqNotIncreasing,
    workerOrder: o.workerOrder,
    foreign: o.foreign,
    wrongAcks: o.wrongAcks,
    readersDisagree: o.readersDisagree,
    countMismatches: o.countMismatches,
  };
}

export const NO_FAULTS: ReturnType<typeof faultsOf> = {
  unacked: 0,
  lost: 0,
  duplicated: 0,
  partial: 0,
  nonContiguous: 0,
  seqNotIncreasing: 0,
  workerOrder: 0,
  foreign: 0,
  wrongAcks: 0,
  readersDisagree: [],
  countMismatches: [],
};

import { setTimeout as sleep } from "node:timers/promises";
import type { BackendSpec } from "../../src/backends.js";
import { ackMismatches, auditSessions, batchKey, isComplete, missingMessages } from "../../src/workers/audit.js";
import type { Ack } from "../../src/workers/protocol.js";
import { randomGenerator, randomInt } from "../../src/workers/random.js";
import { readTwice } from "../../src/workers/read-back.js";
import { type FileLeftovers, fileLeftovers } from "../../src/workers/leftovers.js";
import { type WorkerHandle, startWorker } from "../../src/workers/spawn.js";

export interface CrashPlan {
  rounds: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Every this many appends, a batch of 32-128 KB messages, so kills can land inside long writes. */
  largeEvery: number;
  /** Appends the writer started after the last kill must complete. */
  finalAppends: number;
  seed: number;
}

export interface CrashOutcome {
  kills: number;
  /** Appends acknowledged by writers that were then killed. */
  ackedBeforeKills: number;
  /** Of those, how many are stored whole at the seqs they were acknowledged with. */
  ackedHeld: number;
  /** Present although never acknowledged: the append in flight when the kill came had committed. */
  committedUnacked: number;
  /** Acknowledged messages missing afterwards. */
  lost: number;
  /** Batches present in part. */
  partial: number;
  nonContiguous: number;
  duplicated: number;
  seqNotIncreasing: number;
  foreign: number;
  wrongAcks: number;
  /** Unacknowledged batches present that were not the one in flight at the kill. */
  phantom: number;
  /** Records of the final writer that do not come after everything the killed writers left. */
  finalNotAfter: number;
  finalAcked: number;
  /** File backend only: torn tails and lock files the kills left for the next writer to deal with. */
  leftovers: FileLeftovers;
  messagesStored: number;
  readersDisagree: string[];
  countMismatches: string[];
}

const READY_TIMEOUT_MS = 30_000;
const FIRST_ACK_TIMEOUT_MS = 30_000;
const FINAL_TIMEOUT_MS = 40_000;

/**
 * Rounds of: a fresh writer process appends continuously to one session, printing an ack after each
 * append resolves; once it has acknowledged its first append, it is SIGKILLed after a random delay.
 * Then one more writer must append `finalAppends` times without any repair, and everything is read back.
 */
export async function runCrashRounds(spec: BackendSpec, sessionId: string, plan: CrashPlan): Promise<CrashOutcome> {
  const random = randomGenerator(plan.seed);
  const killedAcks: Ack[] = [];
  let kills = 0;
  const leftovers: FileLeftovers = { tornTails: 0, locks: 0, tempFiles: 0 };
  const roundWriter = (round: number) =>
    startWorker({
      spec,
      worker: round,
      batches: [],
      continuous: { sessionId, seed: randomInt(random, 1, 2 ** 30), maxBatches: 100_000, largeEvery: plan.largeEvery },
      deadlineMs: 2 * READY_TIMEOUT_MS + FIRST_ACK_TIMEOUT_MS + plan.maxDelayMs + 10_000,
    });
  let next: WorkerHandle | undefined = roundWriter(0);
  for (let round = 0; round < plan.rounds; round++) {
    const writer: WorkerHandle = next as WorkerHandle;
    await writer.ready(READY_TIMEOUT_MS);
    writer.go();
    // The next round's process starts up meanwhile (it only opens its store until told to go).
    next = round + 1 < plan.rounds ? roundWriter(round + 1) : undefined;
    // Waiting for the first ack makes every kill land while appends are streaming, not during startup.
    if (!(await writer.untilAcks(1, FIRST_ACK_TIMEOUT_MS))) {
      throw new Error(`round ${round}: the writer acknowledged nothing: ${writer.stderr}`);
    }
    await sleep(randomInt(random, plan.minDelayMs, plan.maxDelayMs));
    writer.kill();
    const exit = await writer.exited;
    if (exit.signal !== "SIGKILL")
      throw new Error(`round ${round}: the writer ended by itself (${exit.code}): ${writer.stderr}`);
    kills++;
    killedAcks.push(...writer.acks);
    if (spec.name === "file") {
      const left = fileLeftovers(spec.location);
      leftovers.tornTails += left.tornTails;
      leftovers.locks += left.locks;
      leftovers.tempFiles = left.tempFiles; // these stay until someone removes them, so the last count is the total
    }
  }

  const finalWorker = plan.rounds;
  const final = startWorker({
    spec,
    worker: finalWorker,
    batches: Array.from({ length: plan.finalAppends }, (_, i) => ({ sessionId, size: 1 + (i % 4) })),
    deadlineMs: READY_TIMEOUT_MS + FINAL_TIMEOUT_MS,
  });
  await final.ready(READY_TIMEOUT_MS);
  final.go();
  await final.finished(FINAL_TIMEOUT_MS);

  const { sessions, disagreements, countMismatches } = await readTwice(spec, [sessionId]);
  const report = auditSessions(sessions);
  const allAcks = [...killedAcks, ...final.acks];
  const acked = new Set(allAcks.map((ack) => batchKey(ack.worker, ack.batch)));
  const ackCount = new Map<number, number>();
  for (const ack of killedAcks) ackCount.set(ack.worker, (ackCount.get(ack.worker) ?? 0) + 1);

  let committedUnacked = 0;
  let phantom = 0;
  for (const [key, found] of report.batches) {
    if (acked.has(key) || !isComplete(found)) continue;
    // Appends run one at a time, so only the batch right after a killed writer's last ack may be there unacknowledged.
    if (found.worker < finalWorker && found.batch === (ackCount.get(found.worker) ?? 0)) committedUnacked++;
    else phantom++;
  }

  const records = sessions.get(sessionId) ?? [];
  const lastBeforeFinal = Math.max(
    0,
    ...records.filter((r) => !payloadIsFrom(r.payload, finalWorker)).map((r) => r.seq),
  );
  const finalNotAfter = records.filter((r) => payloadIsFrom(r.payload, finalWorker) && r.seq <= lastBeforeFinal).length;

  return {
    kills,
    ackedBeforeKills: killedAcks.length,
    ackedHeld: killedAcks.length - ackMismatches(report, killedAcks).length,
    committedUnacked,
    lost: missingMessages(
      report,
      allAcks.map((ack) => ({ ...ack, size: ack.lastSeq - ack.firstSeq + 1 })),
    ),
    partial: report.partial,
    nonContiguous: report.nonContiguous,
    duplicated: report.duplicated,
    seqNotIncreasing: report.seqNotIncreasing,
    foreign: report.foreign,
    wrongAcks: ackMismatches(report, allAcks).length,
    phantom,
    finalNotAfter,
    finalAcked: final.acks.length,
    leftovers,
    messagesStored: records.length,
    readersDisagree: disagreements,
    countMismatches,
  };
}

function payloadIsFrom(payload: string, worker: number): boolean {
  return (JSON.parse(payload) as { w?: number }).w === worker;
}

export function faultsOf(o: CrashOutcome, plan: CrashPlan) {
  return {
    killsShort: plan.rounds - o.kills,
    lost: o.lost,
    partial: o.partial,
    nonContiguous: o.nonContiguous,
    duplicated: o.duplicated,
    seqNotIncreasing: o.seqNotIncreasing,
    foreign: o.foreign,
    wrongAcks: o.wrongAcks,
    phantom: o.phantom,
    finalNotAfter: o.finalNotAfter,
    finalUnacked: plan.finalAppends - o.finalAcked,
    readersDisagree: o.readersDisagree,
    countMismatches: o.countMismatches,
  };
}

export const NO_FAULTS: ReturnType<typeof faultsOf> = {
  killsShort: 0,
  lost: 0,
  partial: 0,
  nonContiguous: 0,
  duplicated: 0,
  seqNotIncreasing: 0,
  foreign: 0,
  wrongAcks: 0,
  phantom: 0,
  finalNotAfter: 0,
  finalUnacked: 0,
  readersDisagree: [],
  countMismatches: [],
};

export function summaryLine(backend: string, plan: CrashPlan, o: CrashOutcome): string {
  return (
    `crash ${backend}: ${o.kills} SIGKILLs mid-write (${plan.minDelayMs}-${plan.maxDelayMs} ms after the first ack), ` +
    `${o.ackedBeforeKills} appends acked before the kills, ${o.ackedHeld}/${o.ackedBeforeKills} held whole, ` +
    `${o.lost} messages lost, ${o.partial} partial batches, ${o.committedUnacked} in-flight batches committed whole, ` +
    (backend === "file"
      ? `${o.leftovers.tornTails} torn tails, ${o.leftovers.locks} locks and ${o.leftovers.tempFiles} temp files left by kills, `
      : "") +
    `next writer ${o.finalAcked}/${plan.finalAppends} appends after them, ${o.messagesStored} messages stored (seed ${plan.seed})`
  );
}

import type { StoredRecord } from "@chat-history/core";
import { type Ack, decodeMessage } from "./protocol.js";

/** A batch as found in storage: where each of its messages was seen. */
export interface FoundBatch {
  sessionId: string;
  worker: number;
  batch: number;
  size: number;
  /** For each index in the batch, the sequence numbers it was found at (one, when all is well). */
  seqsByIndex: number[][];
}

/** What reading the sessions back showed, counted so a test can assert zeros and print the figures. */
export interface AuditReport {
  records: number;
  /** Records that do not carry a worker's tag. */
  foreign: number;
  /** Extra copies of a (worker, batch, index). */
  duplicated: number;
  /** Batches with some of their messages but not all: an append that was not all-or-nothing. */
  partial: number;
  /** Complete batches whose records are not one run of consecutive seqs in index order. */
  nonContiguous: number;
  /** Neighbouring records whose seq does not increase. */
  seqNotIncreasing: number;
  /** Places where a worker's batch shows up before one it wrote earlier, in the same session. */
  workerOrder: number;
  batches: Map<string, FoundBatch>;
}

export const batchKey = (worker: number, batch: number): string => `${worker}:${batch}`;

/** Audits whole sessions as read back (each in ascending order, as the store returned it). */
export function auditSessions(sessions: ReadonlyMap<string, readonly StoredRecord[]>): AuditReport {
  const report: AuditReport = {
    records: 0,
    foreign: 0,
    duplicated: 0,
    partial: 0,
    nonContiguous: 0,
    seqNotIncreasing: 0,
    workerOrder: 0,
    batches: new Map(),
  };
  for (const [sessionId, records] of sessions) {
    const lastBatchOf = new Map<number, number>();
    let previousSeq = 0;
    for (const { seq, payload } of records) {
      report.records++;
      if (seq <= previousSeq) report.seqNotIncreasing++;
      previousSeq = seq;
      const tag = decodeMessage(payload);
      if (!tag || tag.i < 0 || tag.i >= tag.k) {
        report.foreign++;
        continue;
      }
      if (tag.b < (lastBatchOf.get(tag.w) ?? -1)) report.workerOrder++;
      lastBatchOf.set(tag.w, Math.max(tag.b, lastBatchOf.get(tag.w) ?? -1));
      const key = batchKey(tag.w, tag.b);
      let found = report.batches.get(key);
      if (!found) {
        found = {
          sessionId,
          worker: tag.w,
          batch: tag.b,
          size: tag.k,
          seqsByIndex: Array.from({ length: tag.k }, () => []),
        };
        report.batches.set(key, found);
      }
      if (found.sessionId !== sessionId) report.duplicated++; // the same batch in two sessions
      found.seqsByIndex[tag.i]?.push(seq);
    }
  }
  for (const found of report.batches.values()) {
    const seen = found.seqsByIndex.filter((seqs) => seqs.length > 0).length;
    report.duplicated += found.seqsByIndex.reduce((extra, seqs) => extra + Math.max(0, seqs.length - 1), 0);
    if (seen < found.size) report.partial++;
    else if (!isContiguous(found)) report.nonContiguous++;
  }
  return report;
}

function isContiguous(found: FoundBatch): boolean {
  const first = found.seqsByIndex[0]?.[0];
  return first !== undefined && found.seqsByIndex.every((seqs, i) => seqs.length === 1 && seqs[0] === first + i);
}

export function isComplete(found: FoundBatch | undefined): boolean {
  return found?.seqsByIndex.every((seqs) => seqs.length > 0) ?? false;
}

/** Messages of these batches (which must all be there) that are missing from their session. */
export function missingMessages(
  report: AuditReport,
  expected: Iterable<{ worker: number; batch: number; sessionId: string; size: number }>,
): number {
  let missing = 0;
  for (const want of expected) {
    const found = report.batches.get(batchKey(want.worker, want.batch));
    if (!found || found.sessionId !== want.sessionId) {
      missing += want.size;
      continue;
    }
    missing += found.seqsByIndex.filter((seqs) => seqs.length === 0).length;
  }
  return missing;
}

/** Acks whose batch is not stored exactly at the seqs the store acknowledged. */
export function ackMismatches(report: AuditReport, acks: Iterable<Ack>): Ack[] {
  const wrong: Ack[] = [];
  for (const ack of acks) {
    const found = report.batches.get(batchKey(ack.worker, ack.batch));
    const ok =
      found !== undefined &&
      found.sessionId === ack.sessionId &&
      ack.lastSeq - ack.firstSeq + 1 === found.size &&
      found.seqsByIndex.every((seqs, i) => seqs.length === 1 && seqs[0] === ack.firstSeq + i);
    if (!ok) wrong.push(ack);
  }
  return wrong;
}

import type { SessionInfo, StoredRecord } from "@chat-history/core";
import type { ObjectId } from "mongodb";

/** One document per session: identity, the sequence counter, times, and the generation its messages belong to. */
export interface SessionDoc {
  _id: string;
  sessionId: string;
  userId: string | null;
  /** Changes when the session is cleared or restarted after expiry; messages of an older generation are dead. */
  gen: ObjectId;
  /** The highest sequence number handed out in this generation. */
  lastSeq: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt?: Date;
}

/** One document per appended batch: records `seq..last`, payload i holding sequence number seq + i. */
export interface BatchDoc {
  sessionKey: string;
  gen: ObjectId;
  seq: number;
  last: number;
  payloads: string[];
}

export type BatchSlice = Pick<BatchDoc, "seq" | "last" | "payloads">;

export function isLive(doc: Pick<SessionDoc, "expiresAt">, now: number): boolean {
  return doc.expiresAt === undefined || doc.expiresAt.getTime() > now;
}

/** The filter half of isLive, for queries. */
export function liveFilter(now: Date): Record<string, unknown> {
  return { $or: [{ expiresAt: { $exists: false } }, { expiresAt: { $gt: now } }] };
}

/** Batches (in any order) to records in ascending sequence order. */
export function toRecords(batches: readonly BatchSlice[]): StoredRecord[] {
  const records: StoredRecord[] = [];
  for (const batch of [...batches].sort((a, b) => a.seq - b.seq)) {
    batch.payloads.forEach((payload, i) => records.push({ seq: batch.seq + i, payload }));
  }
  return records;
}

export function toSessionInfo(doc: SessionDoc, messageCount: number): SessionInfo {
  const info: SessionInfo = {
    sessionId: doc.sessionId,
    messageCount,
    createdAt: doc.createdAt.getTime(),
    updatedAt: doc.updatedAt.getTime(),
  };
  if (doc.userId !== null) info.userId = doc.userId;
  if (doc.expiresAt !== undefined) info.expiresAt = doc.expiresAt.getTime();
  return info;
}

import { closeSync, fstatSync, ftruncateSync, openSync } from "node:fs";
import { CorruptRecordError, type ReadQuery, type StoredRecord, selectRecords } from "@chat-history/core";
import { SMALL_IO, openIfExists, syncToDisk, writeAll } from "./fd-io.js";
import { writeFileAtomic } from "./file-ops.js";
import {
  DEFAULT_FIRST_CHUNK,
  LAST_RECORD_CHUNK,
  eachLineBackward,
  encodeBatch,
  parseLine,
  readFirstSeq,
} from "./lines.js";

interface PositionedRecord extends StoredRecord {
  /** Byte offset just past this record's line. */
  end: number;
}

/**
 * Committed records, newest first, to `visit` until it returns false. Skips the torn tail and the
 * lines of a batch whose last line is missing (a crash or a write still in progress).
 */
async function eachRecordBackward(
  fd: number,
  size: number,
  firstChunk: number,
  sessionId: string,
  visit: (record: PositionedRecord) => boolean,
): Promise<void> {
  let settled = false;
  await eachLineBackward(fd, size, firstChunk, (line) => {
    if (line.text === "") return true;
    const record = parseLine(line.text);
    if (!record) {
      throw new CorruptRecordError(sessionId, 0, `the line ending at byte ${line.end} of its file is not a record`);
    }
    if (!settled && record.more) return true;
    settled = true;
    return visit({ seq: record.seq, payload: record.payload, end: line.end });
  });
}

async function newestRecord(fd: number, size: number, sessionId: string): Promise<PositionedRecord | undefined> {
  let newest: PositionedRecord | undefined;
  await eachRecordBackward(fd, size, LAST_RECORD_CHUNK, sessionId, (record) => {
    newest = record;
    return false;
  });
  return newest;
}

/**
 * A `last: n` read sizes its first read to hold n records of about half a kilobyte with room to
 * spare, so a window is usually one (synchronous) read; other queries start at 16 KiB. Later
 * reads double.
 */
function firstChunkFor(query: ReadQuery): number {
  if (query.last === undefined || query.before !== undefined || query.after !== undefined) return DEFAULT_FIRST_CHUNK;
  return Math.min(Math.max(query.last * 1024, LAST_RECORD_CHUNK), SMALL_IO);
}

/** Runs a query from the end of the file backwards and stops as soon as it has what it needs. */
export async function queryRecords(path: string, query: ReadQuery, sessionId: string): Promise<StoredRecord[]> {
  const fd = openIfExists(path, "r");
  if (fd === undefined) return [];
  try {
    return await queryOpenFile(fd, fstatSync(fd).size, query, sessionId);
  } finally {
    closeSync(fd);
  }
}

async function queryOpenFile(fd: number, size: number, query: ReadQuery, sessionId: string): Promise<StoredRecord[]> {
  const { last, before, after, limit } = query;
  const pagingBack = before !== undefined && after === undefined && limit !== undefined;
  const newestFirst: StoredRecord[] = [];
  await eachRecordBackward(fd, size, firstChunkFor(query), sessionId, ({ seq, payload }) => {
    if (before !== undefined && seq >= before) return true;
    if (after !== undefined && seq <= after) return false;
    newestFirst.push({ seq, payload });
    if (last !== undefined && newestFirst.length >= last) return false;
    if (pagingBack && newestFirst.length >= limit) return false;
    return true;
  });
  return selectRecords(newestFirst.reverse(), query);
}

/** Committed records in the file: last seq minus first seq, plus one (seqs in a file are contiguous). */
export async function countRecords(path: string, sessionId: string): Promise<number> {
  const fd = openIfExists(path, "r");
  if (fd === undefined) return 0;
  try {
    const newest = await newestRecord(fd, fstatSync(fd).size, sessionId);
    if (!newest) return 0;
    const first = await readFirstSeq(fd);
    if (first === undefined) throw new CorruptRecordError(sessionId, 0, "the first line of its file is not a record");
    return newest.seq - first + 1;
  } finally {
    closeSync(fd);
  }
}

export interface AppendedBatch {
  firstSeq: number;
  lastSeq: number;
}

/**
 * Appends a batch after the last committed record, in one write. Call it holding the session's
 * lock: it first cuts off whatever a crashed writer left half-written. When the batch would take
 * the session over `maxMessages`, the newest records and the batch are instead written to a new
 * file renamed over the old one, so no reader ever sees more than the cap.
 */
export async function appendBatch(
  path: string,
  payloads: readonly string[],
  sessionId: string,
  options: { fsync: boolean; maxMessages: number | undefined },
): Promise<AppendedBatch> {
  const fd = openSync(path, "a+");
  try {
    const { size } = fstatSync(fd);
    const newest = await newestRecord(fd, size, sessionId);
    const committedEnd = newest?.end ?? 0;
    const firstSeq = (newest?.seq ?? 0) + 1;
    const lastSeq = firstSeq + payloads.length - 1;
    const { maxMessages } = options;
    if (maxMessages !== undefined) {
      const headSeq = newest ? await readFirstSeq(fd) : firstSeq;
      if (headSeq === undefined)
        throw new CorruptRecordError(sessionId, 0, "the first line of its file is not a record");
      if (lastSeq - headSeq + 1 > maxMessages) {
        const keepOld = Math.max(0, maxMessages - payloads.length);
        const kept = keepOld === 0 ? [] : await queryOpenFile(fd, committedEnd, { last: keepOld }, sessionId);
        const newPayloads = payloads.slice(Math.max(0, payloads.length - maxMessages));
        const data = Buffer.concat([
          ...kept.map((r) => encodeBatch(r.seq, [r.payload])),
          encodeBatch(lastSeq - newPayloads.length + 1, newPayloads),
        ]);
        await writeFileAtomic(path, data, options.fsync);
        return { firstSeq, lastSeq };
      }
    }
    if (committedEnd < size) ftruncateSync(fd, committedEnd);
    // The file is opened to append, so the write lands at its end (just cut to `committedEnd`).
    await writeAll(fd, encodeBatch(firstSeq, payloads));
    if (options.fsync) await syncToDisk(fd);
    return { firstSeq, lastSeq };
  } finally {
    closeSync(fd);
  }
}

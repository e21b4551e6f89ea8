import { type FileHandle, open } from "node:fs/promises";
import { writeFileAtomic } from "./file-ops.js";
import { CorruptRecordError, type ReadQuery, type StoredRecord, selectRecords } from "@chat-history/core";
import { encodeBatch, linesBackward, parseLine, readFirstSeq } from "./lines.js";

interface PositionedRecord extends StoredRecord {
  /** Byte offset just past this record's line. */
  end: number;
}

/**
 * Committed records, newest first. Skips the torn tail and the lines of a batch whose last line
 * is missing (a crash or a write still in progress).
 */
async function* recordsBackward(fh: FileHandle, size: number, sessionId: string): AsyncGenerator<PositionedRecord> {
  let settled = false;
  for await (const line of linesBackward(fh, size)) {
    if (line.text === "") continue;
    const record = parseLine(line.text);
    if (!record) {
      throw new CorruptRecordError(sessionId, 0, `the line ending at byte ${line.end} of its file is not a record`);
    }
    if (!settled && record.more) continue;
    settled = true;
    yield { seq: record.seq, payload: record.payload, end: line.end };
  }
}

async function openForRead(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Runs a query from the end of the file backwards and stops as soon as it has what it needs. */
export async function queryRecords(path: string, query: ReadQuery, sessionId: string): Promise<StoredRecord[]> {
  const fh = await openForRead(path);
  if (!fh) return [];
  try {
    return await queryOpenFile(fh, (await fh.stat()).size, query, sessionId);
  } finally {
    await fh.close();
  }
}

async function queryOpenFile(
  fh: FileHandle,
  size: number,
  query: ReadQuery,
  sessionId: string,
): Promise<StoredRecord[]> {
  const { last, before, after, limit } = query;
  const pagingBack = before !== undefined && after === undefined && limit !== undefined;
  const newestFirst: StoredRecord[] = [];
  for await (const { seq, payload } of recordsBackward(fh, size, sessionId)) {
    if (before !== undefined && seq >= before) continue;
    if (after !== undefined && seq <= after) break;
    newestFirst.push({ seq, payload });
    if (last !== undefined && newestFirst.length >= last) break;
    if (pagingBack && newestFirst.length >= limit) break;
  }
  return selectRecords(newestFirst.reverse(), query);
}

/** Committed records in the file: last seq minus first seq, plus one (seqs in a file are contiguous). */
export async function countRecords(path: string, sessionId: string): Promise<number> {
  const fh = await openForRead(path);
  if (!fh) return 0;
  try {
    const { size } = await fh.stat();
    const newest = await recordsBackward(fh, size, sessionId).next();
    if (newest.done) return 0;
    const first = await readFirstSeq(fh);
    if (first === undefined) throw new CorruptRecordError(sessionId, 0, "the first line of its file is not a record");
    return newest.value.seq - first + 1;
  } finally {
    await fh.close();
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
  const fh = await open(path, "a+");
  try {
    const { size } = await fh.stat();
    const newest = (await recordsBackward(fh, size, sessionId).next()).value;
    const committedEnd = newest?.end ?? 0;
    const firstSeq = (newest?.seq ?? 0) + 1;
    const lastSeq = firstSeq + payloads.length - 1;
    const { maxMessages } = options;
    if (maxMessages !== undefined) {
      const headSeq = newest ? await readFirstSeq(fh) : firstSeq;
      if (headSeq === undefined)
        throw new CorruptRecordError(sessionId, 0, "the first line of its file is not a record");
      if (lastSeq - headSeq + 1 > maxMessages) {
        const keepOld = Math.max(0, maxMessages - payloads.length);
        const kept = keepOld === 0 ? [] : await queryOpenFile(fh, committedEnd, { last: keepOld }, sessionId);
        const newPayloads = payloads.slice(Math.max(0, payloads.length - maxMessages));
        const data = Buffer.concat([
          ...kept.map((r) => encodeBatch(r.seq, [r.payload])),
          encodeBatch(lastSeq - newPayloads.length + 1, newPayloads),
        ]);
        await writeFileAtomic(path, data, options.fsync);
        return { firstSeq, lastSeq };
      }
    }
    if (committedEnd < size) await fh.truncate(committedEnd);
    await writeAll(fh, encodeBatch(firstSeq, payloads));
    if (options.fsync) await fh.sync();
    return { firstSeq, lastSeq };
  } finally {
    await fh.close();
  }
}

/** The file is opened for appending, so every write lands at its end; loops only on a short write. */
async function writeAll(fh: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await fh.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

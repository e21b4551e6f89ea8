import type { ReadQuery, StoredRecord } from "@chat-history/core";
import type { Collection, ObjectId, Sort } from "mongodb";
import { type BatchDoc, type BatchSlice, toRecords } from "./documents.js";

const PROJECTION = { _id: 0, seq: 1, last: 1, payloads: 1 } as const;

interface Plan {
  filter: Record<string, unknown>;
  sort: Sort;
  /** At most this many batches are needed: every batch holds at least one record. */
  limit: number | undefined;
  /** Which end of the selected records to keep when more were fetched than asked for. */
  keep: "oldest" | "newest";
}

/** Batches are contiguous and never overlap, so a batch ending after `after` is one that holds a record past it. */
function plan(gen: ObjectId, query: ReadQuery): Plan {
  if (query.last !== undefined) return { filter: { gen }, sort: { seq: -1 }, limit: query.last, keep: "newest" };
  const { before, after, limit } = query;
  if (before !== undefined && after !== undefined) {
    return { filter: { gen, seq: { $lt: before }, last: { $gt: after } }, sort: { seq: 1 }, limit, keep: "oldest" };
  }
  if (before !== undefined) return { filter: { gen, seq: { $lt: before } }, sort: { seq: -1 }, limit, keep: "newest" };
  if (after !== undefined) return { filter: { gen, last: { $gt: after } }, sort: { last: 1 }, limit, keep: "oldest" };
  return { filter: { gen }, sort: { seq: 1 }, limit, keep: "oldest" };
}

/** Runs a ReadQuery in the database: one indexed find over the session's newest or oldest batches. */
export async function readRecords(
  messages: Collection<BatchDoc>,
  gen: ObjectId,
  query: ReadQuery,
): Promise<StoredRecord[]> {
  const { filter, sort, limit, keep } = plan(gen, query);
  // The last N records never need more than the last N payloads of any batch: a window read then
  // costs N x N records at most, not N whole batches (a bulk append of 1,000 is one batch).
  const projection = query.last === undefined ? PROJECTION : { ...PROJECTION, payloads: { $slice: -query.last } };
  let cursor = messages.find<BatchSlice>(filter, { projection, sort });
  if (limit !== undefined) cursor = cursor.limit(limit);
  // A batch's payloads always end at `last`, so its first seq follows from what was returned.
  const batches = (await cursor.toArray()).map((b) => ({ ...b, seq: b.last - b.payloads.length + 1 }));
  const records = toRecords(batches).filter(
    (r) => (query.before === undefined || r.seq < query.before) && (query.after === undefined || r.seq > query.after),
  );
  const wanted = query.last ?? query.limit;
  if (wanted === undefined || records.length <= wanted) return records;
  return keep === "newest" ? records.slice(records.length - wanted) : records.slice(0, wanted);
}

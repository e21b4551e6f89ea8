import type { ReadQuery } from "@chat-history/core";

/**
 * The seqs `[from, to]` (inclusive; empty when from > to) that a query selects from a session whose
 * records are exactly `(lastSeq - count, lastSeq]`, as the store keeps them (see `#appendNow`).
 * Same rules as core's `selectRecords`, in seq arithmetic instead of array positions.
 */
export function selectedRange(lastSeq: number, count: number, query: ReadQuery): [from: number, to: number] {
  let from = lastSeq - count + 1;
  let to = lastSeq;
  if (query.last !== undefined) return [Math.max(from, to - query.last + 1), to];
  if (query.after !== undefined) from = Math.max(from, query.after + 1);
  if (query.before !== undefined) to = Math.min(to, query.before - 1);
  if (query.limit !== undefined) {
    // Paging back takes the records nearest the `before` cursor; otherwise the oldest first.
    if (query.before !== undefined && query.after === undefined) from = Math.max(from, to - query.limit + 1);
    else to = Math.min(to, from + query.limit - 1);
  }
  return [from, to];
}

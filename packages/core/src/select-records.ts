import type { ReadQuery, StoredRecord } from "./contract.js";

/**
 * Applies a ReadQuery to records already in ascending sequence order. For stores that hold a
 * session in memory; stores with an index must run the query there instead.
 */
export function selectRecords(records: readonly StoredRecord[], query: ReadQuery): StoredRecord[] {
  if (query.last !== undefined) return records.slice(Math.max(0, records.length - query.last));
  let from = 0;
  let to = records.length;
  if (query.after !== undefined) {
    const after = query.after;
    from = lowerBound(records, (r) => r.seq > after);
  }
  if (query.before !== undefined) {
    const before = query.before;
    to = lowerBound(records, (r) => r.seq >= before);
  }
  if (to <= from) return [];
  if (query.limit !== undefined) {
    // Paging back takes the records nearest the `before` cursor; otherwise the oldest first.
    if (query.before !== undefined && query.after === undefined) from = Math.max(from, to - query.limit);
    else to = Math.min(to, from + query.limit);
  }
  return records.slice(from, to);
}

function lowerBound(records: readonly StoredRecord[], isPast: (r: StoredRecord) => boolean): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isPast(records[mid] as StoredRecord)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The seqs `[from, to]` (inclusive; empty when from > to) that a query selects from a session whose
 * records are exactly `(lastSeq - count, lastSeq]` (a store that keeps them contiguous can read just
 * those). The rules of `selectRecords`, in seq arithmetic instead of array positions.
 */
export function selectSeqRange(lastSeq: number, count: number, query: ReadQuery): [from: number, to: number] {
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

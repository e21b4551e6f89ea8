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

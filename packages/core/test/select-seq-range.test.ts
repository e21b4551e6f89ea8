import type { ReadQuery, StoredRecord } from "../src/contract.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectRecords, selectSeqRange } from "../src/select-records.js";

/** The seqs a range names, the way the store turns it into records. */
function seqsOf([from, to]: [number, number]): number[] {
  const seqs: number[] = [];
  for (let seq = from; seq <= to; seq++) seqs.push(seq);
  return seqs;
}

describe("selectSeqRange", () => {
  it("applies each query form to the records (lastSeq - count, lastSeq]", () => {
    // Records 4..9: a session at lastSeq 9 holding 6 (3 were capped or cleared away).
    expect(seqsOf(selectSeqRange(9, 6, {}))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(seqsOf(selectSeqRange(9, 6, { last: 2 }))).toEqual([8, 9]);
    expect(seqsOf(selectSeqRange(9, 6, { last: 100 }))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(seqsOf(selectSeqRange(9, 6, { before: 8, limit: 2 }))).toEqual([6, 7]);
    expect(seqsOf(selectSeqRange(9, 6, { after: 4, limit: 2 }))).toEqual([5, 6]);
    expect(seqsOf(selectSeqRange(9, 6, { after: 3, before: 8 }))).toEqual([4, 5, 6, 7]);
    expect(seqsOf(selectSeqRange(9, 6, { after: 9 }))).toEqual([]);
    expect(seqsOf(selectSeqRange(9, 6, { before: 4 }))).toEqual([]);
    expect(seqsOf(selectSeqRange(9, 0, {}))).toEqual([]);
    expect(seqsOf(selectSeqRange(0, 0, { last: 5 }))).toEqual([]);
  });

  // Core's selectRecords is the reference every store is held to; a contiguous session makes the
  // two answer the same question, one by array positions and one by seq arithmetic.
  it("agrees with core's selectRecords on every contiguous session, cursor and limit", () => {
    const query = fc.oneof(
      fc.record({ last: fc.integer({ min: 1, max: 30 }) }),
      fc.record(
        {
          after: fc.nat(40),
          before: fc.nat(40),
          limit: fc.integer({ min: 1, max: 30 }),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(fc.nat(30), fc.nat(30), query, (count, gap, q: ReadQuery) => {
        const lastSeq = count + gap;
        const records: StoredRecord[] = seqsOf([lastSeq - count + 1, lastSeq]).map((seq) => ({ seq, payload: "" }));
        const expected = selectRecords(records, q).map((r) => r.seq);
        expect(seqsOf(selectSeqRange(lastSeq, count, q))).toEqual(expected);
      }),
      { numRuns: 2_000 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type StoredRecord, selectRecords } from "../src/index.js";

const records: StoredRecord[] = [3, 4, 5, 7, 8, 9].map((seq) => ({ seq, payload: String(seq) }));
const seqs = (query: Parameters<typeof selectRecords>[1]) => selectRecords(records, query).map((r) => r.seq);

describe("selectRecords", () => {
  it("applies each query form", () => {
    expect(seqs({})).toEqual([3, 4, 5, 7, 8, 9]);
    expect(seqs({ last: 2 })).toEqual([8, 9]);
    expect(seqs({ last: 100 })).toEqual([3, 4, 5, 7, 8, 9]);
    expect(seqs({ before: 8, limit: 2 })).toEqual([5, 7]);
    expect(seqs({ after: 4, limit: 2 })).toEqual([5, 7]);
    expect(seqs({ after: 3, before: 8 })).toEqual([4, 5, 7]);
    expect(seqs({ after: 9 })).toEqual([]);
    expect(seqs({ before: 3 })).toEqual([]);
  });

  it("agrees with a plain filter for any cursor and limit", () => {
    fc.assert(
      fc.property(
        fc.option(fc.nat(12)),
        fc.option(fc.nat(12)),
        fc.option(fc.integer({ min: 1, max: 8 })),
        (after, before, limit) => {
          const query = { after: after ?? undefined, before: before ?? undefined, limit: limit ?? undefined };
          let expected = records.filter(
            (r) => (after === null || r.seq > after) && (before === null || r.seq < before),
          );
          if (limit !== null)
            expected = before !== null && after === null ? expected.slice(-limit) : expected.slice(0, limit);
          expect(selectRecords(records, query)).toEqual(expected);
        },
      ),
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeBatch, parseAnyShape, parseLine } from "../src/lines.js";

// parseLine reads the shape encodeBatch writes without parsing the whole line as JSON. These tests
// hold it to the plain rule, `parseAnyShape` (the line is JSON with a positive safe-integer `s` and a string `p`),
// so that no line is read differently, or accepted or refused differently, than JSON.parse would.

function linesOf(batch: Buffer): string[] {
  return batch.toString("utf8").split("\n").slice(0, -1);
}

/** Payloads rich in what JSON must escape, and any well-formed Unicode. */
const payload = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('"', "\\", "\n", "\r", "\t", "\u0000", "\u2028", "}", "{", ",", ":", "a", "😀") }),
);
/** Small seqs and seqs near the largest safe integer (16 digits, outside the prefix reader's range). */
const firstSeq = fc.oneof(
  fc.integer({ min: 1, max: 10_000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER - 10 }),
);

/** Edits that turn a written line into a near miss: the inputs where a shortcut would go wrong. */
const nearMiss = fc
  .tuple(firstSeq, payload, fc.boolean(), fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 9 }))
  .map(([seq, p, more, at, insert, kind]) => {
    const line = linesOf(encodeBatch(seq, more ? [p, "next"] : [p]))[0] as string;
    const pos = at % (line.length + 1);
    switch (kind) {
      case 0:
        return line.slice(0, pos) + insert + line.slice(pos);
      case 1:
        return line.slice(0, pos) + line.slice(pos + 1);
      case 2:
        return line.slice(0, pos);
      case 3:
        return line.replace('{"s":', '{"s":0');
      case 4:
        return line.replace('{"s":', '{"s": ');
      case 5:
        return line.replace(',"m":1,', ',"m":2,');
      case 6:
        return `${line.slice(0, -1)},"p":"dup"}`;
      case 7:
        return line.replace('"p":', '"p":1,"q":');
      case 8:
        return `${line} `;
      default:
        return line.replace(/^\{"s":\d+/, `{"s":${"9".repeat(1 + (at % 18))}`);
    }
  });

describe("file store: record lines", () => {
  it("reads back every line encodeBatch writes, with its seq and the batch marker", () => {
    fc.assert(
      fc.property(firstSeq, fc.array(payload, { minLength: 1, maxLength: 4 }), (first, payloads) => {
        const lines = linesOf(encodeBatch(first, payloads));
        expect(lines).toHaveLength(payloads.length);
        lines.forEach((line, i) => {
          const expected = { seq: first + i, payload: payloads[i], more: i < payloads.length - 1 };
          expect(parseLine(line)).toEqual(expected);
          expect(parseAnyShape(line)).toEqual(expected);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("reads every near miss exactly as JSON.parse of the whole line would", () => {
    fc.assert(
      fc.property(nearMiss, (line) => {
        expect(parseLine(line)).toEqual(parseAnyShape(line));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with JSON.parse on hand-picked lines", () => {
    const lines = [
      '{"s":1,"p":"x"}',
      '{"s":1,"m":1,"p":"x"}',
      '{"s":1,"p":"x"} ',
      '{"s":01,"p":"x"}',
      '{"s":0,"p":"x"}',
      '{"s":-1,"p":"x"}',
      '{"s":1.5,"p":"x"}',
      '{"s":1e3,"p":"x"}',
      '{"s":9007199254740992,"p":"x"}',
      '{"s":900719925474099,"p":"x"}',
      '{"s":1,"p":"x","p":"y"}',
      '{"s":1,"p":"x"}}',
      '{"s":1,"p":"a"+"b"}',
      '{"s":1,"p":"x\\"}',
      '{"s":1,"p":"\\u00e9\\ud83d\\ude00"}',
      '{"s":1,"p":{"a":1}}',
      '{"s":1,"p":null}',
      '{"s":1,"m":1,"p":"x","m":0}',
      '{"p":"x","s":1}',
      '{"s":1,"p":"x"',
      "",
      "null",
    ];
    for (const line of lines) expect(parseLine(line), line).toEqual(parseAnyShape(line));
  });
});

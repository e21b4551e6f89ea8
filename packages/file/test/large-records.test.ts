import { appendFile, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { SMALL_IO } from "../src/fd-io.js";
import { LAST_RECORD_CHUNK } from "../src/lines.js";
import { sessionPaths } from "../src/names.js";
import { freshStore, rawLineCount } from "./helpers.js";

/** A payload of about `bytes` bytes once written, with characters JSON escapes. */
const payload = (n: number, bytes: number) =>
  JSON.stringify({ v: 1, type: "human", content: `${n} "quoted"\n`.padEnd(bytes, "abc😀") });

// An append reads the file's tail to find the last seq, starting with LAST_RECORD_CHUNK bytes and
// growing; reads and writes up to SMALL_IO bytes are synchronous calls and larger ones are not.
// Records on both sides of those sizes must number, read back and tear the same way.
const SIZES = [10, LAST_RECORD_CHUNK - 100, LAST_RECORD_CHUNK + 100, SMALL_IO + 100, 3 * SMALL_IO];

describe("file store: records larger than one read", () => {
  it("numbers, counts and reads back records on both sides of the read and write sizes", async () => {
    const { dir, store } = await freshStore("large");
    const key = { sessionId: "large" };
    const written: string[] = [];
    for (const [i, bytes] of SIZES.entries()) {
      const p = payload(i, bytes);
      expect(await store.append(key, [p])).toEqual({ firstSeq: written.length + 1, lastSeq: written.length + 1 });
      written.push(p);
    }
    // One batch bigger than a synchronous write, then a small append after it.
    const batch = [payload(100, SMALL_IO), payload(101, 10), payload(102, 2 * SMALL_IO)];
    expect(await store.append(key, batch)).toEqual({ firstSeq: written.length + 1, lastSeq: written.length + 3 });
    written.push(...batch);
    expect((await store.append(key, [payload(103, 10)])).firstSeq).toBe(written.length + 1);
    written.push(payload(103, 10));

    const all = written.map((p, i) => ({ seq: i + 1, payload: p }));
    expect(await store.read(key)).toEqual(all);
    for (const last of [1, 2, 3, 5, all.length]) expect(await store.read(key, { last })).toEqual(all.slice(-last));
    expect(await store.read(key, { before: 8, limit: 3 })).toEqual(all.slice(4, 7));
    expect(await store.count(key)).toBe(all.length);
    expect(await rawLineCount(dir, key)).toBe(all.length);
  });

  it("ignores and then cuts off a torn write longer than every read before it", async () => {
    const { dir, store } = await freshStore("large-torn");
    const key = { sessionId: "large-torn" };
    const first = payload(1, 3 * SMALL_IO);
    await store.append(key, [first]);
    const { records } = sessionPaths(dir, key);
    // Most of a big line without its newline: a writer killed mid-write.
    await appendFile(records, `{"s":2,"p":${JSON.stringify(payload(2, 2 * SMALL_IO))}`.slice(0, -5));

    expect(await store.read(key, { last: 1 })).toEqual([{ seq: 1, payload: first }]);
    expect(await store.count(key)).toBe(1);
    expect(await store.append(key, [payload(3, 10)])).toEqual({ firstSeq: 2, lastSeq: 2 });
    const text = await readFile(records, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.slice(0, -1).split("\n")).toHaveLength(2);
    expect((await store.read(key)).map((r) => r.seq)).toEqual([1, 2]);
  });
});

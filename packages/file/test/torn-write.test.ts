import { appendFile, readFile, writeFile } from "node:fs/promises";
import { CorruptRecordError } from "@chat-history/core";
import { describe, expect, it } from "vitest";
import { sessionPaths } from "../src/names.js";
import { freshStore } from "./helpers.js";

const payload = (n: number) => JSON.stringify({ v: 1, type: "human", content: `message ${n}` });

/** Every line of the file, each of which must be a whole record. */
async function fileLines(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
}

describe("file store: torn writes", () => {
  it("ignores a half-written last line, then cuts it off on the next append", async () => {
    const { dir, store } = await freshStore("torn-line");
    const key = { sessionId: "torn" };
    await store.append(key, [payload(1), payload(2), payload(3)]);
    const { records } = sessionPaths(dir, key);
    await appendFile(records, '{"s":4,"p":"{\\"v\\":1,\\"type\\":\\"hu');

    expect((await store.read(key)).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect((await store.read(key, { last: 2 })).map((r) => r.seq)).toEqual([2, 3]);
    expect(await store.count(key)).toBe(3);

    expect(await store.append(key, [payload(4)])).toEqual({ firstSeq: 4, lastSeq: 4 });
    const lines = await fileLines(records);
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect((await store.read(key)).map((r) => r.payload)).toEqual([1, 2, 3, 4].map(payload));
  });

  it("drops a batch whose last line never made it, whole", async () => {
    const { dir, store } = await freshStore("torn-batch");
    const key = { sessionId: "batch", userId: "u" };
    await store.append(key, [payload(1)]);
    const { records } = sessionPaths(dir, key);
    // Two complete lines of a three-line batch, then a crash mid-way through the third.
    await appendFile(records, `{"s":2,"m":1,"p":${JSON.stringify(payload(2))}}\n{"s":3,"m":1,"p":"x"}\n{"s":4,"p`);

    expect((await store.read(key)).map((r) => r.seq)).toEqual([1]);
    expect((await store.read(key, { last: 5 })).map((r) => r.seq)).toEqual([1]);
    expect(await store.count(key)).toBe(1);

    expect(await store.append(key, [payload(20), payload(21)])).toEqual({ firstSeq: 2, lastSeq: 3 });
    expect(await fileLines(records)).toHaveLength(3);
    expect((await store.read(key)).map((r) => r.payload)).toEqual([payload(1), payload(20), payload(21)]);
  });

  it("recovers a file holding nothing but a torn first write", async () => {
    const { dir, store } = await freshStore("torn-first");
    const key = { sessionId: "first" };
    await store.append(key, [payload(1)]);
    const { records } = sessionPaths(dir, key);
    await writeFile(records, '{"s":1,"p":"unfinish');

    expect(await store.read(key)).toEqual([]);
    expect(await store.count(key)).toBe(0);
    expect(await store.append(key, [payload(9)])).toEqual({ firstSeq: 1, lastSeq: 1 });
    expect(await store.read(key)).toEqual([{ seq: 1, payload: payload(9) }]);
  });

  it("reports a damaged line in the middle as a CorruptRecordError naming the session", async () => {
    const { dir, store } = await freshStore("corrupt");
    const key = { sessionId: "damaged" };
    await store.append(key, [payload(1)]);
    const { records } = sessionPaths(dir, key);
    await appendFile(records, "not a record\n");
    await store.append(key, [payload(2)]).catch(() => undefined);
    const error = await store.read(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as CorruptRecordError).sessionId).toBe("damaged");
  });
});

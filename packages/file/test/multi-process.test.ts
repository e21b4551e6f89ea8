import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { FileChatHistoryStore } from "../src/index.js";
import { tempDirectory } from "./helpers.js";

// tsx ships with vitest's dependencies; load its ESM hooks into plain `node` children.
const requireFromVitest = createRequire(createRequire(import.meta.url).resolve("vitest/package.json"));
const TSX_ESM = pathToFileURL(requireFromVitest.resolve("tsx/esm")).href;
const CHILD = fileURLToPath(new URL("./fixtures/append-child.ts", import.meta.url));

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX_ESM, CHILD, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`child exited with ${code}: ${stderr}`))));
  });
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("file store: several processes appending to one session", () => {
  it("loses nothing, duplicates nothing and keeps every batch contiguous", { timeout: 120_000 }, async () => {
    const { dir, remove } = await tempDirectory("multiprocess");
    cleanups.push(remove);
    const workers = 6;
    const batches = 40;
    const batchSize = 3;
    const sessionId = "shared/session 😀";
    await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        runChild([dir, sessionId, String(w), String(batches), String(batchSize)]),
      ),
    );

    const store = new FileChatHistoryStore({ directory: dir });
    const records = await store.read({ sessionId, userId: "shared" });
    const total = workers * batches * batchSize;
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.payload)).size).toBe(total);

    const seqsByBatch = new Map<string, number[]>();
    const batchOrderByWorker = new Map<number, number[]>();
    for (const record of records) {
      const { w, b, i } = JSON.parse(record.payload) as { w: number; b: number; i: number };
      const seqs = seqsByBatch.get(`${w}:${b}`) ?? [];
      expect(seqs.length).toBe(i);
      seqs.push(record.seq);
      seqsByBatch.set(`${w}:${b}`, seqs);
      if (i === 0) batchOrderByWorker.set(w, [...(batchOrderByWorker.get(w) ?? []), b]);
    }
    expect(seqsByBatch.size).toBe(workers * batches);
    for (const seqs of seqsByBatch.values()) {
      expect(seqs).toEqual(Array.from({ length: batchSize }, (_, i) => (seqs[0] as number) + i));
    }
    for (const order of batchOrderByWorker.values()) {
      expect(order).toEqual(Array.from({ length: batches }, (_, b) => b));
    }
    expect(await store.count({ sessionId, userId: "shared" })).toBe(total);
    await store.close();
  });

  it("two stores in one process over the same folder also stay contiguous", async () => {
    const { dir, remove } = await tempDirectory("twostores");
    cleanups.push(remove);
    const stores = [new FileChatHistoryStore({ directory: dir }), new FileChatHistoryStore({ directory: dir })];
    const key = { sessionId: "both" };
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, n) => (stores[n % 2] as FileChatHistoryStore).append(key, [`"${n}a"`, `"${n}b"`])),
    );
    const firstSeqs = results.map((r) => r.firstSeq).sort((a, b) => a - b);
    expect(firstSeqs).toEqual(Array.from({ length: 60 }, (_, i) => 1 + 2 * i));
    for (const r of results) expect(r.lastSeq).toBe(r.firstSeq + 1);
    const records = await (stores[0] as FileChatHistoryStore).read(key);
    expect(records).toHaveLength(120);
    for (let i = 0; i < records.length; i += 2) {
      expect((records[i] as { payload: string }).payload.replace("a", "b")).toBe(
        (records[i + 1] as { payload: string }).payload,
      );
    }
    await Promise.all(stores.map((s) => s.close()));
  });
});

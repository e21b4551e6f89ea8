import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { StoredRecord } from "@chat-history/core";
import type { Cluster, Redis } from "ioredis";
import { expect } from "vitest";
import { RedisChatHistoryStore } from "../src/index.js";
import { type WorkerJob, batchPayloads } from "./fixtures/job.js";
import { dropPrefix, unique } from "./helpers.js";

const TSX = fileURLToPath(new URL("../node_modules/.bin/tsx", import.meta.url));
const WORKER = fileURLToPath(new URL("./fixtures/append-worker.ts", import.meta.url));
const BATCHES = 150;
const BATCH_SIZE = 3;

interface Target {
  /** Where the child processes connect. */
  job: Pick<WorkerJob, "url" | "clusterUrls">;
  /** A fresh client in this process (the test quits it). */
  connect: () => Redis | Cluster;
}

function startWorker(job: WorkerJob): { child: ChildProcess; ready: Promise<void>; done: Promise<void> } {
  const child = spawn(TSX, [WORKER, JSON.stringify(job)], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes("ready")) markReady();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on("exit", (code) => {
      if (code === 0 && out.includes("done")) resolve();
      else reject(new Error(`worker ${job.writer} exited ${code}: ${err}`));
    });
  });
  // A worker that dies before "ready" must fail the wait for it too.
  return { child, ready: Promise.race([ready, done.then(() => undefined)]), done };
}

/** Two processes and two clients of this one append to one session at once. */
export async function appendFromTwoProcessesAndTwoClients(target: Target): Promise<void> {
  const prefix = unique("conc");
  const sessionId = unique("shared-");
  const workers = ["p1", "p2"].map((writer) =>
    startWorker({ ...target.job, prefix, sessionId, writer, batches: BATCHES, batchSize: BATCH_SIZE }),
  );
  const clients = [target.connect(), target.connect()];
  const stores = clients.map((client) => new RedisChatHistoryStore({ client, prefix }));
  try {
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin?.write("go\n");
    await Promise.all([
      ...workers.map((w) => w.done),
      ...stores.map(async (store, i) => {
        for (let b = 0; b < BATCHES; b++) {
          await store.append({ sessionId }, batchPayloads(`c${i + 1}`, b, BATCH_SIZE));
        }
      }),
    ]);
    const records = await (stores[0] as RedisChatHistoryStore).read({ sessionId });
    assertWholeBatches(records, ["p1", "p2", "c1", "c2"]);
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill();
    for (const store of stores) await store.close();
    await dropPrefix(clients[0] as Redis | Cluster, prefix);
    for (const client of clients) await client.quit();
  }
}

function assertWholeBatches(records: StoredRecord[], writers: string[]): void {
  expect(records).toHaveLength(writers.length * BATCHES * BATCH_SIZE);
  expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
  const seen = new Set<string>();
  for (let i = 0; i < records.length; i += BATCH_SIZE) {
    const batch = records
      .slice(i, i + BATCH_SIZE)
      .map((r) => JSON.parse(r.payload) as { w: string; b: number; k: number });
    const head = batch[0] as { w: string; b: number };
    // A batch starts at a multiple of its size and its members follow in order, with nobody in between.
    expect(batch).toEqual(batch.map((_, k) => ({ w: head.w, b: head.b, k })));
    seen.add(`${head.w}/${head.b}`);
  }
  expect(seen.size).toBe(writers.length * BATCHES);
}

/**
 * A child process for the multi-process tests. It loads everything, says "ready", waits for "go"
 * on stdin (so all workers open the database at the same moment), then appends its batches and
 * prints what the store returned as one JSON line.
 */
import { createInterface } from "node:readline";
import { SqliteChatHistoryStore } from "../../src/index.js";
import { type WorkerBatch, type WorkerTask, payloadFor } from "./worker-protocol.js";

const task = JSON.parse(process.argv[2] ?? "") as WorkerTask;
const lines = createInterface({ input: process.stdin });
process.stdout.write("ready\n");
for await (const line of lines) if (line === "go") break;
lines.close();

const store = new SqliteChatHistoryStore({ path: task.path, tableName: task.tableName });
const batches: WorkerBatch[] = [];
for (const [batch, size] of task.batchSizes.entries()) {
  const payloads = Array.from({ length: size }, (_, index) => payloadFor(task.worker, batch, index));
  const result = await store.append({ sessionId: task.sessionId }, payloads);
  batches.push({ batch, ...result });
}
await store.close();
process.stdout.write(`${JSON.stringify(batches)}\n`);

import { describe, expect, it } from "vitest";
import { SqliteChatHistoryStore } from "../src/index.js";
import { uniqueName, useTempDir } from "./support/temp-dir.js";
import { type WorkerTask, payloadFor } from "./support/worker-protocol.js";
import { runWorkers } from "./support/workers.js";

const file = useTempDir();
const WORKERS = 4;
const BATCHES = 40;

describe("several processes on one database file", () => {
  it("append to one session without losing, duplicating or interleaving anything", async () => {
    const path = file(`${uniqueName("shared")}.db`);
    const sessionId = "shared/session:1";
    // Batch sizes 1..3, different per worker, so contiguity is tested across batch shapes.
    const tasks: WorkerTask[] = Array.from({ length: WORKERS }, (_, worker) => ({
      path,
      sessionId,
      worker,
      batchSizes: Array.from({ length: BATCHES }, (_, batch) => ((worker + batch) % 3) + 1),
    }));
    const reports = await runWorkers(tasks);

    const store = new SqliteChatHistoryStore({ path });
    const records = await store.read({ sessionId });
    const total = tasks.reduce((sum, task) => sum + task.batchSizes.reduce((a, b) => a + b, 0), 0);
    expect(records).toHaveLength(total);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(await store.count({ sessionId })).toBe(total);

    const bySeq = new Map(records.map((r) => [r.seq, r.payload]));
    const seen = new Set<string>();
    for (const task of tasks) {
      const report = reports[task.worker] ?? [];
      expect(report).toHaveLength(BATCHES);
      for (const { batch, firstSeq, lastSeq } of report) {
        const size = task.batchSizes[batch] ?? 0;
        expect(lastSeq - firstSeq + 1).toBe(size);
        for (let index = 0; index < size; index++) {
          const payload = payloadFor(task.worker, batch, index);
          expect(bySeq.get(firstSeq + index)).toBe(payload);
          seen.add(payload);
        }
      }
    }
    expect(seen.size).toBe(total);
    await store.close();
  });

  it("keep sessions apart when processes write different sessions of one file", async () => {
    const path = file(`${uniqueName("apart")}.db`);
    const tasks: WorkerTask[] = Array.from({ length: 3 }, (_, worker) => ({
      path,
      sessionId: `session-${worker}`,
      worker,
      batchSizes: Array.from({ length: 20 }, () => 2),
    }));
    await runWorkers(tasks);
    const store = new SqliteChatHistoryStore({ path });
    for (const task of tasks) {
      const records = await store.read({ sessionId: task.sessionId });
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(records.every((r) => (JSON.parse(r.payload) as { worker: number }).worker === task.worker)).toBe(true);
    }
    const listed = await store.listSessions();
    expect(listed.sessions.map((s) => s.sessionId).sort()).toEqual(["session-0", "session-1", "session-2"]);
    await store.close();
  });
});

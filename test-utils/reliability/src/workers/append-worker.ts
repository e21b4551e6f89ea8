/**
 * A child process that appends tagged messages to a store, for the many-writers and crash tests.
 * Run with tsx; see protocol.ts for what it reads and prints.
 */
import { createInterface } from "node:readline";
import { openStore } from "../backends.js";
import {
  ACK_PREFIX,
  type Ack,
  DONE_LINE,
  GO_LINE,
  type PlannedBatch,
  READY_LINE,
  TASK_ENV,
  type WorkerTask,
  encodeMessage,
} from "./protocol.js";
import { randomGenerator } from "./random.js";

const task = JSON.parse(process.env[TASK_ENV] ?? "null") as WorkerTask | null;
if (!task) {
  process.stderr.write(`${TASK_ENV} is not set\n`);
  process.exit(2);
}

// A worker outliving its test (a hung server, a parent that died) must not linger.
setTimeout(() => {
  process.stderr.write(`worker ${task.worker}: deadline of ${task.deadlineMs} ms passed\n`);
  process.exit(3);
}, task.deadlineMs).unref();

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function waitForGo(): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      if (line.trim() === GO_LINE) {
        resolve(); // before close(), whose 'close' event would otherwise reject first
        lines.close();
      }
    });
    lines.on("close", () => reject(new Error("stdin closed before go")));
  });
}

/** The batches to write: the fixed plan, or an endless mix for a writer that is going to be killed. */
function* batchesOf(t: WorkerTask): Generator<PlannedBatch & { padding: number }> {
  if (!t.continuous) {
    for (const batch of t.batches) yield { ...batch, padding: 0 };
    return;
  }
  const { sessionId, seed, maxBatches, largeEvery } = t.continuous;
  const random = randomGenerator(seed);
  for (let n = 0; n < maxBatches; n++) {
    const size = random() < 0.4 ? 1 : 2 + Math.floor(random() * 4);
    // Now and then a large batch, so that a kill can land in the middle of a long write.
    const padding = n % largeEvery === largeEvery - 1 ? 32 * 1024 + Math.floor(random() * 96 * 1024) : 64;
    yield { sessionId, size, padding };
  }
}

async function main(t: WorkerTask): Promise<void> {
  const store = await openStore(t.spec);
  say(READY_LINE);
  await waitForGo();
  let batch = 0;
  for (const planned of batchesOf(t)) {
    const payloads = Array.from({ length: planned.size }, (_, i) =>
      encodeMessage({ w: t.worker, b: batch, i, k: planned.size }, planned.padding),
    );
    const { firstSeq, lastSeq } = await store.append({ sessionId: planned.sessionId }, payloads);
    const ack: Ack = { worker: t.worker, batch, sessionId: planned.sessionId, firstSeq, lastSeq };
    say(ACK_PREFIX + JSON.stringify(ack));
    batch++;
  }
  await store.close();
  say(DONE_LINE);
}

main(task).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `worker ${task.worker} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

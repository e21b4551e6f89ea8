/**
 * Run in a child process by big-session.test.ts, so the parent's heap (vitest, other tests) does not
 * blur the figures: opens the store, warms it up on a small session, then measures what reading a
 * window of 20 from the big session adds, and, as a control, what reading all of it adds.
 */
import { getHeapStatistics } from "node:v8";
import { type BackendSpec, openStore } from "../../src/backends.js";

interface Job {
  spec: BackendSpec;
  bigSessionId: string;
  warmSessionId: string;
  middleSeq: number;
}

interface Snapshot {
  rss: number;
  heapUsed: number;
  v8Used: number;
  maxRss: number;
}

function snapshot(): Snapshot {
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    v8Used: getHeapStatistics().used_heap_size,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

function delta(after: Snapshot, before: Snapshot): Snapshot {
  return {
    rss: after.rss - before.rss,
    heapUsed: after.heapUsed - before.heapUsed,
    v8Used: after.v8Used - before.v8Used,
    maxRss: after.maxRss - before.maxRss,
  };
}

function settle(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  gc();
  gc();
}

const job = JSON.parse(process.argv[2] as string) as Job;
const store = await openStore(job.spec);
try {
  // Connection, modules and the decoder are loaded on another session, so the big one is read cold.
  await store.history(job.warmSessionId, { window: 20 }).getMessages();
  settle();

  // No collection between read and measurement: whatever the read allocated, garbage included, counts.
  let before = snapshot();
  const window = await store.history(job.bigSessionId, { window: 20 }).getMessages();
  const windowDelta = delta(snapshot(), before);

  settle();
  before = snapshot();
  const page = await store.history(job.bigSessionId).getPage({ before: job.middleSeq, limit: 20 });
  const pageDelta = delta(snapshot(), before);

  settle();
  before = snapshot();
  const all = await store.read({ sessionId: job.bigSessionId });
  const fullDelta = delta(snapshot(), before);

  process.stdout.write(
    `${JSON.stringify({
      window: { ...windowDelta, count: window.length, last: window.at(-1)?.content },
      page: { ...pageDelta, count: page.messages.length, firstSeq: page.seqs[0] },
      full: { ...fullDelta, count: all.length },
    })}\n`,
  );
} finally {
  await store.close();
}

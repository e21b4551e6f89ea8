/**
 * Runs one read in a process of its own, so that its peak RSS is its own: connects the way the
 * main process does (no setup, no writes), reads, and prints one JSON line of figures.
 * Arguments: one JSON object { config, backend, target, space, id, window? }.
 */
import { createBackend } from "./targets/index.js";
import type { BenchConfig, Backend } from "./targets/index.js";
import type { MemoryFigures } from "./results.js";

interface Job {
  config: BenchConfig;
  backend: Backend;
  target: string;
  space: string;
  id: string;
  window?: number;
}

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? "{}") as Job;
  const backend = await createBackend(job.backend, job.config);
  const target = backend.targets.find((t) => t.id === job.target);
  if (!target) throw new Error(`no target ${job.target}`);
  // Connect first (a read of a session that does not exist), so the connection's own memory is in
  // the baseline. Files need no connection, and the file peer's first read loads its whole file.
  if (job.backend !== "file") await target.readLast({ space: job.space, id: "memory-probe" }, 1);
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage.rss();
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  // Sampled as well: the kernel's high-water mark only moves once the read exceeds the earlier peak.
  let sampled = before;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 2);
  const session = { space: job.space, id: job.id };
  const messages =
    job.window === undefined ? await target.readAll(session) : await target.readLast(session, job.window);
  clearInterval(timer);
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  const peak = Math.max(sampled, process.memoryUsage.rss(), peakAfter > peakBefore ? peakAfter : 0);
  const figures: MemoryFigures = {
    beforeMb: before / MB,
    peakMb: peak / MB,
    deltaMb: Math.max(0, peak - before) / MB,
    messages,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  await backend.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

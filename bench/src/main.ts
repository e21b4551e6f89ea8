/**
 * `pnpm bench [--quick] [--backends=file,sqlite,...] [--workloads=turn,append,...] [--sizes=10,1000] [--report-only]`
 *
 * Runs every workload on each backend's targets (our adapter, the raw-driver floor, LangChain's own
 * stores) in one process, writes bench/results/<mode>.json, prints the tables, and after a full run
 * writes docs/benchmarks.md and docs/benchmarks-turn-latency.svg from those results.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineMeta } from "./meta.js";
import { FULL, type Mode, QUICK } from "./modes.js";
import { renderMarkdown } from "./report/markdown.js";
import { renderSvg } from "./report/svg.js";
import type { Results, Row, Workload } from "./results.js";
import { SessionSizes } from "./sessions.js";
import { BACKENDS, type Backend, type BenchConfig, createBackend } from "./targets/index.js";
import { nowMs } from "./timing.js";
import { appendWorkload } from "./workloads/append.js";
import { concurrentWorkload } from "./workloads/concurrent.js";
import type { WorkloadContext } from "./workloads/context.js";
import { memoryWorkload } from "./workloads/memory.js";
import { readLastWorkload } from "./workloads/read-last.js";
import { turnWorkload } from "./workloads/turn.js";

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
const DOCS_DIR = join(BENCH_DIR, "..", "docs");
const WORKLOADS: readonly Workload[] = ["turn", "append", "read-last", "concurrent", "memory"];

interface Args {
  mode: Mode;
  backends: Backend[];
  workloads: Workload[];
  reportOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const list = <T extends string>(name: string, all: readonly T[]): T[] => {
    const given = value(name)?.split(",").filter(Boolean);
    if (!given) return [...all];
    const unknown = given.filter((g) => !all.includes(g as T));
    if (unknown.length) throw new Error(`--${name}: unknown ${unknown.join(", ")} (known: ${all.join(", ")})`);
    return given as T[];
  };
  const base = argv.includes("--quick") ? QUICK : FULL;
  const sizes = value("sizes")?.split(",").map(Number);
  if (sizes?.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error("--sizes: whole numbers, e.g. --sizes=10,1000");
  return {
    mode: sizes ? { ...base, sizes, memorySize: Math.max(...sizes) } : base,
    backends: list("backends", BACKENDS),
    workloads: list("workloads", WORKLOADS),
    reportOnly: argv.includes("--report-only"),
  };
}

function benchConfig(): BenchConfig {
  const env = process.env;
  return {
    dir: join(tmpdir(), `chat-history-bench-${process.pid}`),
    postgresUrl: env.CHAT_HISTORY_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    // DB 9 and the chbench: prefix: nothing the tests or an application use.
    redisUrl: env.CHAT_HISTORY_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/9",
    mongodbUrl: env.CHAT_HISTORY_BENCH_MONGODB_URL || undefined,
    prefix: "chbench",
  };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function runBackend(
  backend: Backend,
  args: Args,
  config: BenchConfig,
  rows: Row[],
  servers: Record<string, string>,
) {
  const targets = await createBackend(backend, config);
  try {
    await targets.setup();
    servers[backend] = targets.server ?? "?";
    const ctx: WorkloadContext = { mode: args.mode, config, sessions: new SessionSizes(), backend: targets, rows, log };
    const has = (w: Workload) => args.workloads.includes(w);
    for (const size of args.mode.sizes) {
      const step = async (name: string, fn: () => Promise<void>) => {
        const t0 = nowMs();
        await fn();
        log(`  ${backend} ${name} @ ${size.toLocaleString("en-US")}: ${((nowMs() - t0) / 1000).toFixed(1)} s`);
      };
      if (has("turn")) await step("turn", () => turnWorkload(ctx, size));
      if (has("read-last")) await step("read-last", () => readLastWorkload(ctx, size));
      if (has("append")) await step("append", () => appendWorkload(ctx, size));
      if (has("concurrent") && args.mode.concurrentSizes.includes(size))
        await step("concurrent", () => concurrentWorkload(ctx, size));
      if (has("memory") && size === args.mode.memorySize) await step("memory", () => memoryWorkload(ctx, size));
      // This size's sessions are no longer needed: free them before the next, larger one.
      for (const space of [`main_${size}`, `append1_${size}`, `append50_${size}`, `conc_${size}`]) {
        for (const target of targets.targets) await target.dropSpace(space);
        ctx.sessions.forget(space);
      }
    }
    await targets.cleanup();
  } finally {
    await targets.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Only a complete run replaces latest.json (full; then also the docs) or quick.json; a subset goes to partial.json.
  const whole =
    args.backends.length === BACKENDS.length &&
    args.workloads.length === WORKLOADS.length &&
    (args.mode.sizes === FULL.sizes || args.mode.sizes === QUICK.sizes);
  const resultsFile = join(
    BENCH_DIR,
    "results",
    !whole ? "partial.json" : args.mode.name === "full" ? "latest.json" : "quick.json",
  );
  let results: Results;
  if (args.reportOnly) {
    results = JSON.parse(readFileSync(resultsFile, "utf8")) as Results;
  } else {
    const started = nowMs();
    const startedAt = new Date().toISOString();
    const config = benchConfig();
    mkdirSync(config.dir, { recursive: true });
    const rows: Row[] = [];
    const servers: Record<string, string> = {};
    const notRun: Results["notRun"] = [];
    try {
      for (const backend of args.backends) {
        if (backend === "mongodb" && !config.mongodbUrl) {
          const reason =
            "CHAT_HISTORY_BENCH_MONGODB_URL is not set (no MongoDB server on this machine; the test emulator is never benchmarked)";
          log(`mongodb: not run: ${reason}`);
          notRun.push({ backend, reason });
          continue;
        }
        log(`${backend}: running`);
        try {
          await runBackend(backend, args, config, rows, servers);
        } catch (error) {
          const reason = `failed: ${(error as Error).message.split("\n")[0]}`;
          log(`${backend}: ${reason}`);
          notRun.push({ backend, reason });
        }
      }
    } finally {
      rmSync(config.dir, { recursive: true, force: true });
    }
    const { name, sizes, plan, appendPlan, ...settings } = args.mode;
    const plans = {
      turnsAndReads: sizes.map((size) => ({ size, adapter: plan("adapter", size), peer: plan("peer", size) })),
    };
    results = {
      meta: {
        ...machineMeta(name, { ...settings, ...plans, appendAt100: appendPlan(100, settings.appendCalls) }, sizes),
        date: startedAt,
        durationMs: nowMs() - started,
        servers,
      },
      notRun,
      rows,
    };
    mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 1)}\n`);
  }
  const markdown = renderMarkdown(results);
  process.stdout.write(`${markdown}\n`);
  if (results.meta.mode === "full" && resultsFile.endsWith("latest.json")) {
    mkdirSync(DOCS_DIR, { recursive: true });
    writeFileSync(join(DOCS_DIR, "benchmarks.md"), markdown);
    writeFileSync(join(DOCS_DIR, "benchmarks-turn-latency.svg"), renderSvg(results));
    log(`wrote docs/benchmarks.md and docs/benchmarks-turn-latency.svg`);
  }
  log(`done in ${(results.meta.durationMs / 1000).toFixed(1)} s; results in ${resultsFile}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

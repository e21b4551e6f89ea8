import type { SamplePlan } from "./timing.js";
import type { Kind } from "./targets/index.js";

export interface Mode {
  name: "full" | "quick";
  /** Session lengths for turns, appends and reads. */
  sizes: number[];
  /** Session lengths for the 50-session workload. */
  concurrentSizes: number[];
  /** Session length read by the memory workload. */
  memorySize: number;
  sessions: number;
  turnsPerSession: number;
  concurrentBudgetMs: number;
  /** Appends: the single-message run stops after this many calls or this budget. */
  appendCalls: number;
  /** A batch-of-50 case is skipped when its fewest batches (warm-up + minimum samples), estimated at 50 x its single-append median, would exceed this. */
  batchLimitMs: number;
  plan(kind: Kind, size: number): SamplePlan;
  appendPlan(size: number, calls: number): SamplePlan;
}

export const FULL: Mode = {
  name: "full",
  sizes: [10, 1_000, 10_000, 100_000],
  concurrentSizes: [10, 1_000],
  memorySize: 100_000,
  sessions: 50,
  turnsPerSession: 10,
  concurrentBudgetMs: 8_000,
  appendCalls: 1_000,
  batchLimitMs: 20_000,
  plan: (kind, size) =>
    size >= 100_000
      ? { warmup: 1, samples: kind === "peer" ? 5 : 30, budgetMs: 5_000, minSamples: 3 }
      : { warmup: 5, samples: 200, budgetMs: 2_500, minSamples: 5 },
  appendPlan: (size, calls) => ({
    warmup: 2,
    samples: calls,
    budgetMs: size >= 100_000 ? 5_000 : 4_000,
    minSamples: 3,
  }),
};

/** Small enough for CI: under two minutes on two cores. */
export const QUICK: Mode = {
  name: "quick",
  sizes: [10, 1_000, 10_000],
  concurrentSizes: [10],
  memorySize: 10_000,
  sessions: 50,
  turnsPerSession: 3,
  concurrentBudgetMs: 1_500,
  appendCalls: 200,
  batchLimitMs: 2_000,
  plan: (kind, size) => ({
    warmup: kind === "peer" && size >= 10_000 ? 1 : 2,
    samples: 40,
    budgetMs: 300,
    minSamples: 3,
  }),
  appendPlan: (_size, calls) => ({ warmup: 1, samples: calls, budgetMs: 300, minSamples: 3 }),
};

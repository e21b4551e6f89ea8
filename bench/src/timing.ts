/** Latency statistics in milliseconds. */
export interface Stats {
  n: number;
  median: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** How long to measure one case: samples stop at `samples` or when `budgetMs` is spent, whichever comes first. */
export interface SamplePlan {
  warmup: number;
  samples: number;
  budgetMs: number;
  /** Never fewer than this many samples, even over budget. */
  minSamples: number;
}

export function nowMs(): number {
  return performance.now();
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** One thing to time: `before` runs untimed ahead of every warm-up run and sample (e.g. to restore a session). */
export interface Case {
  key: string;
  plan: SamplePlan;
  run: (iteration: number) => Promise<unknown>;
  before?: (iteration: number) => Promise<unknown>;
}

/**
 * Times several cases round-robin (one sample of each in turn), so that a noisy moment on a
 * shared machine hits every case alike and the ratios between them stay meaningful. Each case
 * warms up first, then samples until its count or its time budget runs out.
 */
export async function measureInterleaved(cases: readonly Case[]): Promise<Map<string, Stats>> {
  let iteration = 0;
  for (const c of cases) {
    for (let w = 0; w < c.plan.warmup; w++) {
      await c.before?.(iteration);
      await c.run(iteration++);
    }
  }
  const samples = new Map<string, number[]>(cases.map((c) => [c.key, []]));
  const spent = new Map<string, number>(cases.map((c) => [c.key, 0]));
  const open = (c: Case) => {
    const n = (samples.get(c.key) as number[]).length;
    if (n < c.plan.minSamples) return true;
    return n < c.plan.samples && (spent.get(c.key) as number) < c.plan.budgetMs;
  };
  for (let active = cases.filter(open); active.length > 0; active = cases.filter(open)) {
    for (const c of active) {
      await c.before?.(iteration);
      const start = nowMs();
      await c.run(iteration++);
      const elapsed = nowMs() - start;
      (samples.get(c.key) as number[]).push(elapsed);
      spent.set(c.key, (spent.get(c.key) as number) + elapsed);
    }
  }
  return new Map(cases.map((c) => [c.key, summarize(samples.get(c.key) as number[])]));
}

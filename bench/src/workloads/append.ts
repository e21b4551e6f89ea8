import { type Case, measureInterleaved } from "../timing.js";
import type { Target } from "../targets/index.js";
import { type WorkloadContext, batch, fits, rowFor, tooLarge } from "./context.js";

export const BATCH = 50;

/**
 * Appending messages to a session that holds `size`: one message a call, then 50 a call, each
 * call a sample, up to the mode's number of calls (1,000 messages in the full run) or its time
 * budget. Every target starts from a freshly seeded session of exactly `size` messages.
 */
export async function appendWorkload(ctx: WorkloadContext, size: number): Promise<void> {
  const targets = ctx.backend.targets.filter((t) => {
    if (fits(t, size)) return true;
    for (const variant of ["single", `batch-${BATCH}`])
      ctx.rows.push({ ...rowFor(t, "append", variant, size), skipped: tooLarge(t) });
    return false;
  });
  const single = await run(ctx, targets, size, 1, ctx.mode.appendCalls);
  const plan = ctx.mode.appendPlan(size, 1);
  const batchable = targets.filter((t) => {
    const median = single.get(t.id)?.median ?? 0;
    const estimate = median * BATCH;
    // The fewest batches it would run: the warm-up and the minimum samples.
    if (estimate * (plan.warmup + plan.minSamples) <= ctx.mode.batchLimitMs) return true;
    ctx.rows.push({
      ...rowFor(t, "append", `batch-${BATCH}`, size),
      skipped: `not run: about ${(estimate / 1000).toFixed(1)} s per batch (${BATCH} x its single-append median)`,
    });
    return false;
  });
  await run(ctx, batchable, size, BATCH, Math.ceil(ctx.mode.appendCalls / BATCH));
}

async function run(ctx: WorkloadContext, targets: Target[], size: number, per: number, calls: number) {
  const space = `append${per}_${size}`;
  const id = "append";
  const variant = per === 1 ? "single" : `batch-${per}`;
  const cases: Case[] = [];
  for (const target of targets) {
    await ctx.sessions.ensure(target, space, [id], size, true);
    cases.push({
      key: target.id,
      plan: ctx.mode.appendPlan(size, calls),
      run: async (i) => {
        await target.append({ space, id }, batch(i, per));
        ctx.sessions.grew(target, space, id, per);
      },
    });
  }
  const stats = await measureInterleaved(cases);
  for (const target of targets) {
    const s = stats.get(target.id);
    ctx.rows.push({
      ...rowFor(target, "append", variant, size),
      stats: s,
      throughput: s ? (per * 1000) / s.mean : undefined,
    });
  }
  return stats;
}

import { nowMs, summarize } from "../timing.js";
import type { Target } from "../targets/index.js";
import { type WorkloadContext, batch, fits, rowFor, tooLarge } from "./context.js";
import { WINDOW } from "./turn.js";

/**
 * 50 sessions chatting at once: one loop per session, all running together, each doing turns
 * back to back (our adapter with a window of 40, the floor reading the last 40, a peer its normal
 * turn) until it has done `turnsPerSession` or the budget is spent (at least one turn each).
 * Targets run one after another, each alone on the machine.
 */
export async function concurrentWorkload(ctx: WorkloadContext, size: number): Promise<void> {
  const space = `conc_${size}`;
  const ids = Array.from({ length: ctx.mode.sessions }, (_, i) => `s${i}`);
  for (const target of ctx.backend.targets) {
    if (target.kind === "adapter-store") continue;
    const row = rowFor(target, "concurrent", `window-${WINDOW}`, size);
    if (!fits(target, size)) {
      ctx.rows.push({ ...row, skipped: tooLarge(target) });
      continue;
    }
    await ctx.sessions.ensure(target, space, ids, size, true);
    // One untimed turn per session first: connections open, statements and scripts load.
    await Promise.all(ids.map((id, k) => target.turn({ space, id }, WINDOW, batch(k, 2))));
    for (const id of ids) ctx.sessions.grew(target, space, id, 2);
    const { latencies, wallMs } = await chat(ctx, target, space, ids);
    ctx.rows.push({ ...row, stats: summarize(latencies), throughput: (latencies.length * 1000) / wallMs });
  }
}

async function chat(ctx: WorkloadContext, target: Target, space: string, ids: string[]) {
  const latencies: number[] = [];
  const start = nowMs();
  const deadline = start + ctx.mode.concurrentBudgetMs;
  await Promise.all(
    ids.map(async (id, k) => {
      for (let turn = 0; turn < ctx.mode.turnsPerSession; turn++) {
        if (turn > 0 && nowMs() > deadline) break;
        const t0 = nowMs();
        await target.turn({ space, id }, WINDOW, batch(k + turn, 2));
        latencies.push(nowMs() - t0);
        ctx.sessions.grew(target, space, id, 2);
      }
    }),
  );
  return { latencies, wallMs: nowMs() - start };
}

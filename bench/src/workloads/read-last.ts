import { type Case, measureInterleaved } from "../timing.js";
import type { Target } from "../targets/index.js";
import { type WorkloadContext, fits, rowFor, tooLarge } from "./context.js";

export const LAST = 20;

/** Reading the newest 20 messages. A peer can only read everything and slice. */
export async function readLastWorkload(ctx: WorkloadContext, size: number): Promise<void> {
  const space = `main_${size}`;
  const id = "turn";
  const cases: Case[] = [];
  const targets = new Map<string, Target>();
  for (const target of ctx.backend.targets) {
    if (!fits(target, size)) {
      ctx.rows.push({ ...rowFor(target, "read-last", `last-${LAST}`, size), skipped: tooLarge(target) });
      continue;
    }
    targets.set(target.id, target);
    cases.push({
      key: target.id,
      plan: ctx.mode.plan(target.kind, size),
      before: () => ctx.sessions.ensure(target, space, [id], size),
      run: async () => {
        const got = await target.readLast({ space, id }, LAST);
        if (got < Math.min(LAST, size))
          throw new Error(`${target.id} read ${got} messages, expected ${Math.min(LAST, size)}`);
      },
    });
  }
  const stats = await measureInterleaved(cases);
  for (const [key, target] of targets)
    ctx.rows.push({ ...rowFor(target, "read-last", `last-${LAST}`, size), stats: stats.get(key) });
}

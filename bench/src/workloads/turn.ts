import { type Case, measureInterleaved } from "../timing.js";
import type { Target } from "../targets/index.js";
import { type WorkloadContext, batch, fits, rowFor, tooLarge } from "./context.js";

export const WINDOW = 40;

/**
 * A chat turn as RunnableWithMessageHistory makes it: getMessages(), then addMessages([human, ai]).
 * Our adapter and the floor run it twice, reading the last 40 and reading everything; a peer
 * has no window, so its only turn reads everything (and stands in both comparisons).
 */
export async function turnWorkload(ctx: WorkloadContext, size: number): Promise<void> {
  const space = `main_${size}`;
  const id = "turn";
  const cases: Case[] = [];
  const variants = new Map<string, { target: Target; variant: string }>();
  for (const target of ctx.backend.targets) {
    if (!fits(target, size)) {
      ctx.rows.push({ ...rowFor(target, "turn", "all", size), skipped: tooLarge(target) });
      continue;
    }
    const windows: Array<number | undefined> = target.kind === "peer" ? [undefined] : [WINDOW, undefined];
    for (const window of windows) {
      const variant = window === undefined ? "all" : `window-${window}`;
      const key = `${target.id}/${variant}`;
      variants.set(key, { target, variant });
      cases.push({
        key,
        plan: ctx.mode.plan(target.kind, size),
        before: () => ctx.sessions.ensure(target, space, [id], size),
        run: async (i) => {
          await target.turn({ space, id }, window, batch(i, 2));
          ctx.sessions.grew(target, space, id, 2);
        },
      });
    }
  }
  const stats = await measureInterleaved(cases);
  for (const [key, { target, variant }] of variants) {
    ctx.rows.push({ ...rowFor(target, "turn", variant, size), stats: stats.get(key) });
  }
}

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { MemoryFigures } from "../results.js";
import type { Target } from "../targets/index.js";
import { type WorkloadContext, fits, rowFor, tooLarge } from "./context.js";
import { WINDOW } from "./turn.js";

const CHILD = fileURLToPath(new URL("../memory-child.ts", import.meta.url));
/** Two children at a time: memory is what is measured, not time. */
const PARALLEL = 2;

interface Job {
  target: Target;
  variant: string;
  window?: number;
}

/**
 * Peak RSS of a process that reads the session: our adapter reading all of it and reading a
 * window of 40, the store API reading all of it, the floor reading all of it, each peer reading
 * all of it (its only way). Each read runs in a process of its own.
 */
export async function memoryWorkload(ctx: WorkloadContext, size: number): Promise<void> {
  const space = `main_${size}`;
  const id = "turn";
  const jobs: Job[] = [];
  for (const target of ctx.backend.targets) {
    if (!fits(target, size)) {
      ctx.rows.push({ ...rowFor(target, "memory", "all", size), skipped: tooLarge(target) });
      continue;
    }
    // The quick run keeps the reads the goals are about: ours (whole and windowed) and the peers'.
    if (ctx.mode.name === "quick" && (target.kind === "floor" || target.kind === "adapter-store")) continue;
    await ctx.sessions.ensure(target, space, [id], size);
    jobs.push({ target, variant: "all" });
    if (target.kind === "adapter") jobs.push({ target, variant: `window-${WINDOW}`, window: WINDOW });
  }
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const row = rowFor(job.target, "memory", job.variant, size);
      try {
        ctx.rows.push({ ...row, memory: await runChild(ctx, job, space, id) });
      } catch (error) {
        ctx.rows.push({ ...row, skipped: `child failed: ${(error as Error).message.split("\n")[0]}` });
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

function runChild(ctx: WorkloadContext, job: Job, space: string, id: string): Promise<MemoryFigures> {
  const arg = JSON.stringify({
    config: ctx.config,
    backend: job.target.backend,
    target: job.target.id,
    space,
    id,
    window: job.window,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", CHILD, arg], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(err.trim() || `exit ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as MemoryFigures);
      } catch {
        reject(new Error(`unreadable child output: ${out.slice(0, 200)}`));
      }
    });
  });
}

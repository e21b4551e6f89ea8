import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { encodeMessage } from "@chat-history/core";
import { AIMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { type BackendSpec, backendSpecs, openStore } from "../../src/backends.js";
import { destroyAll, freshSpec } from "../../src/fuzz/namespace.js";
import { services } from "../../src/services.js";

/** 100,000 messages everywhere; the emulator answers from Python and gets a smaller session. */
const SESSION_SIZE: Record<BackendSpec["name"], number> = {
  file: 100_000,
  sqlite: 100_000,
  postgres: 100_000,
  redis: 100_000,
  mongodb: 100_000,
};
const BATCH = 1_000;
/**
 * What a window read of 20 may add over the baseline. A load-all read of 100,000 messages of
 * ~440 bytes holds at least 44 MB of payload text alone; the control read below proves the
 * measurement sees it.
 */
const WINDOW_BOUND = 30 * 1024 * 1024;
const CHILD = fileURLToPath(new URL("./window-read-child.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

/** An AI reply of about 440 bytes encoded, like the ones PEERS.md measured. */
function payload(i: number): string {
  return encodeMessage(
    new AIMessage({
      content: `Reply number ${i}: ${"the quick brown fox jumps over the lazy dog ".repeat(4)}`,
      id: `run-${i.toString(16).padStart(8, "0")}`,
      response_metadata: { model_name: "gpt-test", finish_reason: "stop", system_fingerprint: "fp_44709d6fcb" },
      usage_metadata: { input_tokens: 1200 + (i % 100), output_tokens: 64, total_tokens: 1264 + (i % 100) },
    }),
  );
}

interface Figures {
  rss: number;
  heapUsed: number;
  v8Used: number;
  maxRss: number;
  count: number;
}

function runChild(
  job: unknown,
): Promise<{ window: Figures & { last: unknown }; page: Figures & { firstSeq: number }; full: Figures }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", CHILD, JSON.stringify(job)], {
      cwd: PACKAGE_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (err = (err + c.toString("utf8")).slice(-4000)));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1) as string));
    });
  });
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

describe.each(backendSpecs(services(), "names"))("a big session on $name", ({ name, skip }) => {
  const size = SESSION_SIZE[name];

  it.skipIf(skip !== "")(
    skip ? `skipped: ${skip}` : `a ${size.toLocaleString("en")}-message session reads a window of 20 in bounded memory`,
    async () => {
      const spec = freshSpec(name, "limits");
      const store = await openStore(spec);
      try {
        const big = { sessionId: "big" };
        for (let start = 1; start <= size; start += BATCH) {
          const payloads = Array.from({ length: BATCH }, (_, i) => payload(start + i));
          const { firstSeq, lastSeq } = await store.append(big, payloads);
          expect(lastSeq - firstSeq + 1).toBe(BATCH);
        }
        await store.history("warm").addMessages([new AIMessage("warm up")]);
        expect(await store.count(big)).toBe(size);

        const middleSeq = size / 2 + 1;
        const figures = await runChild({ spec, bigSessionId: "big", warmSessionId: "warm", middleSeq });
        console.log(
          `limits ${name}: ${size} messages; window of 20: rss +${mb(figures.window.rss)}, heap +${mb(figures.window.heapUsed)}, ` +
            `peak rss +${mb(figures.window.maxRss)}; page of 20 from the middle: rss +${mb(figures.page.rss)}, heap +${mb(figures.page.heapUsed)}; ` +
            `full read (control): rss +${mb(figures.full.rss)}, heap +${mb(figures.full.heapUsed)}`,
        );
        expect(figures.window.count).toBe(20);
        expect(figures.window.last).toBe(JSON.parse(payload(size)).content);
        expect(figures.page.count).toBe(20);
        expect(figures.page.firstSeq).toBe(middleSeq - 20);
        for (const figure of [
          figures.window.rss,
          figures.window.heapUsed,
          figures.window.v8Used,
          figures.window.maxRss,
        ]) {
          expect(figure).toBeLessThan(WINDOW_BOUND);
        }
        // The control: reading everything is far above the bound, so the bound would catch a load-all read.
        expect(figures.full.count).toBe(size);
        expect(Math.max(figures.full.heapUsed, figures.full.rss)).toBeGreaterThan(WINDOW_BOUND);
      } finally {
        await store.close();
        await destroyAll(spec);
      }
    },
  );
});

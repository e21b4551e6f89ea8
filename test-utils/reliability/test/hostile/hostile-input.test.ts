import type { BaseChatHistoryStore } from "@chat-history/core";
import { HumanMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { type BackendSpec, backendSpecs, openStore } from "../../src/backends.js";
import { destroyAll, freshSpec } from "../../src/fuzz/namespace.js";
import { targetedFragments } from "../../src/fuzz/arbitraries.js";
import { foreignCanary } from "../../src/fuzz/canary.js";
import { isCanaryId, plantCanarySessions } from "../../src/fuzz/canary-sessions.js";
import { optionInput, playOptions } from "../../src/fuzz/option-property.js";
import { Tally, attempt } from "../../src/fuzz/outcome.js";
import { fingerprints } from "@chat-history/conformance";
import { avoidsCanaries, playSession, sessionInput } from "../../src/fuzz/session-property.js";
import { playStoreCalls, storeCallInput } from "../../src/fuzz/store-call-property.js";
import { services } from "../../src/services.js";

/** Runs per property: the MongoDB emulator answers every command from Python, so it gets fewer. */
const RUNS: Record<BackendSpec["name"], number> = { file: 100, sqlite: 100, postgres: 100, redis: 100, mongodb: 30 };
/** A low message-size limit makes oversized messages cheap to generate. */
const FUZZ_MAX_BYTES = 64 * 1024;

interface Run {
  spec: BackendSpec;
  store: BaseChatHistoryStore;
  /** Fragments aimed at this run's foreign canaries. */
  extra: string[];
}

/**
 * A fresh namespace with canaries planted around it (foreign data) and inside it (other sessions
 * of the same store); after the body, both must be exactly as planted.
 */
async function withCanaries(name: BackendSpec["name"], body: (run: Run) => Promise<void>): Promise<void> {
  const spec = freshSpec(name, "hostile");
  const foreign = foreignCanary(spec);
  await foreign.plant();
  const store = await openStore(spec, { maxMessageBytes: FUZZ_MAX_BYTES });
  try {
    const sessions = await plantCanarySessions(store, spec.namespace);
    await body({ spec, store, extra: targetedFragments(foreign.targets) });
    expect(await sessions.check()).toEqual([]);
    expect(await foreign.check()).toEqual([]);
  } finally {
    await store.close();
    await foreign.remove();
    await destroyAll(spec);
  }
}

describe.each(backendSpecs(services(), "names"))("hostile input on $name", ({ name, skip }) => {
  const tally = new Tally();
  const runs = RUNS[name];
  const title = (what: string) => (skip ? `${what} (skipped: ${skip})` : what);

  afterAll(() => {
    if (tally.tried > 0) console.log(tally.summary(name));
  });

  it.skipIf(skip !== "")(
    title("session ids, user ids, messages and history options round-trip or are refused typed"),
    async () => {
      await withCanaries(name, async ({ store, extra }) => {
        const inputs = sessionInput(FUZZ_MAX_BYTES, extra).filter((input) => avoidsCanaries(input, isCanaryId));
        await fc.assert(
          fc.asyncProperty(inputs, (input) => playSession(store, input, tally)),
          { numRuns: runs },
        );
      });
      expect(tally.escaped).toBe(0);
    },
  );

  it.skipIf(skip !== "")(title("raw store calls: keys, append options, read queries and list cursors"), async () => {
    await withCanaries(name, async ({ store, extra }) => {
      const inputs = storeCallInput(extra).filter((input) => {
        const key = input.key as { sessionId?: unknown; userId?: unknown } | null;
        if (key === null || typeof key !== "object" || typeof key.sessionId !== "string") return true;
        return !isCanaryId(key.sessionId, typeof key.userId === "string" ? key.userId : undefined);
      });
      await fc.assert(
        fc.asyncProperty(inputs, (input) => playStoreCalls(store, input, tally)),
        { numRuns: runs },
      );
    });
    expect(tally.escaped).toBe(0);
  });

  it.skipIf(skip !== "")(
    title("store options: table, schema, prefix and collection names, TTLs, caps and sizes"),
    async () => {
      await withCanaries(name, async ({ spec, extra }) => {
        await fc.assert(
          fc.asyncProperty(optionInput(extra), (input) => playOptions(spec, input, tally)),
          { numRuns: runs * 2 },
        );
      });
      expect(tally.escaped).toBe(0);
    },
  );
});

describe.each(backendSpecs(services(), "names"))("extreme valid option values on $name", ({ name, skip }) => {
  const END_OF_9999 = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
  const EXTREMES = [Number.MAX_SAFE_INTEGER, 8.64e15, 2 ** 53 - 2, 2 ** 32 + 1, 2 ** 31];

  it.skipIf(skip !== "")(
    skip ? `skipped: ${skip}` : "the largest TTLs and caps are stored as given or refused typed",
    async () => {
      const tally = new Tally();
      await withCanaries(name, async ({ store }) => {
        for (const [i, value] of EXTREMES.entries()) {
          const h = store.history(`extreme-${i}`, {
            userId: "extremes",
            ttlMs: value,
            maxMessages: value,
            window: 1_000_000,
          });
          const before = Date.now();
          const added = await attempt(tally, `addMessages with ttlMs ${value}`, () =>
            h.addMessages([new HumanMessage("x")]),
          );
          if (!added.ok) {
            expect(added.error.code).toBe("INVALID_OPTION");
            expect(await h.count()).toBe(0);
            continue;
          }
          expect(fingerprints(await h.getMessages())).toEqual(fingerprints([new HumanMessage("x")]));
          const info = await h.info();
          // Far-future expiry: still live, and not earlier than asked (a double's precision aside), or at
          // least the end of year 9999 where the backend stores dates (later ones are not portable).
          expect(info?.expiresAt ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(
            Math.min(before + value - 2, END_OF_9999),
          );
          expect(await h.delete()).toBe(true);
        }
      });
      console.log(
        `extremes ${name}: ${tally.accepted} accepted, ${tally.rejected} rejected (typed), ${tally.escaped} escaped`,
      );
    },
  );
});

import { randomBytes } from "node:crypto";
import type { StoreCapabilities } from "@chat-history/core";
import { type TestContext, it } from "vitest";
import type { ConformanceOptions, ConformantStore, StoreContext, StoreInspector } from "./types.js";

/** Lowercase letters and digits, starting with a letter: safe as a table name, key prefix or directory. */
export function newNamespace(): string {
  return `t${randomBytes(6).toString("hex")}`;
}

/** A session id no other test uses. */
export function newSessionId(label = "s"): string {
  return `${label}-${randomBytes(5).toString("hex")}`;
}

export interface OpenStore<S extends ConformantStore> {
  store: S;
  ctx: StoreContext;
  /** Another store over the same storage, like a second process or a restart. */
  reopen: () => Promise<S>;
  inspector: StoreInspector | undefined;
}

export interface Harness<S extends ConformantStore> {
  name: string;
  capabilities: StoreCapabilities;
  timeout: number;
  /** Multiplies heavy workloads; at least `min`. */
  scaled: (count: number, min?: number) => number;
  /** Pass the test's context: cleanup is registered on it, which also works for concurrent tests. */
  open: (test: TestContext) => Promise<OpenStore<S>>;
  options: ConformanceOptions<S>;
}

/** Each call to `open()` gives a store on a fresh namespace, destroyed when the test ends. */
export function createHarness<S extends ConformantStore>(options: ConformanceOptions<S>): Harness<S> {
  const scale = options.scale ?? 1;
  return {
    name: options.name,
    capabilities: options.capabilities,
    timeout: options.timeoutMs ?? 30_000,
    scaled: (count, min = 1) => Math.max(min, Math.round(count * scale)),
    options,
    async open(test) {
      const ctx: StoreContext = { namespace: newNamespace() };
      const store = await options.createStore(ctx);
      const extra: S[] = [];
      test.onTestFinished(async () => {
        for (const other of extra) await other.close();
        if (options.destroyStore) await options.destroyStore(store, ctx);
        else await store.close();
      });
      return {
        store,
        ctx,
        inspector: options.inspect?.(ctx),
        reopen: async () => {
          const other = await options.createStore(ctx);
          extra.push(other);
          return other;
        },
      };
    },
  };
}

/**
 * Registers a test only where the adapter's capabilities make it meaningful. A test that does not apply is
 * not registered at all (rather than reported as skipped), so "skipped" always means something is missing.
 */
export function onlyIf(condition: boolean): typeof it {
  return condition ? it : ((() => undefined) as unknown as typeof it);
}

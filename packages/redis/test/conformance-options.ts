import type { ConformanceOptions } from "@chat-history/conformance";
import type { Cluster, Redis } from "ioredis";
import { RedisChatHistoryStore } from "../src/index.js";
import { dropPrefix, rawCount } from "./helpers.js";

export const prefixFor = (namespace: string): string => `t-${namespace}`;

/**
 * The conformance wiring for either topology. `admin` is a client of ours for cleanup and raw reads;
 * `storeOptions` says how each store reaches Redis (its own URL, or a shared client).
 */
export function conformanceOptions(
  name: string,
  admin: () => Redis | Cluster,
  storeOptions: () => { url: string } | { client: Redis | Cluster },
  extra: Partial<ConformanceOptions<RedisChatHistoryStore>> = {},
): ConformanceOptions<RedisChatHistoryStore> {
  return {
    name,
    capabilities: { nativeTtl: true, crossProcess: true, persistent: true },
    timeoutMs: 60_000,
    createStore: ({ namespace }) => new RedisChatHistoryStore({ ...storeOptions(), prefix: prefixFor(namespace) }),
    createStoreNamed: (prefix) => new RedisChatHistoryStore({ ...storeOptions(), prefix }),
    destroyStore: async (store, { namespace }) => {
      await store.close();
      await dropPrefix(admin(), prefixFor(namespace));
      if (store.prefix !== prefixFor(namespace)) await dropPrefix(admin(), store.prefix);
    },
    inspect: ({ namespace }) => ({ countRecords: (key) => rawCount(admin(), prefixFor(namespace), key) }),
    ...extra,
  };
}

import { MemoryChatHistoryStore } from "@chat-history/core";
import { runConformance } from "../src/index.js";

// The suite checks itself against the in-memory reference store. Namespaces map to stores so that a
// reopened store sees the same data, the way a second process would.
const stores = new Map<string, MemoryChatHistoryStore>();

runConformance({
  name: "memory",
  capabilities: new MemoryChatHistoryStore().capabilities,
  createStore: ({ namespace }) => {
    const store = new MemoryChatHistoryStore();
    stores.set(namespace, store);
    return store;
  },
  inspect: ({ namespace }) => ({
    countRecords: async (key) => stores.get(namespace)?.rawRecordCount(key) ?? 0,
  }),
});

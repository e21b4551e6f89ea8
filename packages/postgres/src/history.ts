import { ChatHistory, type ChatHistoryOptions } from "@chat-history/core";
import { PostgresChatHistoryStore, type PostgresStoreOptions } from "./store.js";

export interface PostgresChatMessageHistoryOptions extends ChatHistoryOptions, PostgresStoreOptions {
  sessionId: string;
  /** Share one store across histories; otherwise one is built from the other options. */
  store?: PostgresChatHistoryStore | undefined;
}

/** The LangChain-style one-liner: `new PostgresChatMessageHistory({ sessionId, pool })`. */
export class PostgresChatMessageHistory extends ChatHistory {
  readonly #ownsStore: boolean;

  constructor({
    sessionId,
    userId,
    window,
    ttlMs,
    maxMessages,
    onCorruptRecord,
    store,
    ...storeOptions
  }: PostgresChatMessageHistoryOptions) {
    super(store ?? new PostgresChatHistoryStore({ ...storeOptions, onCorruptRecord }), sessionId, {
      userId,
      window,
      ttlMs,
      maxMessages,
      onCorruptRecord,
    });
    this.#ownsStore = store === undefined;
  }

  /** Closes the store this history built (a store or pool you passed is left open). */
  async close(): Promise<void> {
    if (this.#ownsStore) await this.store.close();
  }
}

import { ChatHistory, type ChatHistoryOptions } from "@chat-history/core";
import { RedisChatHistoryStore, type RedisStoreOptions } from "./store.js";

export interface RedisChatMessageHistoryOptions extends RedisStoreOptions, ChatHistoryOptions {
  sessionId: string;
  /** Share one store between histories instead of building one per history. */
  store?: RedisChatHistoryStore | undefined;
}

/**
 * The one-liner: `new RedisChatMessageHistory({ sessionId, client })` or `({ sessionId, url })`.
 * A history built from a `url` owns its connection: call close() when done with it.
 */
export class RedisChatMessageHistory extends ChatHistory {
  readonly #ownsStore: boolean;

  constructor(options: RedisChatMessageHistoryOptions) {
    const { sessionId, userId, window, ttlMs, maxMessages, onCorruptRecord, store, ...storeOptions } = options;
    super(store ?? new RedisChatHistoryStore({ ...storeOptions, onCorruptRecord }), sessionId, {
      userId,
      window,
      ttlMs,
      maxMessages,
      onCorruptRecord,
    });
    this.#ownsStore = store === undefined;
  }

  /** Closes the store this history built (and its connection, if it opened one); a passed store is left open. */
  async close(): Promise<void> {
    if (this.#ownsStore) await this.store.close();
  }
}

import { ChatHistory, type ChatHistoryOptions, assertSessionId, assertUserId } from "@chat-history/core";
import { MongoDBChatHistoryStore, type MongoDBStoreOptions } from "./store.js";

export interface MongoDBChatMessageHistoryOptions extends MongoDBStoreOptions, ChatHistoryOptions {
  sessionId: string;
  /** Share one store between histories; otherwise this history builds its own from the options. */
  store?: MongoDBChatHistoryStore | undefined;
}

/** The LangChain-style one-liner: `new MongoDBChatMessageHistory({ sessionId, client })`. */
export class MongoDBChatMessageHistory extends ChatHistory {
  readonly #ownsStore: boolean;

  constructor(options: MongoDBChatMessageHistoryOptions) {
    super(storeFor(options), options.sessionId, options);
    this.#ownsStore = options.store === undefined;
  }

  /** Closes the store this history built (and its client when built from a uri); a shared store is left open. */
  async close(): Promise<void> {
    if (this.#ownsStore) await this.store.close();
  }
}

/** Ids are checked before a client is built, so a bad id never leaves a connection behind. */
function storeFor(options: MongoDBChatMessageHistoryOptions): MongoDBChatHistoryStore {
  assertSessionId(options.sessionId);
  assertUserId(options.userId);
  return options.store ?? new MongoDBChatHistoryStore(options);
}

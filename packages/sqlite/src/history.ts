import { ChatHistory, type ChatHistoryOptions, assertSessionId, assertUserId } from "@chat-history/core";
import { SqliteChatHistoryStore, type SqliteStoreOptions } from "./store.js";

export interface SqliteChatMessageHistoryOptions extends SqliteStoreOptions, ChatHistoryOptions {
  sessionId: string;
  /** Share one store between histories; otherwise this history builds its own from the options. */
  store?: SqliteChatHistoryStore | undefined;
}

/** The LangChain-style one-liner: `new SqliteChatMessageHistory({ sessionId, path: "chat.db" })`. */
export class SqliteChatMessageHistory extends ChatHistory {
  readonly #ownsStore: boolean;

  constructor(options: SqliteChatMessageHistoryOptions) {
    super(storeFor(options), options.sessionId, options);
    this.#ownsStore = options.store === undefined;
  }

  /** Closes the store this history built (and the file it opened); a shared store is left open. */
  async close(): Promise<void> {
    if (this.#ownsStore) await this.store.close();
  }
}

/** Ids are checked before a file is opened, so a bad id never leaves a connection behind. */
function storeFor(options: SqliteChatMessageHistoryOptions): SqliteChatHistoryStore {
  assertSessionId(options.sessionId);
  assertUserId(options.userId);
  return options.store ?? new SqliteChatHistoryStore(options);
}

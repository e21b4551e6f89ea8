import { ChatHistory, type ChatHistoryOptions } from "@chat-history/core";
import { FileChatHistoryStore, type FileChatHistoryStoreOptions } from "./store.js";

export type FileChatMessageHistoryOptions = ChatHistoryOptions &
  (
    | { sessionId: string; store: FileChatHistoryStore }
    | ({ sessionId: string; store?: undefined } & FileChatHistoryStoreOptions)
  );

/**
 * The LangChain-style one-liner: `new FileChatMessageHistory({ sessionId, directory })`, or pass
 * a `store` to share one between many histories. A file store holds nothing open, so there is
 * nothing to close.
 */
export class FileChatMessageHistory extends ChatHistory {
  constructor(options: FileChatMessageHistoryOptions) {
    super(options.store ?? new FileChatHistoryStore(options), options.sessionId, options);
  }
}

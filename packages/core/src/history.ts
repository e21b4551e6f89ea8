import { BaseListChatMessageHistory } from "@langchain/core/chat_history";
import type { BaseMessage } from "@langchain/core/messages";
import { decodeMessage, encodeMessage } from "./codec.js";
import type { ChatHistoryStore, SessionInfo, SessionKey, StoredRecord } from "./contract.js";
import { CorruptRecordError } from "./errors.js";
import { LIMITS } from "./limits.js";
import { assertPositiveInt, assertSessionId, assertUserId } from "./validate.js";

export interface ChatHistoryOptions {
  /** Scopes the session to a user: another user's session with the same id is never seen. */
  userId?: string | undefined;
  /** `getMessages()` returns at most the newest `window` messages, read in the store. */
  window?: number | undefined;
  /** Sliding expiry set on every write. */
  ttlMs?: number | undefined;
  /** Keep at most this many messages in the store. */
  maxMessages?: number | undefined;
  onCorruptRecord?: "throw" | "skip" | undefined;
}

/** Store defaults a history falls back on (BaseChatHistoryStore provides them). */
interface StoreWithDefaults extends ChatHistoryStore {
  readonly defaults?: { maxMessageBytes?: number | undefined; onCorruptRecord?: "throw" | "skip" | undefined };
}

export interface MessagePage {
  messages: BaseMessage[];
  /** Sequence numbers of `messages`, in the same order; pass the first as `before` to page back. */
  seqs: number[];
}

/**
 * The LangChain view of one session. Written once for every adapter: encoding, validation,
 * windows and user scoping live here; the store only moves encoded records.
 */
export class ChatHistory extends BaseListChatMessageHistory {
  lc_namespace = ["chat_history", "stores"];

  readonly store: ChatHistoryStore;
  readonly key: SessionKey;
  readonly options: Readonly<ChatHistoryOptions>;
  readonly #maxBytes: number;
  readonly #onCorrupt: "throw" | "skip";

  constructor(store: ChatHistoryStore, sessionId: string, options: ChatHistoryOptions = {}) {
    super({});
    assertSessionId(sessionId);
    assertUserId(options.userId);
    assertPositiveInt("window", options.window, LIMITS.maxPageSize * 100);
    assertPositiveInt("ttlMs", options.ttlMs);
    assertPositiveInt("maxMessages", options.maxMessages);
    this.store = store;
    this.key = options.userId === undefined ? { sessionId } : { sessionId, userId: options.userId };
    this.options = { ...options };
    const defaults = (store as StoreWithDefaults).defaults;
    this.#maxBytes = defaults?.maxMessageBytes ?? LIMITS.maxMessageBytes;
    this.#onCorrupt = options.onCorruptRecord ?? defaults?.onCorruptRecord ?? "throw";
  }

  get sessionId(): string {
    return this.key.sessionId;
  }

  async getMessages(): Promise<BaseMessage[]> {
    const { window } = this.options;
    const records = await this.store.read(this.key, window === undefined ? {} : { last: window });
    const messages = this.#decode(records).messages;
    return window === undefined ? messages : dropOrphanToolResults(messages);
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  /** One store call for the whole batch: all of it is written, contiguously, or none of it. */
  override async addMessages(messages: BaseMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const payloads = messages.map((message, index) => encodeMessage(message, index, this.#maxBytes));
    await this.store.append(this.key, payloads, { ttlMs: this.options.ttlMs, maxMessages: this.options.maxMessages });
  }

  override async clear(): Promise<void> {
    await this.store.clear(this.key);
  }

  /** Pages through the session by sequence number; stable while other writers append. */
  async getPage(query: { before?: number; after?: number; limit: number }): Promise<MessagePage> {
    return this.#decode(await this.store.read(this.key, query));
  }

  async count(): Promise<number> {
    return this.store.count(this.key);
  }

  async info(): Promise<SessionInfo | undefined> {
    return this.store.getSession(this.key);
  }

  /** Removes the session entirely (clear() keeps it listed). */
  async delete(): Promise<boolean> {
    return this.store.deleteSession(this.key);
  }

  #decode(records: StoredRecord[]): MessagePage {
    const messages: BaseMessage[] = [];
    const seqs: number[] = [];
    for (const record of records) {
      try {
        messages.push(decodeMessage(record.payload, this.key.sessionId, record.seq));
        seqs.push(record.seq);
      } catch (error) {
        if (!(error instanceof CorruptRecordError) || this.#onCorrupt === "throw") throw error;
      }
    }
    return { messages, seqs };
  }
}

/** A window must not open on tool results whose calling AI message fell outside it. */
export function dropOrphanToolResults(messages: BaseMessage[]): BaseMessage[] {
  let start = 0;
  while (start < messages.length && (messages[start]?.type === "tool" || messages[start]?.type === "function")) start++;
  return start === 0 ? messages : messages.slice(start);
}

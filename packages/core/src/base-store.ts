import type {
  AppendOptions,
  AppendResult,
  ChatHistoryStore,
  ListSessionsQuery,
  ReadQuery,
  SessionInfo,
  SessionKey,
  SessionPage,
  StoreCapabilities,
  StoredRecord,
} from "./contract.js";
import { InvalidOptionError, StoreClosedError } from "./errors.js";
import { ChatHistory, type ChatHistoryOptions } from "./history.js";
import { LIMITS } from "./limits.js";
import { assertCursor, assertPositiveInt, assertSessionId, assertUserId } from "./validate.js";

/** Options every store accepts. */
export interface BaseStoreOptions {
  /** Default TTL for histories that do not set one. */
  ttlMs?: number | undefined;
  /** Default cap for histories that do not set one. */
  maxMessages?: number | undefined;
  /** Largest encoded message in UTF-8 bytes (default LIMITS.maxMessageBytes). */
  maxMessageBytes?: number | undefined;
  /** What histories do with a record they cannot decode: throw CorruptRecordError (default) or skip it. */
  onCorruptRecord?: "throw" | "skip" | undefined;
}

const DEFAULT_PAGE = 50;

/**
 * Validates every call once, here, then hands adapters clean input through the `do*` methods.
 * Adapters (ours and third parties') extend it and implement only storage.
 */
export abstract class BaseChatHistoryStore implements ChatHistoryStore {
  abstract readonly capabilities: StoreCapabilities;
  readonly defaults: Readonly<BaseStoreOptions>;
  #closed = false;

  constructor(options: BaseStoreOptions = {}) {
    assertPositiveInt("ttlMs", options.ttlMs);
    assertPositiveInt("maxMessages", options.maxMessages);
    assertPositiveInt("maxMessageBytes", options.maxMessageBytes);
    if (
      options.onCorruptRecord !== undefined &&
      options.onCorruptRecord !== "throw" &&
      options.onCorruptRecord !== "skip"
    ) {
      throw new InvalidOptionError("onCorruptRecord", `must be "throw" or "skip"`);
    }
    this.defaults = {
      ttlMs: options.ttlMs,
      maxMessages: options.maxMessages,
      maxMessageBytes: options.maxMessageBytes ?? LIMITS.maxMessageBytes,
      onCorruptRecord: options.onCorruptRecord ?? "throw",
    };
  }

  /** A LangChain history over one session of this store. Cheap: no I/O until used. */
  history(sessionId: string, options: ChatHistoryOptions = {}): ChatHistory {
    return new ChatHistory(this, sessionId, options);
  }

  get closed(): boolean {
    return this.#closed;
  }

  protected abstract doAppend(
    key: SessionKey,
    payloads: readonly string[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  protected abstract doRead(key: SessionKey, query: ReadQuery): Promise<StoredRecord[]>;
  protected abstract doCount(key: SessionKey): Promise<number>;
  protected abstract doGetSession(key: SessionKey): Promise<SessionInfo | undefined>;
  protected abstract doListSessions(
    userId: string | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<SessionPage>;
  protected abstract doClear(key: SessionKey): Promise<void>;
  protected abstract doDeleteSession(key: SessionKey): Promise<boolean>;
  protected abstract doPrune(): Promise<number>;
  protected abstract doClose(): Promise<void>;

  async append(key: SessionKey, payloads: readonly string[], options: AppendOptions = {}): Promise<AppendResult> {
    this.#check(key);
    assertPositiveInt("ttlMs", options.ttlMs);
    assertPositiveInt("maxMessages", options.maxMessages);
    if (!Array.isArray(payloads) || payloads.length === 0) {
      throw new InvalidOptionError("payloads", "must be a non-empty array of encoded messages");
    }
    return this.doAppend(key, payloads, {
      ttlMs: options.ttlMs ?? this.defaults.ttlMs,
      maxMessages: options.maxMessages ?? this.defaults.maxMessages,
    });
  }

  async read(key: SessionKey, query: ReadQuery = {}): Promise<StoredRecord[]> {
    this.#check(key);
    assertPositiveInt("last", query.last, LIMITS.maxPageSize * 100);
    assertPositiveInt("limit", query.limit, LIMITS.maxPageSize * 100);
    assertCursor("before", query.before);
    assertCursor("after", query.after);
    if (query.last !== undefined && (query.before !== undefined || query.after !== undefined)) {
      throw new InvalidOptionError("last", "cannot be combined with before/after; use limit");
    }
    return this.doRead(key, query);
  }

  async count(key: SessionKey): Promise<number> {
    this.#check(key);
    return this.doCount(key);
  }

  async getSession(key: SessionKey): Promise<SessionInfo | undefined> {
    this.#check(key);
    return this.doGetSession(key);
  }

  async listSessions(query: ListSessionsQuery = {}): Promise<SessionPage> {
    this.#checkOpen();
    assertUserId(query.userId);
    assertPositiveInt("limit", query.limit, LIMITS.maxPageSize);
    if (query.cursor !== undefined && (typeof query.cursor !== "string" || query.cursor.length === 0)) {
      throw new InvalidOptionError("cursor", "must be the nextCursor of a previous page");
    }
    return this.doListSessions(query.userId, query.limit ?? DEFAULT_PAGE, query.cursor);
  }

  async clear(key: SessionKey): Promise<void> {
    this.#check(key);
    return this.doClear(key);
  }

  async deleteSession(key: SessionKey): Promise<boolean> {
    this.#check(key);
    return this.doDeleteSession(key);
  }

  async prune(): Promise<number> {
    this.#checkOpen();
    return this.doPrune();
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.doClose();
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  #check(key: SessionKey): void {
    this.#checkOpen();
    if (key === null || typeof key !== "object") throw new InvalidOptionError("key", "must be { sessionId, userId? }");
    assertSessionId(key.sessionId);
    assertUserId(key.userId);
  }
}

import { BaseChatHistoryStore, type BaseStoreOptions } from "./base-store.js";
import type {
  AppendOptions,
  AppendResult,
  ReadQuery,
  SessionInfo,
  SessionKey,
  SessionPage,
  StoreCapabilities,
  StoredRecord,
} from "./contract.js";
import { selectRecords } from "./select-records.js";
import { decodeSessionCursor, encodeSessionCursor, isAfterCursor } from "./session-cursor.js";

interface MemorySession {
  info: SessionInfo;
  records: StoredRecord[];
  nextSeq: number;
}

/** A store in process memory: for tests, and the reference the conformance suite checks itself with. */
export class MemoryChatHistoryStore extends BaseChatHistoryStore {
  readonly capabilities: StoreCapabilities = { nativeTtl: false, crossProcess: false, persistent: false };
  readonly #sessions = new Map<string, MemorySession>();

  constructor(options: BaseStoreOptions = {}) {
    super(options);
  }

  #live(key: SessionKey, now = Date.now()): MemorySession | undefined {
    const session = this.#sessions.get(mapKey(key));
    if (session?.info.expiresAt !== undefined && session.info.expiresAt <= now) return undefined;
    return session;
  }

  protected async doAppend(
    key: SessionKey,
    payloads: readonly string[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const now = Date.now();
    let session = this.#live(key, now);
    if (!session) {
      session = {
        info: { sessionId: key.sessionId, userId: key.userId, messageCount: 0, createdAt: now, updatedAt: now },
        records: [],
        nextSeq: 1,
      };
      this.#sessions.set(mapKey(key), session);
    }
    const firstSeq = session.nextSeq;
    for (const payload of payloads) session.records.push({ seq: session.nextSeq++, payload });
    if (options.maxMessages !== undefined && session.records.length > options.maxMessages) {
      session.records.splice(0, session.records.length - options.maxMessages);
    }
    session.info.updatedAt = now;
    session.info.messageCount = session.records.length;
    if (options.ttlMs !== undefined) session.info.expiresAt = now + options.ttlMs;
    return { firstSeq, lastSeq: session.nextSeq - 1 };
  }

  protected async doRead(key: SessionKey, query: ReadQuery): Promise<StoredRecord[]> {
    const session = this.#live(key);
    return session ? selectRecords(session.records, query) : [];
  }

  protected async doCount(key: SessionKey): Promise<number> {
    return this.#live(key)?.records.length ?? 0;
  }

  protected async doGetSession(key: SessionKey): Promise<SessionInfo | undefined> {
    const session = this.#live(key);
    return session ? { ...session.info } : undefined;
  }

  protected async doListSessions(
    userId: string | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<SessionPage> {
    const after = cursor === undefined ? undefined : decodeSessionCursor(cursor);
    const now = Date.now();
    const matching = [...this.#sessions.values()]
      .map((s) => s.info)
      .filter((info) => info.userId === userId && (info.expiresAt === undefined || info.expiresAt > now))
      .filter((info) => after === undefined || isAfterCursor(after, info.updatedAt, info.sessionId))
      .sort(
        (a, b) => b.updatedAt - a.updatedAt || (a.sessionId < b.sessionId ? 1 : a.sessionId > b.sessionId ? -1 : 0),
      );
    const page = matching.slice(0, limit).map((info) => ({ ...info }));
    const last = page[page.length - 1];
    return { sessions: page, nextCursor: matching.length > limit && last ? encodeSessionCursor(last) : undefined };
  }

  protected async doClear(key: SessionKey): Promise<void> {
    const session = this.#live(key);
    if (!session) return;
    session.records = [];
    session.info.messageCount = 0;
    session.info.updatedAt = Date.now();
  }

  protected async doDeleteSession(key: SessionKey): Promise<boolean> {
    const existed = this.#live(key) !== undefined;
    this.#sessions.delete(mapKey(key));
    return existed;
  }

  protected async doPrune(): Promise<number> {
    const now = Date.now();
    let removed = 0;
    for (const [k, session] of this.#sessions) {
      if (session.info.expiresAt !== undefined && session.info.expiresAt <= now) {
        this.#sessions.delete(k);
        removed++;
      }
    }
    return removed;
  }

  protected async doClose(): Promise<void> {
    this.#sessions.clear();
  }

  /** Raw record count, bypassing expiry: lets tests see what prune() physically removed. */
  rawRecordCount(key: SessionKey): number {
    return this.#sessions.get(mapKey(key))?.records.length ?? 0;
  }
}

function mapKey(key: SessionKey): string {
  return JSON.stringify([key.userId ?? null, key.sessionId]);
}

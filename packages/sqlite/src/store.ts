import type { Database } from "better-sqlite3";
import {
  type AppendOptions,
  type AppendResult,
  BaseChatHistoryStore,
  type BaseStoreOptions,
  InvalidOptionError,
  type ReadQuery,
  type SessionInfo,
  type SessionKey,
  type SessionPage,
  type StoreCapabilities,
  type StoredRecord,
  decodeSessionCursor,
  encodeSessionCursor,
  selectSeqRange,
} from "@chat-history/core";
import { type ConnectionOptions, asStoreError, openDatabase, retryWhileBusy } from "./connection.js";
import { fromUserKey, sortKey, toUserKey } from "./keys.js";
import { DEFAULT_TABLE_PREFIX, ensureSchema, tableNames } from "./schema.js";
import {
  INSERT_CHUNK,
  type RecordTuple,
  type SessionRow,
  type SessionState,
  type StatementName,
  Statements,
} from "./statements.js";

export interface SqliteStoreOptions extends BaseStoreOptions, ConnectionOptions {
  /** A better-sqlite3 connection you own: the store never closes it and leaves its pragmas alone. */
  database?: Database | undefined;
  /** A file the store opens (WAL, busy timeout, synchronous) and closes in close(); ":memory:" works. */
  path?: string | undefined;
  /** Tables are `<tableName>_messages` and `<tableName>_sessions` (default "chat_history"). */
  tableName?: string | undefined;
  /** Create the tables when missing (default true). Off: run `sqliteSchemaSql()` yourself. */
  autoMigrate?: boolean | undefined;
}

const NO_CURSOR = -1;
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

export class SqliteChatHistoryStore extends BaseChatHistoryStore {
  readonly capabilities: StoreCapabilities;
  readonly database: Database;
  readonly #owned: boolean;
  readonly #sql: Statements;
  readonly #append: (key: SessionKey, payloads: readonly string[], options: AppendOptions, now: number) => AppendResult;
  readonly #clear: (key: SessionKey, now: number) => void;
  readonly #delete: (key: SessionKey, now: number) => boolean;
  readonly #prune: (now: number) => number;
  readonly #read: (userKey: string, sessionId: string, query: ReadQuery, now: number) => StoredRecord[];

  constructor(options: SqliteStoreOptions) {
    super(options);
    if ((options.database === undefined) === (options.path === undefined)) {
      throw new InvalidOptionError("database", "pass exactly one of `database` (a better-sqlite3 Database) or `path`");
    }
    if (options.database !== undefined && typeof options.database.prepare !== "function") {
      throw new InvalidOptionError("database", "must be a better-sqlite3 Database");
    }
    if (options.path !== undefined && (typeof options.path !== "string" || options.path.length === 0)) {
      throw new InvalidOptionError("path", 'must be a file path or ":memory:"');
    }
    const prefix = options.tableName ?? DEFAULT_TABLE_PREFIX;
    const tables = tableNames(prefix);
    this.#owned = options.database === undefined;
    this.database = options.database ?? openDatabase(options.path as string, options);
    const memory = this.database.memory;
    this.capabilities = { nativeTtl: false, crossProcess: !memory, persistent: !memory };
    try {
      if (options.autoMigrate ?? true) {
        const db = this.database;
        retryWhileBusy(() => ensureSchema(db, prefix), options.busyTimeoutMs ?? 5000);
      }
    } catch (error) {
      if (this.#owned) this.database.close();
      throw asStoreError(error, "cannot create the chat history tables");
    }
    this.#sql = new Statements(this.database, tables);
    // IMMEDIATE: the write lock is taken before the sequence is read, so writers in other
    // processes queue on the busy timeout instead of reading the same counter.
    const tx = <A extends unknown[], R>(fn: (...args: A) => R) => {
      const wrapped = this.database.transaction(fn);
      return (...args: A): R => wrapped.immediate(...args);
    };
    this.#append = tx(this.#appendNow.bind(this));
    this.#clear = tx(this.#clearNow.bind(this));
    this.#delete = tx(this.#deleteNow.bind(this));
    this.#prune = tx(this.#pruneNow.bind(this));
    // A read is two statements (the session row, then its messages); a deferred transaction makes
    // them one snapshot, so the seqs derived from the first hold for the rows of the second even
    // while other processes write. In WAL mode it takes no lock a writer waits on.
    this.#read = this.database.transaction(this.#readNow.bind(this));
  }

  protected async doAppend(
    key: SessionKey,
    payloads: readonly string[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    return this.#run("append", () => this.#append(key, payloads, options, Date.now()));
  }

  protected async doRead(key: SessionKey, query: ReadQuery): Promise<StoredRecord[]> {
    return this.#run("read", () => this.#read(toUserKey(key.userId), key.sessionId, query, Date.now()));
  }

  protected async doCount(key: SessionKey): Promise<number> {
    return (await this.doGetSession(key))?.messageCount ?? 0;
  }

  protected async doGetSession(key: SessionKey): Promise<SessionInfo | undefined> {
    const row = this.#run("getSession", () => this.#sql.get("liveSession").get(this.#params(key, Date.now())));
    return row === undefined ? undefined : toInfo(row as SessionRow);
  }

  protected async doListSessions(
    userId: string | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<SessionPage> {
    const params: Record<string, unknown> = { u: toUserKey(userId), now: Date.now(), limit: limit + 1 };
    if (cursor !== undefined) {
      const position = decodeSessionCursor(cursor);
      params.cursorAt = position.updatedAt;
      params.cursorKey = sortKey(position.sessionId);
    }
    const rows = this.#run("listSessions", () =>
      this.#all<SessionRow>(cursor === undefined ? "listFirst" : "listAfter", params),
    );
    const sessions = rows.slice(0, limit).map(toInfo);
    const last = sessions[sessions.length - 1];
    return { sessions, nextCursor: rows.length > limit && last ? encodeSessionCursor(last) : undefined };
  }

  protected async doClear(key: SessionKey): Promise<void> {
    this.#run("clear", () => this.#clear(key, Date.now()));
  }

  protected async doDeleteSession(key: SessionKey): Promise<boolean> {
    return this.#run("deleteSession", () => this.#delete(key, Date.now()));
  }

  protected async doPrune(): Promise<number> {
    return this.#run("prune", () => this.#prune(Date.now()));
  }

  protected async doClose(): Promise<void> {
    this.#sql.clear();
    if (this.#owned) this.database.close();
  }

  /** What an append, read, clear or delete needs of the session row: [last_seq, message_count, expires_at]. */
  #sessionState(u: string, s: string): SessionState | undefined {
    return this.#sql.get("sessionState").get(u, s) as SessionState | undefined;
  }

  /**
   * Every write keeps a session's records exactly the seqs `(last_seq - message_count, last_seq]`
   * of its session row (no row: no records), which is what lets a read derive seqs instead of
   * reading them:
   * - a new (or restarted) session gets seqs 1..n and count n;
   * - an append adds last_seq+1..last_seq+n and n to the count;
   * - a cap deletes the prefix `seq <= last_seq - maxMessages` and sets the count to maxMessages;
   * - clear() deletes every record and sets the count to 0, keeping last_seq;
   * - deleteSession(), prune() and the restart of an expired session delete the records with the row.
   * Each runs in one transaction, so no reader sees one without the other.
   */
  #appendNow(key: SessionKey, payloads: readonly string[], options: AppendOptions, now: number): AppendResult {
    const u = toUserKey(key.userId);
    const s = key.sessionId;
    let state = this.#sessionState(u, s);
    if (state !== undefined && !isLive(state, now)) {
      // An expired session that prune() has not reached yet: start it over.
      this.#sql.get("deleteMessages").run(u, s);
      this.#sql.get("deleteSession").run(u, s);
      state = undefined;
    }
    const firstSeq = (state?.[0] ?? 0) + 1;
    this.#insertMessages(u, s, firstSeq, payloads);
    const lastSeq = firstSeq + payloads.length - 1;
    let count = (state?.[1] ?? 0) + payloads.length;
    if (options.maxMessages !== undefined && count > options.maxMessages) {
      this.#sql.get("deleteMessagesUpTo").run(u, s, lastSeq - options.maxMessages);
      count = options.maxMessages;
    }
    const expiresAt = options.ttlMs !== undefined ? now + options.ttlMs : (state?.[2] ?? null);
    if (state) this.#sql.get("updateSession").run(now, expiresAt, lastSeq, count, u, s);
    else this.#sql.get("insertSession").run(u, s, sortKey(s), now, now, expiresAt, lastSeq, count);
    return { firstSeq, lastSeq };
  }

  /** Whole chunks through one multi-row INSERT each, the rest one row at a time. */
  #insertMessages(u: string, s: string, firstSeq: number, payloads: readonly string[]): void {
    let i = 0;
    if (payloads.length >= INSERT_CHUNK) {
      const insertChunk = this.#sql.get("insertMessages");
      const args: unknown[] = new Array(INSERT_CHUNK * 4);
      for (let j = 0; j < INSERT_CHUNK; j++) {
        args[4 * j] = u;
        args[4 * j + 1] = s;
      }
      for (; i + INSERT_CHUNK <= payloads.length; i += INSERT_CHUNK) {
        for (let j = 0; j < INSERT_CHUNK; j++) {
          args[4 * j + 2] = firstSeq + i + j;
          args[4 * j + 3] = payloads[i + j];
        }
        insertChunk.run(args);
      }
    }
    const insert = this.#sql.get("insertMessage");
    for (; i < payloads.length; i++) insert.run(u, s, firstSeq + i, payloads[i]);
  }

  /**
   * Runs inside one read transaction (see the constructor). The session row gives liveness and the
   * seqs the query selects; only the payloads are read, plucked, and each seq is `from + i`.
   */
  #readNow(u: string, s: string, query: ReadQuery, now: number): StoredRecord[] {
    const state = this.#sessionState(u, s);
    if (state === undefined || !isLive(state, now)) return [];
    const [from, to] = selectSeqRange(state[0], state[1], query);
    if (from > to) return [];
    const payloads = this.#sql.get("readRange").all(u, s, from, to) as string[];
    // Seqs are distinct integers, so to - from + 1 rows between from and to are exactly from..to.
    // Fewer means the tables no longer match the session row (edited by hand): read the seqs then.
    if (payloads.length !== to - from + 1) return this.#readWithSeqs(u, s, query);
    const records: StoredRecord[] = new Array(payloads.length);
    for (let i = 0; i < payloads.length; i++) records[i] = { seq: from + i, payload: payloads[i] as string };
    return records;
  }

  /** The query on the messages table alone, seqs read from the rows; liveness is already checked. */
  #readWithSeqs(u: string, s: string, query: ReadQuery): StoredRecord[] {
    const newestFirst =
      query.last !== undefined ||
      (query.before !== undefined && query.after === undefined && query.limit !== undefined);
    const rows = this.#sql
      .get(newestFirst ? "readDescending" : "readAscending")
      .all(u, s, query.after ?? NO_CURSOR, query.before ?? UNBOUNDED, query.last ?? query.limit ?? -1) as RecordTuple[];
    if (newestFirst) rows.reverse();
    return rows.map(([seq, payload]) => ({ seq, payload }));
  }

  #clearNow(key: SessionKey, now: number): void {
    const u = toUserKey(key.userId);
    const s = key.sessionId;
    const state = this.#sessionState(u, s);
    if (state === undefined || !isLive(state, now)) return;
    this.#sql.get("deleteMessages").run(u, s);
    this.#sql.get("clearSession").run(now, u, s);
  }

  #deleteNow(key: SessionKey, now: number): boolean {
    const u = toUserKey(key.userId);
    const s = key.sessionId;
    const state = this.#sessionState(u, s);
    this.#sql.get("deleteMessages").run(u, s);
    this.#sql.get("deleteSession").run(u, s);
    return state !== undefined && isLive(state, now);
  }

  #pruneNow(now: number): number {
    this.#sql.get("pruneMessages").run({ now });
    return this.#sql.get("pruneSessions").run({ now }).changes;
  }

  #params(key: SessionKey, now: number) {
    return { u: toUserKey(key.userId), s: key.sessionId, now };
  }

  #all<T>(name: StatementName, params: Record<string, unknown>): T[] {
    return this.#sql.get(name).all(params) as T[];
  }

  #run<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw asStoreError(error, `SQLite ${operation} failed`);
    }
  }
}

/** The same test as the SQL `expires_at IS NULL OR expires_at > now`. */
function isLive(state: SessionState, now: number): boolean {
  return state[2] === null || state[2] > now;
}

function toInfo(row: SessionRow): SessionInfo {
  const info: SessionInfo = {
    sessionId: row.session_id,
    messageCount: row.message_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  const userId = fromUserKey(row.user_key);
  if (userId !== undefined) info.userId = userId;
  if (row.expires_at !== null) info.expiresAt = row.expires_at;
  return info;
}

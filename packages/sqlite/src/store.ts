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
} from "@chat-history/core";
import { type ConnectionOptions, asStoreError, openDatabase, retryWhileBusy } from "./connection.js";
import { fromUserKey, sortKey, toUserKey } from "./keys.js";
import { DEFAULT_TABLE_PREFIX, ensureSchema, tableNames } from "./schema.js";
import { type RecordRow, type SessionRow, type StatementName, Statements } from "./statements.js";

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
  }

  protected async doAppend(
    key: SessionKey,
    payloads: readonly string[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    return this.#run("append", () => this.#append(key, payloads, options, Date.now()));
  }

  protected async doRead(key: SessionKey, query: ReadQuery): Promise<StoredRecord[]> {
    const newestFirst =
      query.last !== undefined ||
      (query.before !== undefined && query.after === undefined && query.limit !== undefined);
    const params = {
      ...this.#params(key, Date.now()),
      after: query.after ?? NO_CURSOR,
      before: query.before ?? UNBOUNDED,
      limit: query.last ?? query.limit ?? -1,
    };
    const rows = this.#run("read", () =>
      this.#all<RecordRow>(newestFirst ? "readDescending" : "readAscending", params),
    );
    // Rows are already plain { seq, payload } objects: hand them on without copying.
    return newestFirst ? rows.reverse() : rows;
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

  #appendNow(key: SessionKey, payloads: readonly string[], options: AppendOptions, now: number): AppendResult {
    const params = this.#params(key, now);
    let row = this.#sql.get("anySession").get(params) as SessionRow | undefined;
    if (row && row.expires_at !== null && row.expires_at <= now) {
      // An expired session that prune() has not reached yet: start it over.
      this.#sql.get("deleteMessages").run(params);
      this.#sql.get("deleteSession").run(params);
      row = undefined;
    }
    const firstSeq = (row?.last_seq ?? 0) + 1;
    const insert = this.#sql.get("insertMessage");
    for (let i = 0; i < payloads.length; i++) insert.run({ ...params, seq: firstSeq + i, payload: payloads[i] });
    const lastSeq = firstSeq + payloads.length - 1;
    // Records always form the range (lastSeq - count, lastSeq], so a cap deletes a prefix.
    let count = (row?.message_count ?? 0) + payloads.length;
    if (options.maxMessages !== undefined && count > options.maxMessages) {
      this.#sql.get("deleteMessagesUpTo").run({ ...params, upTo: lastSeq - options.maxMessages });
      count = options.maxMessages;
    }
    const expiresAt = options.ttlMs !== undefined ? now + options.ttlMs : (row?.expires_at ?? null);
    const values = { ...params, expiresAt, lastSeq, count };
    if (row) this.#sql.get("updateSession").run(values);
    else this.#sql.get("insertSession").run({ ...values, sortKey: sortKey(key.sessionId) });
    return { firstSeq, lastSeq };
  }

  #clearNow(key: SessionKey, now: number): void {
    const params = this.#params(key, now);
    if (this.#sql.get("liveSession").get(params) === undefined) return;
    this.#sql.get("deleteMessages").run(params);
    this.#sql.get("clearSession").run(params);
  }

  #deleteNow(key: SessionKey, now: number): boolean {
    const params = this.#params(key, now);
    const existed = this.#sql.get("liveSession").get(params) !== undefined;
    this.#sql.get("deleteMessages").run(params);
    this.#sql.get("deleteSession").run(params);
    return existed;
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

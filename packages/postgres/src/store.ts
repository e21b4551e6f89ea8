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
import pg from "pg";
import { mapPgError } from "./errors.js";
import { ensureTables } from "./migrate.js";
import { sessionDigest, userHash, userKey } from "./keys.js";
import { type TableNames, tableNames } from "./names.js";
import { type Statement, isStaleStatement, nameStatements } from "./prepared.js";
import { buildStatements } from "./statements.js";

export interface PostgresStoreOptions extends BaseStoreOptions {
  /** A pool you own: the store uses it and never ends it. */
  pool?: pg.Pool | undefined;
  /** Or a URL: the store opens its own pool and ends it in close(). */
  connectionString?: string | undefined;
  /** Extra pg Pool options for the pool opened from `connectionString` (they override `POSTGRES_POOL_DEFAULTS`). */
  poolOptions?: Omit<pg.PoolConfig, "connectionString"> | undefined;
  /** Default "public". Letters, digits and `_`. */
  schema?: string | undefined;
  /** Table name prefix, default "chat_history": tables `<prefix>_sessions` and `<prefix>_messages`. */
  tableName?: string | undefined;
  /** Create the tables on first use (default true). Turn off when you run `postgresSchemaSql()` yourself. */
  autoMigrate?: boolean | undefined;
  /**
   * Named statements (default true): pg parses and plans each once per connection instead of on every
   * call. Set false behind PgBouncer in transaction mode (unless it tracks prepared statements itself),
   * where consecutive calls may reach different server connections.
   */
  preparedStatements?: boolean | undefined;
}

type Row = Record<string, unknown>;

/**
 * Bounds for the pool the store opens itself, so no call waits forever on a server that stopped
 * answering: a connection (or a free pool slot) within 5 s, a query's reply within 30 s. A call that
 * hits either rejects with StoreUnavailableError and the connection is discarded, not reused.
 */
export const POSTGRES_POOL_DEFAULTS = {
  connectionTimeoutMillis: 5_000,
  query_timeout: 30_000,
  keepAlive: true,
} as const satisfies pg.PoolConfig;

export class PostgresChatHistoryStore extends BaseChatHistoryStore {
  readonly capabilities: StoreCapabilities = { nativeTtl: false, crossProcess: true, persistent: true };
  readonly pool: pg.Pool;
  readonly tables: TableNames;
  readonly #ownsPool: boolean;
  readonly #autoMigrate: boolean;
  readonly #sql: Record<keyof ReturnType<typeof buildStatements>, Statement>;
  #ready: Promise<void> | undefined;

  constructor(options: PostgresStoreOptions) {
    super(options);
    this.tables = tableNames(options.schema, options.tableName);
    if ((options.pool === undefined) === (options.connectionString === undefined)) {
      throw new InvalidOptionError("pool", "pass either a pg Pool or a connectionString");
    }
    if (options.pool) {
      this.pool = options.pool;
      this.#ownsPool = false;
    } else {
      this.pool = new pg.Pool({
        ...POSTGRES_POOL_DEFAULTS,
        ...options.poolOptions,
        connectionString: options.connectionString,
      });
      // An idle connection the server drops must not crash the process; the next query reports it.
      this.pool.on("error", () => undefined);
      this.#ownsPool = true;
    }
    this.#autoMigrate = options.autoMigrate ?? true;
    this.#sql = nameStatements(buildStatements(this.tables), options.preparedStatements ?? true);
  }

  /** Creates the tables (once per store; concurrent callers share the same attempt, a failed one is retried). */
  async ready(): Promise<void> {
    if (!this.#autoMigrate) return;
    this.#ready ??= ensureTables(this.pool, this.tables).catch((error: unknown) => {
      this.#ready = undefined;
      throw mapPgError(error);
    });
    return this.#ready;
  }

  async #query(statement: Statement, values: unknown[]): Promise<Row[]> {
    await this.ready();
    try {
      return (await this.pool.query<Row>({ ...statement, values })).rows;
    } catch (error) {
      // A connection whose copy of the statement went stale (see isStaleStatement) has just been discarded
      // by the pool; unnamed, the call works on any connection, so the caller never sees the error.
      if (statement.name === undefined || !isStaleStatement(error)) throw mapPgError(error);
    }
    try {
      return (await this.pool.query<Row>({ text: statement.text, values })).rows;
    } catch (error) {
      throw mapPgError(error);
    }
  }

  protected async doAppend(
    key: SessionKey,
    payloads: readonly string[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const [row] = await this.#query(this.#sql.append, [
      sessionDigest(key),
      userHash(key.userId),
      userKey(key.userId),
      key.sessionId,
      payloads,
      Date.now(),
      options.ttlMs ?? null,
      options.maxMessages ?? null,
    ]);
    return { firstSeq: Number(row?.first_seq), lastSeq: Number(row?.last_seq) };
  }

  protected async doRead(key: SessionKey, query: ReadQuery): Promise<StoredRecord[]> {
    const lo = query.after === undefined ? null : query.after + 1;
    const hi = query.before === undefined ? null : query.before - 1;
    // Newest first when the wanted records sit at the top of the range: the last N, or a page back.
    const newest =
      query.last !== undefined ||
      (query.before !== undefined && query.after === undefined && query.limit !== undefined);
    const limit = query.last ?? query.limit ?? null;
    const rows = await this.#query(newest ? this.#sql.readNewest : this.#sql.readOldest, [
      sessionDigest(key),
      Date.now(),
      lo,
      hi,
      limit,
    ]);
    const records = rows.map((r) => ({ seq: Number(r.seq), payload: r.payload as string }));
    return newest ? records.reverse() : records;
  }

  protected async doCount(key: SessionKey): Promise<number> {
    return (await this.doGetSession(key))?.messageCount ?? 0;
  }

  protected async doGetSession(key: SessionKey): Promise<SessionInfo | undefined> {
    const [row] = await this.#query(this.#sql.session, [sessionDigest(key), Date.now()]);
    return row ? toSessionInfo(row, key.userId) : undefined;
  }

  protected async doListSessions(
    userId: string | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<SessionPage> {
    const base = [userHash(userId), Date.now(), limit + 1];
    const after = cursor === undefined ? undefined : decodeSessionCursor(cursor);
    const rows = after
      ? await this.#query(this.#sql.listAfter, [...base, after.updatedAt, after.sessionId])
      : await this.#query(this.#sql.listFirst, base);
    const sessions = rows.slice(0, limit).map((row) => toSessionInfo(row, userId));
    const last = sessions[sessions.length - 1];
    return { sessions, nextCursor: rows.length > limit && last ? encodeSessionCursor(last) : undefined };
  }

  protected async doClear(key: SessionKey): Promise<void> {
    await this.#query(this.#sql.clear, [sessionDigest(key), Date.now()]);
  }

  protected async doDeleteSession(key: SessionKey): Promise<boolean> {
    const [row] = await this.#query(this.#sql.deleteSession, [sessionDigest(key), Date.now()]);
    return Number(row?.removed) > 0;
  }

  protected async doPrune(): Promise<number> {
    const [row] = await this.#query(this.#sql.prune, [Date.now()]);
    return Number(row?.removed ?? 0);
  }

  protected async doClose(): Promise<void> {
    if (!this.#ownsPool) return;
    await this.#ready?.catch(() => undefined);
    await this.pool.end();
  }
}

function toSessionInfo(row: Row, userId: string | undefined): SessionInfo {
  const info: SessionInfo = {
    sessionId: row.session_id as string,
    messageCount: Number(row.message_count),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if (userId !== undefined) info.userId = userId;
  if (row.expires_at !== null && row.expires_at !== undefined) info.expiresAt = Number(row.expires_at);
  return info;
}

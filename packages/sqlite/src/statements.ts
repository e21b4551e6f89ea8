import type { Database, Statement } from "better-sqlite3";
import type { TableNames } from "./schema.js";

/** A session row as selected from the sessions table. */
export interface SessionRow {
  user_key: string;
  session_id: string;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  last_seq: number;
  message_count: number;
}

export interface RecordRow {
  seq: number;
  payload: string;
}

const SESSION_COLUMNS = "user_key, session_id, created_at, updated_at, expires_at, last_seq, message_count";
const LIVE = "(expires_at IS NULL OR expires_at > @now)";

export function statementSql(t: TableNames) {
  const isLive = `EXISTS (SELECT 1 FROM ${t.sessions} WHERE user_key = @u AND session_id = @s AND ${LIVE})`;
  const range = `user_key = @u AND session_id = @s AND seq > @after AND seq < @before AND ${isLive}`;
  return {
    anySession: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_key = @u AND session_id = @s`,
    liveSession: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_key = @u AND session_id = @s AND ${LIVE}`,
    insertSession: `INSERT INTO ${t.sessions} (user_key, session_id, sort_key, created_at, updated_at, expires_at, last_seq, message_count)
      VALUES (@u, @s, @sortKey, @now, @now, @expiresAt, @lastSeq, @count)`,
    updateSession: `UPDATE ${t.sessions} SET updated_at = @now, expires_at = @expiresAt, last_seq = @lastSeq, message_count = @count
      WHERE user_key = @u AND session_id = @s`,
    clearSession: `UPDATE ${t.sessions} SET updated_at = @now, message_count = 0 WHERE user_key = @u AND session_id = @s`,
    deleteSession: `DELETE FROM ${t.sessions} WHERE user_key = @u AND session_id = @s`,
    insertMessage: `INSERT INTO ${t.messages} (user_key, session_id, seq, payload) VALUES (@u, @s, @seq, @payload)`,
    deleteMessagesUpTo: `DELETE FROM ${t.messages} WHERE user_key = @u AND session_id = @s AND seq <= @upTo`,
    deleteMessages: `DELETE FROM ${t.messages} WHERE user_key = @u AND session_id = @s`,
    // LIMIT -1 means no limit in SQLite.
    readAscending: `SELECT seq, payload FROM ${t.messages} WHERE ${range} ORDER BY seq ASC LIMIT @limit`,
    readDescending: `SELECT seq, payload FROM ${t.messages} WHERE ${range} ORDER BY seq DESC LIMIT @limit`,
    listFirst: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_key = @u AND ${LIVE}
      ORDER BY updated_at DESC, sort_key DESC LIMIT @limit`,
    listAfter: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_key = @u AND ${LIVE}
      AND (updated_at < @cursorAt OR (updated_at = @cursorAt AND sort_key < @cursorKey))
      ORDER BY updated_at DESC, sort_key DESC LIMIT @limit`,
    pruneMessages: `DELETE FROM ${t.messages} WHERE (user_key, session_id) IN
      (SELECT user_key, session_id FROM ${t.sessions} WHERE expires_at <= @now)`,
    pruneSessions: `DELETE FROM ${t.sessions} WHERE expires_at <= @now`,
  };
}

export type StatementName = keyof ReturnType<typeof statementSql>;

/**
 * Prepared statements, one set per store, prepared on first use: with autoMigrate off the tables
 * may appear only after the store is built.
 */
export class Statements {
  readonly #db: Database;
  readonly #sql: Record<StatementName, string>;
  readonly #cache = new Map<StatementName, Statement>();

  constructor(db: Database, tables: TableNames) {
    this.#db = db;
    this.#sql = statementSql(tables);
  }

  get(name: StatementName): Statement {
    let statement = this.#cache.get(name);
    if (!statement) {
      statement = this.#db.prepare(this.#sql[name]);
      this.#cache.set(name, statement);
    }
    return statement;
  }

  clear(): void {
    this.#cache.clear();
  }
}

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

/** `sessionState` rows, read with `.raw()`: what an append or a read needs of the session, as an array. */
export type SessionState = [lastSeq: number, messageCount: number, expiresAt: number | null];

/** `readAscending` / `readDescending` rows, read with `.raw()`. */
export type RecordTuple = [seq: number, payload: string];

/**
 * How many messages one `insertMessages` statement writes. A batch goes in chunks of this size and
 * the rest one by one: one multi-row INSERT costs less than that many single ones, and a fixed size
 * keeps it to one prepared statement (64 parameters, far below SQLite's limit).
 */
export const INSERT_CHUNK = 16;

const SESSION_COLUMNS = "user_key, session_id, created_at, updated_at, expires_at, last_seq, message_count";
const LIVE = "(expires_at IS NULL OR expires_at > @now)";

/**
 * The statements on the append and read paths bind positional parameters (listed above each one):
 * better-sqlite3 binds them without looking names up in an object, and the caller builds no object.
 * The rest, run once per call at most, keep named parameters for readability.
 */
export function statementSql(t: TableNames) {
  const key = "user_key = ? AND session_id = ?";
  return {
    // (u, s) -> raw [last_seq, message_count, expires_at]; liveness is checked by the caller.
    sessionState: `SELECT last_seq, message_count, expires_at FROM ${t.sessions} WHERE ${key}`,
    liveSession: `SELECT ${SESSION_COLUMNS} FROM ${t.sessions} WHERE user_key = @u AND session_id = @s AND ${LIVE}`,
    // (u, s, sortKey, now, now, expiresAt, lastSeq, count)
    insertSession: `INSERT INTO ${t.sessions} (user_key, session_id, sort_key, created_at, updated_at, expires_at, last_seq, message_count)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    // (now, expiresAt, lastSeq, count, u, s)
    updateSession: `UPDATE ${t.sessions} SET updated_at = ?, expires_at = ?, last_seq = ?, message_count = ? WHERE ${key}`,
    // (now, u, s)
    clearSession: `UPDATE ${t.sessions} SET updated_at = ?, message_count = 0 WHERE ${key}`,
    // (u, s)
    deleteSession: `DELETE FROM ${t.sessions} WHERE ${key}`,
    // (u, s, seq, payload)
    insertMessage: `INSERT INTO ${t.messages} (user_key, session_id, seq, payload) VALUES (?, ?, ?, ?)`,
    // (u, s, seq, payload) x INSERT_CHUNK
    insertMessages: `INSERT INTO ${t.messages} (user_key, session_id, seq, payload) VALUES ${Array.from(
      { length: INSERT_CHUNK },
      () => "(?, ?, ?, ?)",
    ).join(", ")}`,
    // (u, s, upTo)
    deleteMessagesUpTo: `DELETE FROM ${t.messages} WHERE ${key} AND seq <= ?`,
    // (u, s)
    deleteMessages: `DELETE FROM ${t.messages} WHERE ${key}`,
    // (u, s, from, to) -> plucked payloads of seqs from..to, ascending.
    readRange: `SELECT payload FROM ${t.messages} WHERE ${key} AND seq >= ? AND seq <= ? ORDER BY seq ASC`,
    // (u, s, after, before, limit) -> raw [seq, payload]; LIMIT -1 means no limit in SQLite.
    readAscending: `SELECT seq, payload FROM ${t.messages} WHERE ${key} AND seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?`,
    readDescending: `SELECT seq, payload FROM ${t.messages} WHERE ${key} AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
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
 * Statements that return arrays instead of row objects: better-sqlite3 builds a keyed object per
 * row otherwise, which costs more than the query on a 20-row read.
 */
const SHAPES: Partial<Record<StatementName, "raw" | "pluck">> = {
  sessionState: "raw",
  readRange: "pluck",
  readAscending: "raw",
  readDescending: "raw",
};

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
      // Every integer the store writes is a safe integer (seqs, counts, milliseconds); reading them
      // as numbers keeps the seq arithmetic working on a connection set to defaultSafeIntegers(true).
      statement = this.#db.prepare(this.#sql[name]).safeIntegers(false);
      const shape = SHAPES[name];
      if (shape === "raw") statement.raw();
      else if (shape === "pluck") statement.pluck();
      this.#cache.set(name, statement);
    }
    return statement;
  }

  clear(): void {
    this.#cache.clear();
  }
}

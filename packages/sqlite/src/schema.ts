import type { Database } from "better-sqlite3";
import { assertIdentifier } from "@chat-history/core";

export const DEFAULT_TABLE_PREFIX = "chat_history";

export interface TableNames {
  /** Already quoted, ready for SQL. */
  messages: string;
  sessions: string;
  sessionsByUpdate: string;
  sessionsByExpiry: string;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Table and index names for a prefix; the prefix is validated here so no caller can skip it. */
export function tableNames(prefix: string): TableNames {
  assertIdentifier("tableName", prefix);
  return {
    messages: quote(`${prefix}_messages`),
    sessions: quote(`${prefix}_sessions`),
    sessionsByUpdate: quote(`${prefix}_sessions_by_update`),
    sessionsByExpiry: quote(`${prefix}_sessions_by_expiry`),
  };
}

/**
 * The DDL the store runs (idempotent), published for teams that migrate by hand.
 * - messages: one row per message, clustered by (user_key, session_id, seq), so "the last N" is
 *   a short backwards range scan.
 * - sessions: one row per session, holding the sequence counter, the count and the expiry.
 */
export function sqliteSchemaSql(prefix: string = DEFAULT_TABLE_PREFIX): string {
  const t = tableNames(prefix);
  return `CREATE TABLE IF NOT EXISTS ${t.sessions} (
  user_key TEXT NOT NULL,
  session_id TEXT NOT NULL,
  sort_key BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_seq INTEGER NOT NULL,
  message_count INTEGER NOT NULL,
  PRIMARY KEY (user_key, session_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ${t.sessionsByUpdate} ON ${t.sessions} (user_key, updated_at DESC, sort_key DESC);
CREATE INDEX IF NOT EXISTS ${t.sessionsByExpiry} ON ${t.sessions} (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${t.messages} (
  user_key TEXT NOT NULL,
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (user_key, session_id, seq)
) WITHOUT ROWID;
`;
}

/**
 * Creates the tables if missing. The write lock is taken up front (BEGIN IMMEDIATE), so processes
 * starting together on a new file queue on the busy timeout instead of racing each other.
 */
export function ensureSchema(db: Database, prefix: string): void {
  const ddl = sqliteSchemaSql(prefix);
  db.transaction(() => db.exec(ddl)).immediate();
}

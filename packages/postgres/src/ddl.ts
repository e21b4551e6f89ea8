import { type TableNames, tableNames } from "./names.js";

/**
 * The tables, one statement per entry, every one idempotent.
 *
 * - Both tables are keyed on `session_key`, a 32-byte digest of (user id, session id) computed by the
 *   store (see keys.ts): the ids themselves can reach ~3 KB of UTF-8 together, more than a btree
 *   entry holds, and a fixed-size key keeps every index entry small. The ids stay in the session row.
 * - The listing index leads with `user_hash` (32 bytes) and carries `session_id` (at most 1,536 bytes)
 *   for the tie order, so it fits for every id core accepts.
 * - `payload` is `text`, not `jsonb`: the codec writes `\u0000` and lone surrogates as JSON escapes,
 *   which jsonb refuses (22P05, 22P02). `payload::jsonb` still works in ad-hoc queries on ordinary rows.
 * - Ids use `COLLATE "C"`: byte order, so listing order and cursors do not depend on the server's locale.
 * - A session's live records are exactly `first_seq..next_seq`; reads filter on that range, so a row a
 *   concurrent writer's DELETE could not see yet is never returned, and the count needs no scan.
 */
export function tableStatements(names: TableNames): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${names.sessions} (
  session_key bytea PRIMARY KEY,
  user_hash bytea NOT NULL,
  user_key text COLLATE "C" NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  first_seq bigint NOT NULL,
  next_seq bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  expires_at bigint
)`,
    `CREATE INDEX IF NOT EXISTS ${names.byUserIndex} ON ${names.sessions} (user_hash, updated_at DESC, session_id DESC)`,
    `CREATE INDEX IF NOT EXISTS ${names.expiryIndex} ON ${names.sessions} (expires_at) WHERE expires_at IS NOT NULL`,
    `CREATE TABLE IF NOT EXISTS ${names.messages} (
  session_key bytea NOT NULL,
  seq bigint NOT NULL,
  payload text NOT NULL,
  PRIMARY KEY (session_key, seq)
)`,
  ];
}

export interface SchemaSqlOptions {
  schema?: string | undefined;
  tableName?: string | undefined;
}

/** The DDL the store runs on first use, for teams that migrate by hand (then pass `autoMigrate: false`). */
export function postgresSchemaSql(options: SchemaSqlOptions = {}): string {
  const names = tableNames(options.schema, options.tableName);
  const statements = tableStatements(names);
  if (names.schema !== "public") statements.unshift(`CREATE SCHEMA IF NOT EXISTS "${names.schema}"`);
  return `${statements.join(";\n\n")};\n`;
}

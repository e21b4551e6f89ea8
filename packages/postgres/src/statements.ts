import type { TableNames } from "./names.js";

/** A session row counts when it has no expiry or expires after $now. */
const live = (now: string) => `(expires_at IS NULL OR expires_at > ${now})`;

/**
 * The SQL of every operation, built once per store. Parameters only; names come from TableNames,
 * already validated and quoted. No text varies per call (optional parts such as a listing cursor are
 * separate statements), so each text can be a named prepared statement (prepared.ts). `$1` is always
 * the session digest (keys.ts) where a session is addressed.
 */
export function buildStatements(t: TableNames) {
  return {
    /**
     * One statement per append. $1 session_key, $2 user_hash, $3 user_key, $4 session_id, $5 payloads,
     * $6 now, $7 ttl ms, $8 cap.
     * The upsert takes the session row lock, which serialises appenders of one session, and reserves
     * next_seq+1..next_seq+n from the latest committed row. An expired row restarts as a new session.
     * The cap moves first_seq; reads only return first_seq..next_seq, so rows the DELETEs below cannot
     * see (they run on the statement's snapshot, taken before the lock wait) are hidden at once and
     * removed by the next append. Inserting with ON CONFLICT overwrites any such leftover row.
     */
    append: `WITH s AS (
  INSERT INTO ${t.sessions} AS cur (session_key, user_hash, user_key, session_id, first_seq, next_seq, created_at, updated_at, expires_at)
  VALUES ($1, $2, $3, $4, GREATEST(1, cardinality($5::text[]) - $8::bigint + 1), cardinality($5::text[]), $6::bigint, $6::bigint, $6::bigint + $7::bigint)
  ON CONFLICT (session_key) DO UPDATE SET
    first_seq = GREATEST(
      CASE WHEN cur.expires_at <= $6::bigint THEN 1 ELSE cur.first_seq END,
      CASE WHEN cur.expires_at <= $6::bigint THEN 0 ELSE cur.next_seq END + cardinality($5::text[]) - $8::bigint + 1),
    next_seq = CASE WHEN cur.expires_at <= $6::bigint THEN 0 ELSE cur.next_seq END + cardinality($5::text[]),
    created_at = CASE WHEN cur.expires_at <= $6::bigint THEN $6::bigint ELSE cur.created_at END,
    updated_at = $6::bigint,
    expires_at = CASE WHEN $7::bigint IS NOT NULL THEN $6::bigint + $7::bigint
                      WHEN cur.expires_at <= $6::bigint THEN NULL ELSE cur.expires_at END
  RETURNING first_seq, next_seq, created_at
), ins AS (
  INSERT INTO ${t.messages} (session_key, seq, payload)
  SELECT $1, s.next_seq - cardinality($5::text[]) + p.ord, p.payload
  FROM s, unnest($5::text[]) WITH ORDINALITY AS p(payload, ord)
  WHERE s.next_seq - cardinality($5::text[]) + p.ord >= s.first_seq
  ON CONFLICT (session_key, seq) DO UPDATE SET payload = EXCLUDED.payload
), capped AS (
  DELETE FROM ${t.messages} WHERE $8::bigint IS NOT NULL AND session_key = $1 AND seq < (SELECT first_seq FROM s)
), stale AS (
  DELETE FROM ${t.messages} WHERE (SELECT created_at FROM s) = $6::bigint AND session_key = $1 AND seq > (SELECT next_seq FROM s)
)
SELECT next_seq - cardinality($5::text[]) + 1 AS first_seq, next_seq AS last_seq FROM s`,

    /**
     * Records between two bounds, newest or oldest first. The bounds come from the session row through
     * InitPlans, so the plan is a primary-key range scan that stops after LIMIT rows.
     * $1 session_key, $2 now, $3 lowest seq, $4 highest seq, $5 limit (null = all).
     */
    readNewest: readBetween(t, "DESC"),
    readOldest: readBetween(t, "ASC"),

    /** $1 session_key, $2 now. */
    session: `SELECT session_id, next_seq - first_seq + 1 AS message_count, created_at, updated_at, expires_at
FROM ${t.sessions} WHERE session_key = $1 AND ${live("$2")}`,

    /** $1 user_hash, $2 now, $3 limit; with a cursor also $4 updated_at, $5 session_id. */
    listFirst: listSessions(t, ""),
    listAfter: listSessions(t, "AND (updated_at, session_id) < ($4::bigint, $5::text)"),

    /** Keeps the row (and next_seq, so cursors held by readers stay meaningful). $1 session_key, $2 now. */
    clear: `WITH s AS (
  UPDATE ${t.sessions} SET first_seq = next_seq + 1, updated_at = $2
  WHERE session_key = $1 AND ${live("$2")}
  RETURNING first_seq
)
DELETE FROM ${t.messages} WHERE session_key = $1 AND seq < (SELECT first_seq FROM s)`,

    /** $1 session_key, $2 now. Answers whether a live session was removed. */
    deleteSession: `WITH s AS (
  DELETE FROM ${t.sessions} WHERE session_key = $1 RETURNING expires_at
), m AS (
  DELETE FROM ${t.messages} WHERE session_key = $1 AND EXISTS (SELECT 1 FROM s)
)
SELECT count(*)::int AS removed FROM s WHERE ${live("$2")}`,

    /** $1 now. */
    prune: `WITH s AS (
  DELETE FROM ${t.sessions} WHERE expires_at IS NOT NULL AND expires_at <= $1 RETURNING session_key
), m AS (
  DELETE FROM ${t.messages} AS msg USING s WHERE msg.session_key = s.session_key
)
SELECT count(*)::int AS removed FROM s`,
  };
}

function readBetween(t: TableNames, order: "ASC" | "DESC"): string {
  // Only the bound the scan starts from goes inside the LIMITed scan; the far bound is applied to
  // its (already ordered) output. That keeps a primary-key range scan that stops after LIMIT rows
  // even on a table the planner has no statistics for yet.
  const [near, far] =
    order === "DESC"
      ? ["seq <= (SELECT hi FROM s)", "seq >= (SELECT lo FROM s)"]
      : ["seq >= (SELECT lo FROM s)", "seq <= (SELECT hi FROM s)"];
  return `WITH s AS (
  SELECT GREATEST(first_seq, $3::bigint) AS lo, LEAST(next_seq, $4::bigint) AS hi
  FROM ${t.sessions} WHERE session_key = $1 AND ${live("$2::bigint")}
)
SELECT seq, payload FROM (
  SELECT seq, payload FROM ${t.messages}
  WHERE session_key = $1 AND ${near}
  ORDER BY seq ${order} LIMIT $5::bigint
) page
WHERE ${far}
ORDER BY seq ${order}`;
}

function listSessions(t: TableNames, cursorCondition: string): string {
  return `SELECT session_id, next_seq - first_seq + 1 AS message_count, created_at, updated_at, expires_at
FROM ${t.sessions}
WHERE user_hash = $1 AND ${live("$2")} ${cursorCondition}
ORDER BY updated_at DESC, session_id DESC LIMIT $3`;
}

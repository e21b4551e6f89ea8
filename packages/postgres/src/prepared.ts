import { createHash } from "node:crypto";

/** One statement as handed to `pool.query`: with a name, pg parses it once per connection and reuses it. */
export interface Statement {
  readonly name?: string;
  readonly text: string;
}

/**
 * `chh_<op>_<16 hex of sha256(text)>`. The name follows the text, not the store: two stores on one pool
 * with different schemas or prefixes get different names (pg refuses one name for two texts on a
 * connection), and two stores on the same tables share their statements. Well under the 63 bytes
 * PostgreSQL keeps of a name (it truncates longer ones, which could make two names one).
 */
export function statementName(op: string, text: string): string {
  const snake = op.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return `chh_${snake}_${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
}

/** Names every statement, or none (PgBouncer in transaction mode may run each call on another server connection). */
export function nameStatements<K extends string>(sql: Record<K, string>, named: boolean): Record<K, Statement> {
  const out = {} as Record<K, Statement>;
  for (const op of Object.keys(sql) as K[]) {
    const text = sql[op];
    out[op] = named ? { name: statementName(op, text), text } : { text };
  }
  return out;
}

/**
 * Errors that say the connection's copy of a named statement no longer fits, raised before it runs:
 * 0A000 "cached plan must not change result type" (a table was altered so a result column changed type),
 * 26000 "prepared statement does not exist" (someone ran DISCARD ALL / DEALLOCATE ALL on a shared pool,
 * or a pooler switched the server connection), 42P05 "prepared statement already exists".
 * pg never parses a name twice on one connection, so without help that connection would fail the same way
 * on every later call; pool.query discards a connection whose query failed, and the store sends the
 * failed call once more unnamed. A statement that reported an error has rolled back (each runs in its own
 * implicit transaction), so sending it again cannot apply it twice.
 */
const STALE_STATEMENT_CODES = new Set(["0A000", "26000", "42P05"]);

export function isStaleStatement(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && STALE_STATEMENT_CODES.has(code);
}

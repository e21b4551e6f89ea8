import type { Pool } from "pg";
import { tableStatements } from "./ddl.js";
import type { TableNames } from "./names.js";

/**
 * Creates the tables unless both exist. Safe when many processes start at once: the DDL runs in a
 * transaction under an advisory lock keyed on schema + prefix, so `IF NOT EXISTS` never races
 * (the 42P07 seen with concurrent CREATE TABLE IF NOT EXISTS).
 */
export async function ensureTables(pool: Pool, names: TableNames): Promise<void> {
  if (await tablesExist(pool, names)) return;
  const client = await pool.connect();
  let failed: unknown;
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [names.lockKey]);
    if (names.schema !== "public") {
      // Checked first because CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database.
      const { rows } = await client.query("SELECT to_regnamespace($1) IS NULL AS missing", [`"${names.schema}"`]);
      if (rows[0]?.missing) {
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
          `chat-history-schema:${names.schema}`,
        ]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${names.schema}"`);
      }
    }
    for (const statement of tableStatements(names)) await client.query(statement);
    await client.query("COMMIT");
  } catch (error) {
    failed = error;
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    // A client whose connection broke must not go back to the pool.
    client.release(failed instanceof Error && isBroken(failed) ? failed : undefined);
  }
}

async function tablesExist(pool: Pool, names: TableNames): Promise<boolean> {
  const { rows } = await pool.query("SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS present", [
    names.sessions,
    names.messages,
  ]);
  return rows[0]?.present === true;
}

function isBroken(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code);
}

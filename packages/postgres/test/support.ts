import { randomBytes } from "node:crypto";
import type { ProvidedService } from "@chat-history/test-services";
import pg from "pg";
import { afterAll, inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    postgres: ProvidedService;
  }
}

/** Every test table lives in this schema, one `<prefix>_sessions`/`<prefix>_messages` pair per namespace. */
export const TEST_SCHEMA = "chat_history_test";

export const service: ProvidedService = inject("postgres");

/** A pool for the current test file, ended after it. */
export function filePool(max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: service.url, max });
  pool.on("error", () => undefined);
  afterAll(() => pool.end());
  return pool;
}

export function uniquePrefix(label = "p"): string {
  return `${label}_${randomBytes(5).toString("hex")}`;
}

export async function dropTables(pool: pg.Pool, prefix: string, schema = TEST_SCHEMA): Promise<void> {
  await pool.query(`DROP TABLE IF EXISTS "${schema}"."${prefix}_messages", "${schema}"."${prefix}_sessions"`);
}

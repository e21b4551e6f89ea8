import { StoreUnavailableError } from "@chat-history/core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresChatHistoryStore } from "../src/index.js";
import { TEST_SCHEMA, dropTables, filePool, service, uniquePrefix } from "./support.js";

describe("postgres: unreachable server", () => {
  it("reports a refused connection as a retryable StoreUnavailableError", async () => {
    // Port 1 on loopback: nothing listens there.
    const store = new PostgresChatHistoryStore({ connectionString: "postgres://postgres@127.0.0.1:1/none" });
    const error = await store.count({ sessionId: "s" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).retryable).toBe(true);
    await store.close();
  });
});

(service.skip ? describe.skip : describe)("postgres: server going away", () => {
  const admin = service.skip ? (undefined as never) : filePool(2);

  it("reports a connection terminated by the server (57P01) as StoreUnavailableError, then recovers", async () => {
    const prefix = uniquePrefix("gone");
    const pool = new pg.Pool({ connectionString: service.url, max: 1 });
    pool.on("error", () => undefined);
    const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
    await store.append({ sessionId: "s" }, ['"a"']);
    const blocker = await admin.connect();
    try {
      // Hold the session row so the next append waits on it, then end that waiting backend.
      await blocker.query("BEGIN");
      await blocker.query(`SELECT 1 FROM ${store.tables.sessions} WHERE session_id = 's' FOR UPDATE`);
      const pending = store.append({ sessionId: "s" }, ['"b"']).catch((e: unknown) => e);
      let terminated = false;
      for (let i = 0; i < 100 && !terminated; i++) {
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1",
          [`%${prefix}_sessions%`],
        );
        terminated = rows.some((r) => r.done === true);
        if (!terminated) await new Promise((r) => setTimeout(r, 50));
      }
      expect(terminated).toBe(true);
      expect(await pending).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await blocker.query("ROLLBACK");
      blocker.release();
    }
    expect(await store.read({ sessionId: "s" })).toEqual([{ seq: 1, payload: '"a"' }]);
    await store.close();
    await pool.end();
    await dropTables(admin, prefix);
  });
});

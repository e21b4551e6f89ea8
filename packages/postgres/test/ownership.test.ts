import { HumanMessage } from "@langchain/core/messages";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresChatHistoryStore, PostgresChatMessageHistory } from "../src/index.js";
import { TEST_SCHEMA, dropTables, filePool, service, uniquePrefix } from "./support.js";

const suite = service.skip ? describe.skip : describe;

/** A pool whose connections can be counted in pg_stat_activity by their application_name. */
function taggedPool(max: number) {
  const tag = uniquePrefix("app");
  const pool = new pg.Pool({ connectionString: service.url, max, application_name: tag });
  pool.on("error", () => undefined);
  return { pool, tag };
}

suite("postgres: connection ownership", () => {
  const admin = service.skip ? (undefined as never) : filePool(2);
  const serverConnections = async (tag: string) =>
    (await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [tag])).rows[0]
      .n as number;

  it("leaves a pool it was given open and usable after close()", async () => {
    const prefix = uniquePrefix("own");
    const { pool } = taggedPool(2);
    try {
      const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
      await store.append({ sessionId: "s" }, ['"x"']);
      await store.close();
      expect(pool.ended).toBe(false);
      expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1);
      await new PostgresChatMessageHistory({ sessionId: "s", pool, schema: TEST_SCHEMA, tableName: prefix }).close();
      expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      await dropTables(pool, prefix);
      await pool.end();
    }
  });

  it("ends the pool it opened from a connectionString", async () => {
    const prefix = uniquePrefix("own");
    const tag = uniquePrefix("app");
    const url = new URL(service.url);
    url.searchParams.set("application_name", tag);
    const store = new PostgresChatHistoryStore({
      connectionString: url.toString(),
      schema: TEST_SCHEMA,
      tableName: prefix,
    });
    await store.append({ sessionId: "s" }, ['"x"']);
    expect(await serverConnections(tag)).toBeGreaterThan(0);
    await store.close();
    expect(store.pool.ended).toBe(true);
    // The backend may take a moment to leave pg_stat_activity after the socket closes.
    let left = -1;
    for (let i = 0; i < 50 && left !== 0; i++) {
      left = await serverConnections(tag);
      if (left !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toBe(0);
    await dropTables(admin, prefix);
  });

  it("serves 1,000 histories over one store without opening extra connections", async () => {
    const prefix = uniquePrefix("many");
    const { pool, tag } = taggedPool(3);
    try {
      const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
      const histories = Array.from({ length: 1000 }, (_, i) => store.history(`s${i}`, { userId: `u${i % 7}` }));
      await Promise.all(histories.map((h, i) => h.addMessage(new HumanMessage(`m${i}`))));
      const oneLiners = Array.from(
        { length: 1000 },
        (_, i) =>
          new PostgresChatMessageHistory({
            sessionId: `s${i}`,
            userId: `u${i % 7}`,
            pool,
            schema: TEST_SCHEMA,
            tableName: prefix,
          }),
      );
      const read = await Promise.all(oneLiners.map((h) => h.getMessages()));
      expect(read.map((messages) => messages.length)).toEqual(Array(1000).fill(1));
      expect(pool.totalCount).toBeLessThanOrEqual(3);
      expect(await serverConnections(tag)).toBeLessThanOrEqual(3);
      await store.close();
    } finally {
      await dropTables(pool, prefix);
      await pool.end();
    }
  });
});

import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { PostgresChatHistoryStore } from "../src/index.js";
import { TEST_SCHEMA, dropTables, filePool, service, uniquePrefix } from "./support.js";

const suite = service.skip ? describe.skip : describe;

suite("postgres: concurrency across pools", () => {
  const admin = service.skip ? (undefined as never) : filePool(2);
  const otherPools: pg.Pool[] = [];
  afterAll(async () => {
    await Promise.all(otherPools.map((p) => p.end()));
  });
  const newPool = (max: number) => {
    const pool = new pg.Pool({ connectionString: service.url, max });
    pool.on("error", () => undefined);
    otherPools.push(pool);
    return pool;
  };

  /** Batches of 1..5 distinct payloads, spread over the given stores and all started at once. */
  async function appendRace(
    stores: PostgresChatHistoryStore[],
    sessionId: string,
    batchCount: number,
    maxMessages?: number,
  ) {
    const batches = Array.from({ length: batchCount }, (_, b) =>
      Array.from({ length: 1 + (b % 5) }, (_, i) => `"b${b}-${i}"`),
    );
    const results = await Promise.all(
      batches.map((batch, b) =>
        (stores[b % stores.length] as PostgresChatHistoryStore).append({ sessionId }, batch, { maxMessages }),
      ),
    );
    return { batches, results };
  }

  it("loses nothing and keeps each batch contiguous when two pools append to one session at once", async () => {
    const prefix = uniquePrefix("race");
    const stores = [newPool(4), newPool(4)].map(
      (pool) => new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix }),
    );
    await Promise.all(stores.map((s) => s.ready()));
    const { batches, results } = await appendRace(stores, "shared", 60);

    const total = batches.flat().length;
    const records = await (stores[0] as PostgresChatHistoryStore).read({ sessionId: "shared" });
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const bySeq = new Map(records.map((r) => [r.seq, r.payload]));
    batches.forEach((batch, b) => {
      const { firstSeq, lastSeq } = results[b] as { firstSeq: number; lastSeq: number };
      expect(lastSeq - firstSeq + 1).toBe(batch.length);
      expect(batch.map((_, i) => bySeq.get(firstSeq + i))).toEqual(batch);
    });
    await Promise.all(stores.map((s) => s.close()));
    await dropTables(admin, prefix);
  });

  it("applies a cap exactly when capped appends race, and physically catches up on the next append", async () => {
    const prefix = uniquePrefix("cap");
    const stores = [newPool(4), newPool(4)].map(
      (pool) => new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix }),
    );
    await Promise.all(stores.map((s) => s.ready()));
    const { batches } = await appendRace(stores, "capped", 40, 7);
    const total = batches.flat().length;
    const store = stores[0] as PostgresChatHistoryStore;

    const records = await store.read({ sessionId: "capped" });
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 7 }, (_, i) => total - 6 + i));
    expect(await store.count({ sessionId: "capped" })).toBe(7);
    expect((await store.getSession({ sessionId: "capped" }))?.messageCount).toBe(7);

    await store.append({ sessionId: "capped" }, ['"last"'], { maxMessages: 7 });
    const physical = await admin.query(`SELECT count(*)::int AS n FROM "${TEST_SCHEMA}"."${prefix}_messages"`);
    expect(physical.rows[0].n).toBe(7);
    await Promise.all(stores.map((s) => s.close()));
    await dropTables(admin, prefix);
  });

  it("lets 8 stores race first-use setup on a fresh prefix without an error", async () => {
    const prefix = uniquePrefix("cold");
    const stores = Array.from(
      { length: 8 },
      () => new PostgresChatHistoryStore({ connectionString: service.url, schema: TEST_SCHEMA, tableName: prefix }),
    );
    const results = await Promise.allSettled(stores.map((s, i) => s.append({ sessionId: "cold" }, [`"p${i}"`])));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await (stores[0] as PostgresChatHistoryStore).count({ sessionId: "cold" })).toBe(8);
    await Promise.all(stores.map((s) => s.close()));
    await dropTables(admin, prefix);
  });

  it("lets 8 stores race first-use setup in a schema that does not exist yet", async () => {
    const schema = `fresh_${randomBytes(5).toString("hex")}`;
    const stores = Array.from(
      { length: 8 },
      (_, i) => new PostgresChatHistoryStore({ connectionString: service.url, schema, tableName: `t${i % 3}` }),
    );
    try {
      const results = await Promise.allSettled(stores.map((s, i) => s.append({ sessionId: "cold" }, [`"p${i}"`])));
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      const counts = await Promise.all(stores.slice(0, 3).map((s) => s.count({ sessionId: "cold" })));
      expect(counts).toEqual([3, 3, 2]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});

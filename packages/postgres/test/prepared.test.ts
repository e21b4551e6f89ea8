import pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresChatHistoryStore, postgresSchemaSql } from "../src/index.js";
import { MAX_TABLE_PREFIX, tableNames } from "../src/names.js";
import { nameStatements, statementName } from "../src/prepared.js";
import { buildStatements } from "../src/statements.js";
import { TEST_SCHEMA, dropTables, service, uniquePrefix } from "./support.js";

const suite = service.skip ? describe.skip : describe;

/** The statement names a store on these tables uses, by operation. */
function namesFor(prefix: string): Record<string, string> {
  const named = nameStatements(buildStatements(tableNames(TEST_SCHEMA, prefix)), true);
  return Object.fromEntries(Object.entries(named).map(([op, s]) => [op, s.name as string]));
}

describe("postgres: statement names", () => {
  it("gives each distinct text its own short name, and the same text the same name", () => {
    const longest = tableNames("s".repeat(63), "p".repeat(MAX_TABLE_PREFIX));
    const sets = [tableNames(), tableNames("public", "other"), tableNames("app"), longest].map((t) =>
      nameStatements(buildStatements(t), true),
    );
    const names = sets.flatMap((set) => Object.values(set).map((s) => s.name as string));
    // Every operation of every table pair: no name shared by two texts.
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^chh_[a-z_]+_[0-9a-f]{16}$/);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    }
    const text = buildStatements(tableNames()).append;
    expect(statementName("append", text)).toBe(statementName("append", `${text}`));
    expect(statementName("append", text)).not.toBe(statementName("append", `${text} `));
  });

  it("names nothing when prepared statements are off", () => {
    for (const statement of Object.values(nameStatements(buildStatements(tableNames()), false))) {
      expect(statement.name).toBeUndefined();
    }
  });
});

suite("postgres: prepared statements", () => {
  /**
   * One connection, so every call of the test and its look at pg_prepared_statements (which lists only
   * the current session's statements) run on the same server backend.
   */
  function singleConnectionPool(): pg.Pool {
    const pool = new pg.Pool({ connectionString: service.url, max: 1 });
    pool.on("error", () => undefined);
    return pool;
  }
  const backendPid = async (pool: pg.Pool) =>
    (await pool.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
  const prepared = async (pool: pg.Pool) =>
    (await pool.query("SELECT name, statement FROM pg_prepared_statements ORDER BY name")).rows as {
      name: string;
      statement: string;
    }[];

  /** Runs `body` on a one-connection pool with a table prefix of its own; drops the tables and ends the pool after. */
  async function onOneConnection(label: string, body: (pool: pg.Pool, prefix: string) => Promise<void>): Promise<void> {
    const prefix = uniquePrefix(label);
    const pool = singleConnectionPool();
    try {
      await body(pool, prefix);
    } finally {
      await dropTables(pool, prefix);
      await pool.end();
    }
  }

  /** Calls every operation once, so every statement of the store is sent. */
  async function everyOperation(store: PostgresChatHistoryStore): Promise<void> {
    const key = { sessionId: "s", userId: "u" };
    await store.append(key, ['"a"', '"b"', '"c"']);
    await store.append({ sessionId: "t", userId: "u" }, ['"other"'], { ttlMs: 60_000, maxMessages: 5 });
    expect(await store.read(key, { last: 2 })).toEqual([
      { seq: 2, payload: '"b"' },
      { seq: 3, payload: '"c"' },
    ]);
    expect(await store.read(key, { after: 1 })).toEqual([
      { seq: 2, payload: '"b"' },
      { seq: 3, payload: '"c"' },
    ]);
    expect(await store.count(key)).toBe(3);
    const first = await store.listSessions({ userId: "u", limit: 1 });
    const next = await store.listSessions({ userId: "u", limit: 1, cursor: first.nextCursor });
    expect([...first.sessions, ...next.sessions].map((s) => s.sessionId).sort()).toEqual(["s", "t"]);
    await store.clear(key);
    expect(await store.count(key)).toBe(0);
    expect(await store.deleteSession({ sessionId: "t", userId: "u" })).toBe(true);
    expect(await store.prune()).toBe(0);
  }

  it("prepares each statement once on the connection by default, under its name", async () => {
    await onOneConnection("named", async (pool, prefix) => {
      const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
      const pid = await backendPid(pool);
      await everyOperation(store);
      expect(await backendPid(pool)).toBe(pid);
      const rows = await prepared(pool);
      expect(rows.map((r) => r.name)).toEqual(Object.values(namesFor(prefix)).sort());
      for (const row of rows) expect(row.statement).toContain(`"${prefix}_`);
      await store.close();
    });
  });

  it("prepares nothing with preparedStatements: false", async () => {
    await onOneConnection("unnamed", async (pool, prefix) => {
      const store = new PostgresChatHistoryStore({
        pool,
        schema: TEST_SCHEMA,
        tableName: prefix,
        preparedStatements: false,
      });
      const pid = await backendPid(pool);
      await everyOperation(store);
      // Same backend throughout, so an empty list means nothing was prepared, not a fresh session.
      expect(await backendPid(pool)).toBe(pid);
      expect(await prepared(pool)).toEqual([]);
      await store.close();
    });
  });

  it("keeps stores with different table prefixes apart on one shared connection", async () => {
    const prefixes = [uniquePrefix("share"), uniquePrefix("share")];
    const pool = singleConnectionPool();
    try {
      const stores = prefixes.map(
        (tableName) => new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName }),
      );
      const pid = await backendPid(pool);
      // Interleaved, so each store's statements are sent after the other's were prepared on the connection.
      for (let round = 0; round < 3; round++) {
        for (const [i, store] of stores.entries()) await store.append({ sessionId: "s" }, [`"${i}:${round}"`]);
        for (const [i, store] of stores.entries()) {
          expect((await store.read({ sessionId: "s" }, { last: 1 })).map((r) => r.payload)).toEqual([
            `"${i}:${round}"`,
          ]);
        }
      }
      for (const store of stores) expect(await store.count({ sessionId: "s" })).toBe(3);
      // A second store over the first pair of tables shares its statements rather than adding any.
      const twin = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefixes[0] as string });
      const before = (await prepared(pool)).length;
      expect((await twin.read({ sessionId: "s" }, { last: 3 })).map((r) => r.payload)).toEqual([
        '"0:0"',
        '"0:1"',
        '"0:2"',
      ]);
      expect(await twin.count({ sessionId: "s" })).toBe(3);
      expect(await backendPid(pool)).toBe(pid);
      const rows = await prepared(pool);
      expect(rows).toHaveLength(before);
      for (const [i, prefix] of prefixes.entries()) {
        const own = rows.filter((r) => r.statement.includes(`"${prefix}_`));
        const expected = namesFor(prefix);
        // Each store appended, read the last N and counted: three statements per table pair.
        expect(own.map((r) => r.name).sort()).toEqual([expected.append, expected.readNewest, expected.session].sort());
        expect(own.some((r) => r.statement.includes(`"${prefixes[1 - i]}_`))).toBe(false);
      }
      await Promise.all([...stores, twin].map((s) => s.close()));
    } finally {
      for (const prefix of prefixes) await dropTables(pool, prefix);
      await pool.end();
    }
  });

  it("keeps working when the tables are dropped and recreated, or altered so a result column changes type", async () => {
    await onOneConnection("ddl", async (pool, prefix) => {
      const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
      const key = { sessionId: "s" };
      await store.append(key, ['"a"']);
      expect(await store.read(key, { last: 5 })).toEqual([{ seq: 1, payload: '"a"' }]);

      // Same DDL again: PostgreSQL re-plans the prepared statements against the new tables by itself.
      const pid = await backendPid(pool);
      await dropTables(pool, prefix);
      await pool.query(postgresSchemaSql({ schema: TEST_SCHEMA, tableName: prefix }));
      expect(await store.read(key, { last: 5 })).toEqual([]);
      await store.append(key, ['"b"']);
      expect(await store.read(key, { last: 5 })).toEqual([{ seq: 1, payload: '"b"' }]);
      expect(await backendPid(pool)).toBe(pid);

      // A changed result type is refused for a prepared statement ("cached plan must not change result
      // type", 0A000) on this connection: the store must answer anyway, now and on later calls.
      await pool.query(`ALTER TABLE ${store.tables.messages} ALTER COLUMN payload TYPE varchar`);
      expect(await store.read(key, { last: 5 })).toEqual([{ seq: 1, payload: '"b"' }]);
      await store.append(key, ['"c"']);
      expect(await store.read(key, { last: 5 })).toEqual([
        { seq: 1, payload: '"b"' },
        { seq: 2, payload: '"c"' },
      ]);
      await store.close();
    });
  });

  it("keeps working after someone deallocates the connection's prepared statements (DISCARD ALL)", async () => {
    await onOneConnection("discard", async (pool, prefix) => {
      const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
      const key = { sessionId: "s" };
      await store.append(key, ['"a"']);
      expect(await store.read(key, { last: 5 })).toEqual([{ seq: 1, payload: '"a"' }]);
      // pg still believes the statements exist on this connection, so it sends no Parse: the server
      // answers "prepared statement does not exist" (26000) unless the store recovers.
      await pool.query("DISCARD ALL");
      expect(await prepared(pool)).toEqual([]);
      expect(await store.read(key, { last: 5 })).toEqual([{ seq: 1, payload: '"a"' }]);
      await store.append(key, ['"b"']);
      expect(await store.count(key)).toBe(2);
      await store.close();
    });
  });
});

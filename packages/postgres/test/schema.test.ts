import { InvalidOptionError, InvalidSessionIdError } from "@chat-history/core";
import { describe, expect, it } from "vitest";
import { PostgresChatHistoryStore, postgresSchemaSql } from "../src/index.js";
import { TEST_SCHEMA, dropTables, filePool, service, uniquePrefix } from "./support.js";

const suite = service.skip ? describe.skip : describe;
const HOSTILE = ["bad name", 'x"; DROP TABLE y; --', "a.b", "../x", "", "1abc", "é", "x".repeat(64), "a\u0000", "$1"];

describe("postgres: names", () => {
  it("rejects hostile schema and table names before touching the database", () => {
    for (const name of HOSTILE) {
      expect(() => new PostgresChatHistoryStore({ connectionString: "postgres://127.0.0.1:1/none", tableName: name }), name).toThrow(InvalidOptionError);
      expect(() => new PostgresChatHistoryStore({ connectionString: "postgres://127.0.0.1:1/none", schema: name }), name).toThrow(InvalidOptionError);
      expect(() => postgresSchemaSql({ tableName: name }), name).toThrow(InvalidOptionError);
      expect(() => postgresSchemaSql({ schema: name }), name).toThrow(InvalidOptionError);
    }
  });

  it("rejects a prefix that would push a table name past 63 bytes", () => {
    expect(() => postgresSchemaSql({ tableName: "x".repeat(55) })).toThrow(InvalidOptionError);
    expect(postgresSchemaSql({ tableName: "x".repeat(54) })).toContain(`"${"x".repeat(54)}_sessions"`);
  });

  it("needs exactly one of pool and connectionString", () => {
    expect(() => new PostgresChatHistoryStore({})).toThrow(InvalidOptionError);
  });

  it("publishes quoted DDL that creates the schema only when it is not public", () => {
    expect(postgresSchemaSql()).not.toContain("CREATE SCHEMA");
    const sql = postgresSchemaSql({ schema: "app", tableName: "Chat" });
    expect(sql).toContain('CREATE SCHEMA IF NOT EXISTS "app"');
    expect(sql).toContain('"app"."Chat_messages"');
    expect(sql).toContain("payload text NOT NULL");
  });
});

suite("postgres: schema setup", () => {
  const pool = service.skip ? (undefined as never) : filePool(3);

  it("works with autoMigrate: false over tables made from the published DDL", async () => {
    const prefix = uniquePrefix("manual");
    const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix, autoMigrate: false });
    await expect(store.count({ sessionId: "s" })).rejects.toMatchObject({ code: "42P01" });
    const exists = await pool.query("SELECT to_regclass($1) AS t", [`"${TEST_SCHEMA}"."${prefix}_sessions"`]);
    expect(exists.rows[0].t).toBeNull();

    await pool.query(postgresSchemaSql({ schema: TEST_SCHEMA, tableName: prefix }));
    await pool.query(postgresSchemaSql({ schema: TEST_SCHEMA, tableName: prefix }));
    await store.append({ sessionId: "s", userId: "u" }, ['"a"', '"b"']);
    expect(await store.read({ sessionId: "s", userId: "u" })).toEqual([
      { seq: 1, payload: '"a"' },
      { seq: 2, payload: '"b"' },
    ]);
    await store.close();
    await dropTables(pool, prefix);
  });

  it("quotes names, so capitals and reserved words are kept as given", async () => {
    const names = ["Select", "select", "user"];
    const stores = names.map((tableName) => new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName }));
    try {
      await Promise.all(stores.map((s, i) => s.append({ sessionId: `q-${process.pid}-${i}` }, [`"${names[i]}"`])));
      for (const [i, s] of stores.entries()) expect(await s.read({ sessionId: `q-${process.pid}-${i}` })).toEqual([{ seq: 1, payload: `"${names[i]}"` }]);
      expect(await (stores[0] as PostgresChatHistoryStore).count({ sessionId: `q-${process.pid}-1` })).toBe(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      for (const s of stores) await pool.query(`DELETE FROM ${s.tables.messages} WHERE session_id LIKE $1`, [`q-${process.pid}-%`]);
      for (const s of stores) await pool.query(`DELETE FROM ${s.tables.sessions} WHERE session_id LIKE $1`, [`q-${process.pid}-%`]);
    }
  });

  it("stores payloads as text: JSON escapes jsonb refuses come back byte-identical", async () => {
    const prefix = uniquePrefix("text");
    const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
    const hostile = JSON.stringify({ content: "nul \u0000 lone \ud800 end" });
    const plain = JSON.stringify({ content: "plain" });
    await store.append({ sessionId: "s" }, [hostile, plain]);
    expect((await store.read({ sessionId: "s" })).map((r) => r.payload)).toEqual([hostile, plain]);
    const cast = await pool.query(`SELECT payload::jsonb->>'content' AS c FROM ${store.tables.messages} WHERE seq = 2`);
    expect(cast.rows[0].c).toBe("plain");
    await store.close();
    await dropTables(pool, prefix);
  });

  it("keeps the no-user scope apart from every user", async () => {
    const prefix = uniquePrefix("scope");
    const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
    await store.append({ sessionId: "s" }, ['"none"']);
    await store.append({ sessionId: "s", userId: "u" }, ['"u"']);
    expect((await store.listSessions()).sessions.map((s) => [s.sessionId, s.userId])).toEqual([["s", undefined]]);
    expect((await store.listSessions({ userId: "u" })).sessions.map((s) => [s.sessionId, s.userId])).toEqual([["s", "u"]]);
    expect(await store.deleteSession({ sessionId: "s" })).toBe(true);
    expect(await store.read({ sessionId: "s", userId: "u" })).toEqual([{ seq: 1, payload: '"u"' }]);
    await store.close();
    await dropTables(pool, prefix);
  });

  it("refuses an id pair too large for a btree entry with InvalidSessionIdError, writing nothing", async () => {
    const prefix = uniquePrefix("wide");
    const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
    // 512 distinct CJK characters each: about 3 KB of UTF-8 together, which does not compress.
    const wide = (offset: number) => Array.from({ length: 512 }, (_, i) => String.fromCharCode(0x4e00 + offset + i * 13)).join("");
    const key = { sessionId: wide(0), userId: wide(7) };
    await expect(store.append(key, ['"x"'])).rejects.toThrow(InvalidSessionIdError);
    expect(await store.count(key)).toBe(0);
    await store.append({ sessionId: wide(0) }, ['"fits alone"']);
    expect(await store.count({ sessionId: wide(0) })).toBe(1);
    await store.close();
    await dropTables(pool, prefix);
  });
});

import { InvalidOptionError, encodeSessionCursor } from "@chat-history/core";
import { describe, expect, it } from "vitest";
import { PostgresChatHistoryStore, postgresSchemaSql } from "../src/index.js";
import { sessionDigest } from "../src/keys.js";
import { TEST_SCHEMA, dropTables, filePool, service, uniquePrefix } from "./support.js";

const suite = service.skip ? describe.skip : describe;
const HOSTILE = ["bad name", 'x"; DROP TABLE y; --', "a.b", "../x", "", "1abc", "é", "x".repeat(64), "a\u0000", "$1"];

describe("postgres: names", () => {
  it("rejects hostile schema and table names before touching the database", () => {
    for (const name of HOSTILE) {
      expect(
        () => new PostgresChatHistoryStore({ connectionString: "postgres://127.0.0.1:1/none", tableName: name }),
        name,
      ).toThrow(InvalidOptionError);
      expect(
        () => new PostgresChatHistoryStore({ connectionString: "postgres://127.0.0.1:1/none", schema: name }),
        name,
      ).toThrow(InvalidOptionError);
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
      for (const [i, s] of stores.entries())
        expect(await s.read({ sessionId: `q-${process.pid}-${i}` })).toEqual([{ seq: 1, payload: `"${names[i]}"` }]);
      expect(await (stores[0] as PostgresChatHistoryStore).count({ sessionId: `q-${process.pid}-1` })).toBe(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      for (const s of stores) {
        await pool.query(
          `DELETE FROM ${s.tables.messages} WHERE session_key IN (SELECT session_key FROM ${s.tables.sessions} WHERE session_id LIKE $1)`,
          [`q-${process.pid}-%`],
        );
      }
      for (const s of stores)
        await pool.query(`DELETE FROM ${s.tables.sessions} WHERE session_id LIKE $1`, [`q-${process.pid}-%`]);
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
    expect((await store.listSessions({ userId: "u" })).sessions.map((s) => [s.sessionId, s.userId])).toEqual([
      ["s", "u"],
    ]);
    expect(await store.deleteSession({ sessionId: "s" })).toBe(true);
    expect(await store.read({ sessionId: "s", userId: "u" })).toEqual([{ seq: 1, payload: '"u"' }]);
    await store.close();
    await dropTables(pool, prefix);
  });

  it("stores, lists and deletes a pair of two 512-character CJK ids (about 3 KB of key, past a btree entry)", async () => {
    const prefix = uniquePrefix("wide");
    const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
    // 512 distinct CJK characters each: about 3 KB of UTF-8 together, which does not compress.
    const wide = (offset: number) =>
      Array.from({ length: 512 }, (_, i) => String.fromCharCode(0x4e00 + offset + i * 13)).join("");
    const keys = [
      { sessionId: wide(0), userId: wide(7) },
      { sessionId: wide(1), userId: wide(7) },
      { sessionId: wide(0), userId: wide(0) },
      { sessionId: wide(0) },
    ];
    for (const [i, key] of keys.entries()) await store.append(key, [`"${i}a"`, `"${i}b"`]);
    for (const [i, key] of keys.entries()) {
      expect(await store.read(key, { last: 1 })).toEqual([{ seq: 2, payload: `"${i}b"` }]);
      expect(await store.count(key)).toBe(2);
    }
    const listed = await store.listSessions({ userId: wide(7), limit: 1 });
    const next = await store.listSessions({ userId: wide(7), limit: 1, cursor: listed.nextCursor });
    expect([...listed.sessions, ...next.sessions].map((s) => s.sessionId).sort()).toEqual([wide(0), wide(1)].sort());
    expect(next.nextCursor).toBeUndefined();
    expect(await store.deleteSession(keys[0] as (typeof keys)[0])).toBe(true);
    expect(await store.count(keys[0] as (typeof keys)[0])).toBe(0);
    expect(await store.count(keys[1] as (typeof keys)[0])).toBe(2);
    await store.close();
    await dropTables(pool, prefix);
  });

  it("keys rows on the documented digest, which SQL can compute for ad-hoc queries", async () => {
    const prefix = uniquePrefix("digest");
    const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
    // Pairs that concatenate to the same text must stay distinct sessions.
    const keys = [
      { sessionId: "bc", userId: "a" },
      { sessionId: "c", userId: "ab" },
      { sessionId: "abc" },
      { sessionId: "ü😀/..", userId: "ü" },
    ];
    for (const key of keys) await store.append(key, ['"x"']);
    const { rows } = await pool.query(
      `SELECT s.session_key, sha256(int4send(octet_length(convert_to(user_key, 'UTF8'))) || convert_to(user_key, 'UTF8') || convert_to(session_id, 'UTF8')) AS in_sql,
        s.user_hash = sha256(convert_to(user_key, 'UTF8')) AS user_ok, (SELECT count(*)::int FROM ${store.tables.messages} m WHERE m.session_key = s.session_key) AS n
       FROM ${store.tables.sessions} s`,
    );
    expect(rows).toHaveLength(keys.length);
    for (const row of rows) expect([row.in_sql.equals(row.session_key), row.user_ok, row.n]).toEqual([true, true, 1]);
    expect(rows.map((r) => r.session_key.toString("hex")).sort()).toEqual(
      keys.map((k) => sessionDigest(k).toString("hex")).sort(),
    );
    await store.close();
    await dropTables(pool, prefix);
  });
  it("refuses listing cursors it never hands out (past bigint, fractional, NUL) with InvalidOptionError", async () => {
    const prefix = uniquePrefix("cursor");
    const store = new PostgresChatHistoryStore({ pool, schema: TEST_SCHEMA, tableName: prefix });
    await store.append({ sessionId: "s" }, ['"x"']);
    for (const [updatedAt, sessionId] of [
      [1e300, "s"],
      [1.5, "s"],
      [-1e300, "s"],
      [Date.now(), "a\u0000b"],
      [Date.now(), "\ud800"],
    ] as const) {
      await expect(
        store.listSessions({ cursor: encodeSessionCursor({ updatedAt, sessionId }) }),
        `${updatedAt} ${sessionId}`,
      ).rejects.toThrow(InvalidOptionError);
    }
    const all = await store.listSessions({
      cursor: encodeSessionCursor({ updatedAt: Number.MAX_SAFE_INTEGER, sessionId: "" }),
    });
    expect(all.sessions.map((s) => s.sessionId)).toEqual(["s"]);
    await store.close();
    await dropTables(pool, prefix);
  });
});

import { InvalidOptionError } from "@chat-history/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SqliteChatHistoryStore, sqliteSchemaSql } from "../src/index.js";
import { uniqueName, useTempDir } from "./support/temp-dir.js";
import { runWorkers } from "./support/workers.js";

const file = useTempDir();

function schemaObjects(db: Database.Database): string[] {
  const rows = db.prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
  return (rows as { type: string; name: string }[]).map((r) => `${r.type}:${r.name}`);
}

describe("sqliteSchemaSql", () => {
  it("names and quotes the tables after the prefix", () => {
    const ddl = sqliteSchemaSql("app_chat");
    expect(ddl).toContain(`CREATE TABLE IF NOT EXISTS "app_chat_messages"`);
    expect(ddl).toContain(`CREATE TABLE IF NOT EXISTS "app_chat_sessions"`);
    expect(sqliteSchemaSql()).toContain(`"chat_history_messages"`);
  });

  it.each(['x"; DROP TABLE t; --', "1abc", "with space", "", "a-b", "a".repeat(64)])(
    "rejects the unsafe prefix %j",
    (prefix) => {
      expect(() => sqliteSchemaSql(prefix)).toThrow(InvalidOptionError);
      expect(() => new SqliteChatHistoryStore({ path: ":memory:", tableName: prefix })).toThrow(InvalidOptionError);
    },
  );
});

describe("schema setup", () => {
  it("is idempotent: reopening a file keeps its data and creates nothing new", async () => {
    const path = file(`${uniqueName("reopen")}.db`);
    const first = new SqliteChatHistoryStore({ path });
    await first.append({ sessionId: "s" }, ["a", "b"]);
    const objects = schemaObjects(first.database);
    expect(objects).toEqual([
      "table:chat_history_messages",
      "table:chat_history_sessions",
      "index:chat_history_sessions_by_expiry",
      "index:chat_history_sessions_by_update",
    ]);
    const second = new SqliteChatHistoryStore({ path });
    const third = new SqliteChatHistoryStore({ database: second.database });
    expect(schemaObjects(second.database)).toEqual(objects);
    expect((await third.read({ sessionId: "s" })).map((r) => r.payload)).toEqual(["a", "b"]);
    second.database.exec(sqliteSchemaSql());
    expect(await second.count({ sessionId: "s" })).toBe(2);
    await Promise.all([first.close(), second.close(), third.close()]);
  });

  it("is safe when several processes open the same new file at once", async () => {
    const path = file(`${uniqueName("race")}.db`);
    const sessionId = "cold-start";
    await runWorkers(Array.from({ length: 4 }, (_, worker) => ({ path, sessionId, worker, batchSizes: [1, 2] })));
    const store = new SqliteChatHistoryStore({ path });
    const records = await store.read({ sessionId });
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.payload)).size).toBe(12);
    await store.close();
  });

  it("with autoMigrate off creates nothing, and works once the published DDL has run", async () => {
    const path = file(`${uniqueName("manual")}.db`);
    const db = new Database(path);
    const store = new SqliteChatHistoryStore({ database: db, tableName: "manual_chat", autoMigrate: false });
    expect(schemaObjects(db)).toEqual([]);
    await expect(store.append({ sessionId: "s" }, ["a"])).rejects.toThrow(/no such table/);
    db.exec(sqliteSchemaSql("manual_chat"));
    await store.append({ sessionId: "s" }, ["a", "b"]);
    expect(await store.read({ sessionId: "s" }, { last: 1 })).toEqual([{ seq: 2, payload: "b" }]);
    expect(schemaObjects(db).filter((o) => o.startsWith("table:"))).toEqual([
      "table:manual_chat_messages",
      "table:manual_chat_sessions",
    ]);
    await store.close();
    db.close();
  });

  it("keeps two prefixes in one file apart", async () => {
    const path = file(`${uniqueName("prefixes")}.db`);
    const a = new SqliteChatHistoryStore({ path, tableName: "tenant_a" });
    const b = new SqliteChatHistoryStore({ path, tableName: "tenant_b" });
    await a.append({ sessionId: "same" }, ["from a"]);
    await b.append({ sessionId: "same" }, ["from b", "more b"]);
    expect(await a.read({ sessionId: "same" })).toEqual([{ seq: 1, payload: "from a" }]);
    expect(await b.count({ sessionId: "same" })).toBe(2);
    await b.deleteSession({ sessionId: "same" });
    expect(await a.count({ sessionId: "same" })).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });
});

import { type SessionKey, decodeSessionCursor } from "@chat-history/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { toUserKey } from "../src/keys.js";
import { tableNames } from "../src/schema.js";
import { statementSql } from "../src/statements.js";
import { SqliteChatHistoryStore } from "../src/index.js";
import { uniqueName, useTempDir } from "./support/temp-dir.js";

const file = useTempDir();

function openStore(): SqliteChatHistoryStore {
  return new SqliteChatHistoryStore({ path: file(`${uniqueName("store")}.db`) });
}

function rawCount(store: SqliteChatHistoryStore, key: SessionKey): number {
  const row = store.database
    .prepare("SELECT count(*) AS n FROM chat_history_messages WHERE user_key = ? AND session_id = ?")
    .get(toUserKey(key.userId), key.sessionId) as { n: number };
  return row.n;
}

/** Moves a session's clock fields directly, so time-dependent paths are tested without waiting. */
function setSessionTimes(store: SqliteChatHistoryStore, fields: { updated_at?: number; expires_at?: number }): void {
  for (const [column, value] of Object.entries(fields)) {
    store.database.prepare(`UPDATE chat_history_sessions SET ${column} = ?`).run(value);
  }
}

describe("stored layout", () => {
  it("keeps 'no user' apart from every real user id, including ones that look like the encoding", async () => {
    const store = openStore();
    const keys: SessionKey[] = [
      { sessionId: "s" },
      { sessionId: "s", userId: "u:" },
      { sessionId: "s", userId: "u" },
      { sessionId: "s", userId: "u:u" },
      { sessionId: "s", userId: " " },
    ];
    for (const [i, key] of keys.entries()) await store.append(key, [`payload ${i}`]);
    for (const [i, key] of keys.entries()) {
      expect(await store.read(key)).toEqual([{ seq: 1, payload: `payload ${i}` }]);
      const page = await store.listSessions({ userId: key.userId });
      expect(page.sessions.map((s) => [s.userId, s.sessionId])).toEqual([[key.userId, "s"]]);
    }
    await store.close();
  });

  it("returns payloads byte-identical, whatever characters they hold", async () => {
    const store = openStore();
    const payloads = [
      JSON.stringify({ text: "\u0000 nul, \ud800 lone surrogate, \u2028 separator" }),
      "quotes ' \" and backslashes \\ and emoji 👩‍👩‍👧 and 中文",
      "x".repeat(1_000_000),
      "",
    ];
    await store.append({ sessionId: "bytes" }, payloads);
    expect((await store.read({ sessionId: "bytes" })).map((r) => r.payload)).toEqual(payloads);
    await store.close();
  });

  it("reads the last N and pages by an index range, never a scan", () => {
    const db = new Database(":memory:");
    new SqliteChatHistoryStore({ database: db });
    const sql = statementSql(tableNames("chat_history"));
    const plan = (text: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[]).map((r) => r.detail).join("\n");
    expect(plan(sql.sessionState, "", "s")).toMatch(
      /SEARCH .*chat_history_sessions USING PRIMARY KEY \(user_key=\? AND session_id=\?\)/,
    );
    const range = plan(sql.readRange, "", "s", 1, 20);
    expect(range).toMatch(
      /SEARCH .*chat_history_messages USING PRIMARY KEY \(user_key=\? AND session_id=\? AND seq>\? AND seq<\?\)/,
    );
    expect(range).not.toMatch(/SCAN|TEMP B-TREE/);
    for (const name of ["readDescending", "readAscending"] as const) {
      const detail = plan(sql[name], "", "s", -1, 10, 20);
      expect(detail).toMatch(
        /SEARCH .*chat_history_messages USING PRIMARY KEY \(user_key=\? AND session_id=\? AND seq>\? AND seq<\?\)/,
      );
      expect(detail).not.toMatch(/SCAN|TEMP B-TREE/);
    }
    const list = plan(sql.listAfter, { u: "", now: 0, limit: 5, cursorAt: 1, cursorKey: Buffer.from("a") });
    expect(list).toMatch(/chat_history_sessions_by_update/);
    expect(list).not.toMatch(/TEMP B-TREE/);
    db.close();
  });
});

describe("listing order", () => {
  it("breaks updatedAt ties by session id in JavaScript string order, across pages", async () => {
    const store = openStore();
    // UTF-8 byte order and UTF-16 order disagree between U+FF01 and characters above U+FFFF.
    const ids = ["\uff01", "😀", "a", "B", "ab", "\u00e9", "z/..", "{}"];
    for (const id of ids) await store.append({ sessionId: id }, ["x"]);
    setSessionTimes(store, { updated_at: 1_700_000_000_000 });
    const listed: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < ids.length; page++) {
      const result = await store.listSessions({ limit: 3, cursor });
      listed.push(...result.sessions.map((s) => s.sessionId));
      cursor = result.nextCursor;
      if (cursor === undefined) break;
      expect(decodeSessionCursor(cursor).updatedAt).toBe(1_700_000_000_000);
    }
    expect(listed).toEqual([...ids].sort().reverse());
    await store.close();
  });
});

describe("expiry and caps", () => {
  it("hides an expired session before prune(), restarts it on the next append, and prune() removes it", async () => {
    const store = openStore();
    const key = { sessionId: "short-lived", userId: "someone" };
    const before = Date.now();
    await store.append(key, ["a", "b"], { ttlMs: 60_000 });
    await store.append(key, ["c"]);
    const expiresAt = (await store.getSession(key))?.expiresAt ?? 0;
    expect(expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);

    setSessionTimes(store, { expires_at: Date.now() - 1 });
    expect(await store.read(key)).toEqual([]);
    expect(await store.read(key, { last: 2 })).toEqual([]);
    expect(await store.count(key)).toBe(0);
    expect(await store.getSession(key)).toBeUndefined();
    expect((await store.listSessions({ userId: "someone" })).sessions).toEqual([]);
    await store.clear(key);
    expect(rawCount(store, key)).toBe(3);
    expect(await store.prune()).toBe(1);
    expect(rawCount(store, key)).toBe(0);

    await store.append(key, ["d", "e"], { ttlMs: 60_000 });
    setSessionTimes(store, { expires_at: Date.now() - 1 });
    expect(await store.append(key, ["f"])).toEqual({ firstSeq: 1, lastSeq: 1 });
    expect(await store.read(key)).toEqual([{ seq: 1, payload: "f" }]);
    expect(rawCount(store, key)).toBe(1);
    expect((await store.getSession(key))?.expiresAt).toBeUndefined();
    expect(await store.deleteSession(key)).toBe(true);
    expect(await store.deleteSession(key)).toBe(false);
    await store.close();
  });

  it("maxMessages deletes the oldest rows in the same write", async () => {
    const store = openStore();
    const key = { sessionId: "capped" };
    for (let i = 0; i < 5; i++) await store.append(key, [`m${2 * i}`, `m${2 * i + 1}`], { maxMessages: 3 });
    expect(rawCount(store, key)).toBe(3);
    expect(await store.read(key)).toEqual([
      { seq: 8, payload: "m7" },
      { seq: 9, payload: "m8" },
      { seq: 10, payload: "m9" },
    ]);
    expect(await store.count(key)).toBe(3);
    await store.clear(key);
    expect(rawCount(store, key)).toBe(0);
    expect((await store.getSession(key))?.messageCount).toBe(0);
    expect((await store.append(key, ["n"])).firstSeq).toBeGreaterThan(0);
    await store.close();
  });
});

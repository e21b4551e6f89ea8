import { existsSync } from "node:fs";
import { InvalidOptionError, InvalidSessionIdError, StoreClosedError } from "@chat-history/core";
import { HumanMessage } from "@langchain/core/messages";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SqliteChatHistoryStore, SqliteChatMessageHistory } from "../src/index.js";
import { uniqueName, useTempDir } from "./support/temp-dir.js";

const file = useTempDir();

describe("who closes the database", () => {
  it("a Database the user passed stays open after close()", async () => {
    const db = new Database(file(`${uniqueName("passed")}.db`));
    const store = new SqliteChatHistoryStore({ database: db });
    await store.append({ sessionId: "s" }, ["a"]);
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare("SELECT count(*) AS n FROM chat_history_messages").get()).toEqual({ n: 1 });
    await expect(store.read({ sessionId: "s" })).rejects.toThrow(StoreClosedError);
    db.close();
  });

  it("a file the store opened is closed by close(), and close() is idempotent", async () => {
    const store = new SqliteChatHistoryStore({ path: file(`${uniqueName("owned")}.db`) });
    await store.append({ sessionId: "s" }, ["a"]);
    await store.close();
    expect(store.database.open).toBe(false);
    await store.close();
  });

  it("the one-liner history closes only a store it built", async () => {
    const path = file(`${uniqueName("history")}.db`);
    const own = new SqliteChatMessageHistory({ sessionId: "s", path });
    await own.addMessages([new HumanMessage("hello")]);
    expect((await own.getMessages()).map((m) => m.content)).toEqual(["hello"]);
    await own.close();
    expect((own.store as SqliteChatHistoryStore).database.open).toBe(false);

    const shared = new SqliteChatHistoryStore({ path });
    const borrowed = new SqliteChatMessageHistory({ sessionId: "s", store: shared, window: 5 });
    expect(await borrowed.getMessages()).toHaveLength(1);
    await borrowed.close();
    expect(shared.closed).toBe(false);
    await shared.close();
  });

  it("the one-liner opens nothing for an invalid session id", () => {
    const path = file(`${uniqueName("never")}.db`);
    expect(() => new SqliteChatMessageHistory({ sessionId: "a\u0000b", path })).toThrow(InvalidSessionIdError);
    expect(existsSync(path)).toBe(false);
  });
});

describe("connection settings", () => {
  it("a file the store opens gets WAL, a busy timeout and synchronous=NORMAL", async () => {
    const store = new SqliteChatHistoryStore({ path: file(`${uniqueName("pragmas")}.db`) });
    expect(store.database.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.database.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(store.database.pragma("synchronous", { simple: true })).toBe(1);
    expect(store.capabilities).toEqual({ nativeTtl: false, crossProcess: true, persistent: true });
    await store.close();
  });

  it("synchronous and busyTimeoutMs can be chosen", async () => {
    const store = new SqliteChatHistoryStore({
      path: file(`${uniqueName("full")}.db`),
      synchronous: "FULL",
      busyTimeoutMs: 250,
    });
    expect(store.database.pragma("synchronous", { simple: true })).toBe(2);
    expect(store.database.pragma("busy_timeout", { simple: true })).toBe(250);
    await store.close();
  });

  it("a passed Database keeps its own settings", async () => {
    const db = new Database(file(`${uniqueName("untouched")}.db`));
    const store = new SqliteChatHistoryStore({ database: db });
    expect(db.pragma("journal_mode", { simple: true })).toBe("delete");
    await store.close();
    db.close();
  });

  it('":memory:" works and is not persistent', async () => {
    const store = new SqliteChatHistoryStore({ path: ":memory:" });
    await store.append({ sessionId: "s" }, ["a"]);
    expect(await store.count({ sessionId: "s" })).toBe(1);
    expect(store.capabilities).toEqual({ nativeTtl: false, crossProcess: false, persistent: false });
    await store.close();
    expect(store.database.open).toBe(false);
  });

  it("rejects bad options", () => {
    const db = new Database(":memory:");
    expect(() => new SqliteChatHistoryStore({})).toThrow(InvalidOptionError);
    expect(() => new SqliteChatHistoryStore({ database: db, path: ":memory:" })).toThrow(InvalidOptionError);
    expect(() => new SqliteChatHistoryStore({ path: "" })).toThrow(InvalidOptionError);
    expect(() => new SqliteChatHistoryStore({ path: ":memory:", synchronous: "SOMETIMES" as "FULL" })).toThrow(
      InvalidOptionError,
    );
    expect(() => new SqliteChatHistoryStore({ path: ":memory:", busyTimeoutMs: -1 })).toThrow(InvalidOptionError);
    expect(() => new SqliteChatHistoryStore({ database: {} as Database.Database })).toThrow(InvalidOptionError);
    db.close();
  });
});

import { randomBytes } from "node:crypto";
import { InvalidOptionError, StoreUnavailableError } from "@chat-history/core";
import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { MongoDBChatHistoryStore, MongoDBChatMessageHistory } from "../src/index.js";
import { dropCollections, mongoService, newClient, testDbName } from "./service.js";

const service = mongoService();
const dbName = testDbName("ownership");
const newPrefix = () => `o${randomBytes(5).toString("hex")}`;

describe.skipIf(Boolean(service.skip))("mongodb: who owns the client", () => {
  it("never closes a client it was given", async () => {
    const client = await newClient(service).connect();
    const prefix = newPrefix();
    try {
      const store = new MongoDBChatHistoryStore({ client, dbName, collectionName: prefix });
      await store.append({ sessionId: "s" }, ["a"]);
      await store.close();
      expect(await client.db(dbName).collection(`${prefix}_messages`).countDocuments()).toBe(1);
    } finally {
      await dropCollections(client, dbName, prefix);
      await client.close();
    }
  });

  it("closes the client it opened from a uri", async () => {
    const prefix = newPrefix();
    const store = new MongoDBChatHistoryStore({ uri: service.url, dbName, collectionName: prefix });
    await store.append({ sessionId: "s" }, ["a"]);
    const history = new MongoDBChatMessageHistory({ sessionId: "s", uri: service.url, dbName, collectionName: prefix });
    expect(await history.count()).toBe(1);
    await history.close();
    await store.close();
    // Closed by the store: the driver refuses to reuse a client that was closed for it.
    const checker = await newClient(service).connect();
    try {
      expect(await checker.db(dbName).collection(`${prefix}_messages`).countDocuments()).toBe(1);
    } finally {
      await dropCollections(checker, dbName, prefix);
      await checker.close();
    }
  });

  it("needs exactly one of client and uri, and a safe collection name", () => {
    expect(() => new MongoDBChatHistoryStore({})).toThrow(InvalidOptionError);
    const client = new MongoClient(service.url);
    expect(() => new MongoDBChatHistoryStore({ client, uri: service.url })).toThrow(InvalidOptionError);
    expect(() => new MongoDBChatHistoryStore({ client, collectionName: "a.b" })).toThrow(InvalidOptionError);
    expect(() => new MongoDBChatHistoryStore({ client, collectionName: "$cmd" })).toThrow(InvalidOptionError);
    expect(() => new MongoDBChatHistoryStore({ client, dbName: "a/b" })).toThrow(InvalidOptionError);
  });

  it("creates indexes once and can be told not to", async () => {
    const client = await newClient(service).connect();
    const managed = newPrefix();
    const manual = newPrefix();
    try {
      const store = new MongoDBChatHistoryStore({ client, dbName, collectionName: managed });
      await Promise.all([store.append({ sessionId: "a" }, ["x"]), store.append({ sessionId: "b" }, ["y"])]);
      const names = (await client.db(dbName).collection(`${managed}_messages`).listIndexes().toArray()).map(
        (i) => i.name,
      );
      expect(names).toContain("gen_seq");
      const unmanaged = new MongoDBChatHistoryStore({ client, dbName, collectionName: manual, autoMigrate: false });
      await unmanaged.append({ sessionId: "a" }, ["x"]);
      const manualNames = (await client.db(dbName).collection(`${manual}_messages`).listIndexes().toArray()).map(
        (i) => i.name,
      );
      expect(manualNames).toEqual(["_id_"]);
    } finally {
      await dropCollections(client, dbName, managed);
      await dropCollections(client, dbName, manual);
      await client.close();
    }
  });
});

describe("mongodb: an unreachable server", () => {
  it("fails with a retryable StoreUnavailableError", async () => {
    // Port 1 on loopback: nothing listens there, so server selection gives up quickly.
    const store = new MongoDBChatHistoryStore({
      uri: "mongodb://127.0.0.1:1/?directConnection=true",
      clientOptions: { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 },
    });
    const error = await store.append({ sessionId: "s" }, ["x"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).retryable).toBe(true);
    await store.close();
  });
});

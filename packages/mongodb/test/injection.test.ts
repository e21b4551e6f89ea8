import { randomBytes } from "node:crypto";
import type { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { MongoDBChatHistoryStore } from "../src/index.js";
import { dropCollections, mongoService, newClient, testDbName } from "./service.js";

const service = mongoService();
const dbName = testDbName("injection");

/** Session and user ids that would be query operators if they were ever parsed or spread into a filter. */
const OPERATOR_LOOKING = [
  '{"$gt": ""}',
  '{"$ne": null}',
  '{"$regex": ".*"}',
  "$where",
  "$gt",
  '{"$in": ["a", "b"]}',
  '[null,"victim"]',
  '["u","victim"]',
  'victim"]',
];

describe.skipIf(Boolean(service.skip))("mongodb: operator-looking ids stay inert", () => {
  let client: MongoClient;

  beforeAll(async () => {
    client = await newClient(service).connect();
  });

  afterAll(async () => {
    await client?.close();
  });

  /** A store on collections of its own, dropped when the test ends. */
  function freshStore(): MongoDBChatHistoryStore {
    const prefix = `i${randomBytes(5).toString("hex")}`;
    const store = new MongoDBChatHistoryStore({ client, dbName, collectionName: prefix });
    onTestFinished(async () => {
      await store.close();
      await dropCollections(client, dbName, prefix);
    });
    return store;
  }

  it("never reads, lists, clears or deletes another session through an operator-looking id", async () => {
    const store = freshStore();
    await store.append({ sessionId: "victim" }, ["v1"]);
    await store.append({ sessionId: "victim", userId: "u" }, ["v2"]);
    for (const id of OPERATOR_LOOKING) {
      expect(await store.read({ sessionId: id })).toEqual([]);
      expect(await store.count({ sessionId: id })).toBe(0);
      expect(await store.getSession({ sessionId: id })).toBeUndefined();
      expect(await store.deleteSession({ sessionId: id })).toBe(false);
      await store.clear({ sessionId: id });
      expect((await store.listSessions({ userId: id })).sessions).toEqual([]);
    }
    expect((await store.read({ sessionId: "victim" })).map((r) => r.payload)).toEqual(["v1"]);
    expect((await store.read({ sessionId: "victim", userId: "u" })).map((r) => r.payload)).toEqual(["v2"]);
  });

  it("stores operator-looking ids as plain strings, each its own session", async () => {
    const store = freshStore();
    for (const [i, id] of OPERATOR_LOOKING.entries()) {
      await store.append({ sessionId: id, userId: id }, [`p${i}`]);
    }
    for (const [i, id] of OPERATOR_LOOKING.entries()) {
      expect((await store.read({ sessionId: id, userId: id })).map((r) => r.payload)).toEqual([`p${i}`]);
      const listed = await store.listSessions({ userId: id });
      expect(listed.sessions.map((s) => s.sessionId)).toEqual([id]);
    }
    const raw = await client
      .db(dbName)
      .collection(store.collections.sessions)
      .findOne({ sessionId: { $eq: '{"$gt": ""}' } });
    expect(typeof raw?._id).toBe("string");
    expect(raw?.sessionId).toBe('{"$gt": ""}');
  });
});

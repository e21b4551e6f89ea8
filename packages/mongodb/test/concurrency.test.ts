import { randomBytes } from "node:crypto";
import type { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoDBChatHistoryStore } from "../src/index.js";
import { dropCollections, mongoService, newClient, testDbName } from "./service.js";

const service = mongoService();
const dbName = testDbName("concurrency");
const CLIENTS = 4;
const APPENDS_PER_CLIENT = 12;

describe.skipIf(Boolean(service.skip))("mongodb: several clients appending to one session", () => {
  const clients: MongoClient[] = [];
  const prefix = `c${randomBytes(5).toString("hex")}`;

  beforeAll(async () => {
    for (let i = 0; i < CLIENTS; i++) clients.push(await newClient(service).connect());
  });

  afterAll(async () => {
    if (clients[0]) await dropCollections(clients[0], dbName, prefix);
    await Promise.all(clients.map((c) => c.close()));
  });

  it("keeps every message, each batch contiguous, seqs strictly increasing", async () => {
    const stores = clients.map((client) => new MongoDBChatHistoryStore({ client, dbName, collectionName: prefix }));
    const key = { sessionId: `shared-${randomBytes(4).toString("hex")}`, userId: "u1" };
    const writes = stores.flatMap((store, s) =>
      Array.from({ length: APPENDS_PER_CLIENT }, (_, i) => {
        const size = 1 + ((s + i) % 3);
        const batch = Array.from({ length: size }, (_, j) => JSON.stringify({ s, i, j }));
        return store.append(key, batch).then((result) => ({ batch, result }));
      }),
    );
    const results = await Promise.all(writes);
    const records = await stores[0]!.read(key);
    const total = results.reduce((n, r) => n + r.batch.length, 0);
    expect(records).toHaveLength(total);
    expect(await stores[1]!.count(key)).toBe(total);
    for (let i = 1; i < records.length; i++) expect(records[i]!.seq).toBeGreaterThan(records[i - 1]!.seq);
    const bySeq = new Map(records.map((r) => [r.seq, r.payload]));
    for (const { batch, result } of results) {
      expect(result.lastSeq - result.firstSeq + 1).toBe(batch.length);
      batch.forEach((payload, j) => expect(bySeq.get(result.firstSeq + j)).toBe(payload));
    }
    await Promise.all(stores.map((s) => s.close()));
  });
});

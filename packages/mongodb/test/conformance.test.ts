import { runConformance } from "@chat-history/conformance";
import type { MongoClient } from "mongodb";
import { MONGODB_CAPABILITIES, MongoDBChatHistoryStore } from "../src/index.js";
import { countRawRecords, dropCollections, mongoService, newClient, suiteScale, testDbName } from "./service.js";

const service = mongoService();
const dbName = testDbName("conformance");
let client: MongoClient;

runConformance<MongoDBChatHistoryStore>({
  name: `mongodb (${service.source})`,
  skip: service.skip || undefined,
  capabilities: MONGODB_CAPABILITIES,
  scale: suiteScale(service),
  timeoutMs: 60_000,
  setup: async () => {
    client = newClient(service);
    await client.connect();
  },
  teardown: async () => {
    await client?.close();
  },
  createStore: ({ namespace }) => new MongoDBChatHistoryStore({ client, dbName, collectionName: namespace }),
  destroyStore: async (store, { namespace }) => {
    await store.close();
    await dropCollections(client, dbName, namespace);
  },
  createStoreNamed: (name) => new MongoDBChatHistoryStore({ client, dbName, collectionName: name }),
  inspect: ({ namespace }) => ({
    countRecords: (key) =>
      countRawRecords(client, dbName, `${namespace}_messages`, JSON.stringify([key.userId ?? null, key.sessionId])),
  }),
});

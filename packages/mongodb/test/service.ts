import { MongoClient } from "mongodb";
import { inject } from "vitest";

export const MONGODB_SERVICE = "mongodb";

export interface MongoService {
  url: string;
  /** Non-empty when no server was found and the run does not require one. */
  skip: string;
  source: "env" | "container" | "emulator" | "none";
}

declare module "vitest" {
  export interface ProvidedContext {
    mongodb: MongoService;
  }
}

export function mongoService(): MongoService {
  return inject(MONGODB_SERVICE);
}

/** The emulator runs commands one at a time in Python: heavy suite workloads are scaled down on it. */
export function suiteScale(service: MongoService): number {
  return service.source === "emulator" ? 0.5 : 1;
}

/** Each test file works in its own database so files never see each other's collections. */
export function testDbName(file: string): string {
  return `chat_history_test_${file}`;
}

export function newClient(service: MongoService): MongoClient {
  return new MongoClient(service.url, { serverSelectionTimeoutMS: 10_000 });
}

/** Raw record count for a session (all generations), read straight from the messages collection. */
export async function countRawRecords(
  client: MongoClient,
  dbName: string,
  messages: string,
  sessionKey: string,
): Promise<number> {
  const rows = await client
    .db(dbName)
    .collection(messages)
    .aggregate<{ n: number }>([
      { $match: { sessionKey: { $eq: sessionKey } } },
      { $group: { _id: null, n: { $sum: { $size: "$payloads" } } } },
    ])
    .toArray();
  return rows[0]?.n ?? 0;
}

export async function dropCollections(client: MongoClient, dbName: string, prefix: string): Promise<void> {
  const db = client.db(dbName);
  await Promise.all([db.collection(`${prefix}_sessions`).drop(), db.collection(`${prefix}_messages`).drop()]);
}

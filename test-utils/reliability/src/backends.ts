import { mkdirSync, rmSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { BaseChatHistoryStore, BaseStoreOptions } from "@chat-history/core";
import type { ProvidedService } from "@chat-history/test-services";

/** Where the servers are, as the backends' global setups provide them (`inject("postgres")` etc.). */
export interface Services {
  postgres: ProvidedService;
  redis: ProvidedService;
  mongodb: ProvidedService;
}

/**
 * How to open a store of one backend in a namespace (lowercase letters and digits), from this process
 * or from a child process: `spec` is plain JSON so it can be handed to a worker.
 */
export interface BackendSpec {
  name: "file" | "sqlite" | "postgres" | "redis" | "mongodb";
  /** Empty when available; otherwise why not (the test fails when the backend is required). */
  skip: string;
  /** Directory for file/sqlite, URL for servers. */
  location: string;
  namespace: string;
}

export const BACKEND_NAMES = ["file", "sqlite", "postgres", "redis", "mongodb"] as const;

/** One spec per backend, each on a fresh namespace. */
export function backendSpecs(services: Services, namespace: string): BackendSpec[] {
  const dir = join(tmpdir(), "chat-history-reliability", namespace);
  return [
    { name: "file", skip: "", location: join(dir, "file"), namespace },
    { name: "sqlite", skip: "", location: join(dir, "sqlite"), namespace },
    { name: "postgres", skip: services.postgres.skip, location: services.postgres.url, namespace },
    { name: "redis", skip: services.redis.skip, location: services.redis.url, namespace },
    { name: "mongodb", skip: services.mongodb.skip, location: services.mongodb.url, namespace },
  ];
}

/** Opens a store that owns its connection; `close()` releases it. */
export async function openStore(spec: BackendSpec, options: BaseStoreOptions = {}): Promise<BaseChatHistoryStore> {
  switch (spec.name) {
    case "file": {
      const { FileChatHistoryStore } = await import("@chat-history/file");
      mkdirSync(spec.location, { recursive: true });
      return new FileChatHistoryStore({ ...options, directory: spec.location });
    }
    case "sqlite": {
      const { SqliteChatHistoryStore } = await import("@chat-history/sqlite");
      mkdirSync(spec.location, { recursive: true });
      return new SqliteChatHistoryStore({
        ...options,
        path: join(spec.location, "chat.db"),
        tableName: spec.namespace,
      });
    }
    case "postgres": {
      const { PostgresChatHistoryStore } = await import("@chat-history/postgres");
      return new PostgresChatHistoryStore({ ...options, connectionString: spec.location, tableName: spec.namespace });
    }
    case "redis": {
      const { RedisChatHistoryStore } = await import("@chat-history/redis");
      return new RedisChatHistoryStore({ ...options, url: spec.location, prefix: `rel-${spec.namespace}` });
    }
    case "mongodb": {
      const { MongoDBChatHistoryStore } = await import("@chat-history/mongodb");
      return new MongoDBChatHistoryStore({
        ...options,
        uri: spec.location,
        dbName: "chat_history_reliability",
        collectionName: spec.namespace,
      });
    }
  }
}

/** Removes what a namespace left behind: files, tables, keys, collections. */
export async function destroyNamespace(spec: BackendSpec): Promise<void> {
  switch (spec.name) {
    case "file":
    case "sqlite":
      rmSync(spec.location, { recursive: true, force: true });
      removeIfEmpty(dirname(spec.location));
      return;
    case "postgres": {
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: spec.location });
      await client.connect();
      try {
        await client.query(`DROP TABLE IF EXISTS "${spec.namespace}_messages", "${spec.namespace}_sessions"`);
      } finally {
        await client.end();
      }
      return;
    }
    case "redis": {
      const { Redis } = await import("ioredis");
      const client = new Redis(spec.location);
      try {
        let cursor = "0";
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", `rel-${spec.namespace}:*`, "COUNT", 1000);
          cursor = next;
          if (keys.length > 0) await client.del(...keys);
        } while (cursor !== "0");
      } finally {
        client.disconnect();
      }
      return;
    }
    case "mongodb": {
      const { MongoClient } = await import("mongodb");
      const client = new MongoClient(spec.location);
      try {
        const db = client.db("chat_history_reliability");
        await Promise.allSettled([
          db.collection(`${spec.namespace}_sessions`).drop(),
          db.collection(`${spec.namespace}_messages`).drop(),
        ]);
      } finally {
        await client.close();
      }
    }
  }
}

/** The namespace folder is shared by the file and SQLite specs: the last one out removes it. */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (the other backend still uses it) or already gone
  }
}

import { createServer } from "node:net";
import { InvalidOptionError, StoreUnavailableError } from "@chat-history/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RedisChatHistoryStore } from "../src/index.js";
import { sessionKeys } from "../src/keys.js";
import { dropPrefix, openRedis, unique } from "./helpers.js";
import { listsTiesLikeTheReference, skipsAndDropsStaleMembers } from "./listing-run.js";
import { numbersEveryElementWhoeverWritesFirst } from "./numbering-run.js";

const { url, skip } = inject("redis");

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("redis: options", () => {
  it("rejects unsafe prefixes and ambiguous connections", () => {
    for (const prefix of ["", "a b", "{x}", "a*", "x".repeat(65), "ü"]) {
      expect(() => new RedisChatHistoryStore({ url: "redis://127.0.0.1:1", prefix })).toThrow(InvalidOptionError);
    }
    expect(() => new RedisChatHistoryStore({})).toThrow(InvalidOptionError);
  });

  it("maps an unreachable server to a retryable StoreUnavailableError", async () => {
    const store = new RedisChatHistoryStore({ url: `redis://127.0.0.1:${await closedPort()}` });
    try {
      const error = await store.append({ sessionId: "s" }, ['"x"']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).retryable).toBe(true);
      await expect(store.read({ sessionId: "s" }, { last: 5 })).rejects.toThrow(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(skip)("redis: stored layout", () => {
  let client: Redis;
  beforeAll(() => {
    client = openRedis(url);
  });
  afterAll(async () => {
    await client.quit();
  });

  it("keeps one list, counter and hash per session, each element carrying its seq", async () => {
    const prefix = unique("layout");
    const store = new RedisChatHistoryStore({ client, prefix });
    const key = { sessionId: "s/{1}", userId: "u:1" };
    const keys = sessionKeys(prefix, key);
    try {
      await store.append(key, ['{"a":"\\u0000"}', '"two"'], { ttlMs: 60_000 });
      expect(await client.lrange(keys.msgs, 0, -1)).toEqual(['1\t{"a":"\\u0000"}', '2\t"two"']);
      expect(await client.get(keys.seq)).toBe("2");
      const meta = await client.hgetall(keys.meta);
      expect(meta).toMatchObject({ sessionId: "s/{1}", userId: "u:1" });
      expect(Number(meta.updatedAt)).toBeGreaterThanOrEqual(Number(meta.createdAt));
      expect(Number(await client.zscore(keys.sessions, keys.member))).toBe(Number(meta.updatedAt));
      for (const k of [keys.msgs, keys.seq, keys.meta]) expect(await client.pttl(k)).toBeGreaterThan(50_000);
    } finally {
      await store.close();
      await dropPrefix(client, prefix);
    }
  });

  it("keeps the session's expiry on writes without ttlMs, even for a list recreated after clear()", async () => {
    const prefix = unique("ttl");
    const store = new RedisChatHistoryStore({ client, prefix });
    const key = { sessionId: "s" };
    const keys = sessionKeys(prefix, key);
    try {
      await store.append(key, ['"a"'], { ttlMs: 60_000 });
      await store.clear(key);
      expect(await client.exists(keys.msgs)).toBe(0);
      await store.append(key, ['"b"']);
      for (const k of [keys.msgs, keys.seq, keys.meta]) expect(await client.pttl(k)).toBeGreaterThan(50_000);
      // clear() keeps the counter, so seqs keep growing and old cursors stay meaningful.
      expect(await store.read(key)).toEqual([{ seq: 2, payload: '"b"' }]);
      const plain = { sessionId: "plain" };
      await store.append(plain, ['"a"']);
      for (const k of Object.values(sessionKeys(prefix, plain)).slice(1, 4)) expect(await client.pttl(k)).toBe(-1);
    } finally {
      await store.close();
      await dropPrefix(client, prefix);
    }
  });

  it("lists the session in the same script as the append: one command, no separate ZADD", async () => {
    const name = unique("one");
    const own = new Redis(url, { connectionName: name, maxRetriesPerRequest: 2 });
    const prefix = unique("one");
    const store = new RedisChatHistoryStore({ client: own, prefix });
    const key = { sessionId: "s", userId: "u" };
    const keys = sessionKeys(prefix, key);
    try {
      for (let i = 0; i < 3; i++) await store.append(key, [`"m${i}"`, `"n${i}"`]);
      // CLIENT LIST names the last command each connection ran; a separate ZADD would come after the script.
      const line = String(await client.client("LIST"))
        .split("\n")
        .find((l) => l.includes(` name=${name} `));
      expect(line).toMatch(/ cmd=eval(sha)? /);
      const meta = await client.hgetall(keys.meta);
      expect(Number(await client.zscore(keys.sessions, keys.member))).toBe(Number(meta.updatedAt));
      expect((await store.listSessions({ userId: "u" })).sessions.map((s) => s.messageCount)).toEqual([6]);
    } finally {
      await store.close();
      await dropPrefix(client, prefix);
      await own.quit();
    }
  });

  it("writes the session's ids with its first append, and again when it is created anew", async () => {
    const prefix = unique("meta");
    const store = new RedisChatHistoryStore({ client, prefix });
    const key = { sessionId: "s", userId: "u" };
    const plain = { sessionId: "p" };
    const { meta } = sessionKeys(prefix, key);
    try {
      await store.append(key, ['"a"']);
      const first = await client.hgetall(meta);
      expect(Object.keys(first).sort()).toEqual(["createdAt", "sessionId", "updatedAt", "userId"]);
      expect(first).toMatchObject({ sessionId: "s", userId: "u" });
      await store.clear(key);
      await store.append(key, ['"b"'], { ttlMs: 60_000, maxMessages: 5 });
      const later = await client.hgetall(meta);
      expect(later).toMatchObject({ createdAt: first.createdAt, sessionId: "s", userId: "u" });
      expect(Number(later.updatedAt)).toBeGreaterThanOrEqual(Number(first.updatedAt));
      // Gone (deleted here; expiry removes the same keys): the next append writes all of it again.
      expect(await store.deleteSession(key)).toBe(true);
      await store.append(key, ['"c"']);
      const anew = await client.hgetall(meta);
      expect(anew).toMatchObject({ sessionId: "s", userId: "u" });
      expect(Number(anew.createdAt)).toBeGreaterThanOrEqual(Number(first.createdAt));
      expect(await store.read(key)).toEqual([{ seq: 1, payload: '"c"' }]);
      await store.append(plain, ['"a"']);
      await store.append(plain, ['"b"']);
      const plainMeta = await client.hgetall(sessionKeys(prefix, plain).meta);
      expect(Object.keys(plainMeta).sort()).toEqual(["createdAt", "sessionId", "updatedAt"]);
    } finally {
      await store.close();
      await dropPrefix(client, prefix);
    }
  });

  it("numbers every element right whichever store wrote last", () =>
    numbersEveryElementWhoeverWritesFirst(() => openRedis(url)));

  it("reads pages by index arithmetic on a capped list", async () => {
    const prefix = unique("pages");
    const store = new RedisChatHistoryStore({ client, prefix, maxMessages: 50 });
    const key = { sessionId: "s" };
    try {
      for (let i = 0; i < 10; i++) {
        await store.append(
          key,
          Array.from({ length: 10 }, (_, k) => JSON.stringify(i * 10 + k + 1)),
        );
      }
      const seqs = async (q: object) => (await store.read(key, q)).map((r) => r.seq);
      expect(await seqs({ last: 3 })).toEqual([98, 99, 100]);
      expect(await seqs({ before: 55, limit: 3 })).toEqual([52, 53, 54]);
      expect(await seqs({ before: 53, limit: 10 })).toEqual([51, 52]);
      expect(await seqs({ after: 97, limit: 10 })).toEqual([98, 99, 100]);
      expect(await seqs({ after: 10, limit: 2 })).toEqual([51, 52]);
      expect(await seqs({ after: 60, before: 64 })).toEqual([61, 62, 63]);
      expect(await seqs({ after: 100 })).toEqual([]);
      expect(await seqs({ before: 51 })).toEqual([]);
      expect(await seqs({ limit: 2 })).toEqual([51, 52]);
      expect((await store.read(key, { before: 55, limit: 1 }))[0]?.payload).toBe("54");
    } finally {
      await store.close();
      await dropPrefix(client, prefix);
    }
  });

  it("pages sessions with tied updatedAt exactly like the in-memory reference", () =>
    listsTiesLikeTheReference(client));

  it("skips sorted-set members whose session is gone and removes the old ones", () =>
    skipsAndDropsStaleMembers(client));

  it("maps a client the user already quit to StoreUnavailableError", async () => {
    const own = openRedis(url);
    await own.quit();
    const store = new RedisChatHistoryStore({ client: own, prefix: unique("quit") });
    await expect(store.count({ sessionId: "s" })).rejects.toThrow(StoreUnavailableError);
    await store.close();
  });
});

import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RedisChatHistoryStore } from "../src/index.js";
import { parseSessionMember, sessionKeys } from "../src/keys.js";
import { dropPrefix, openRedis, unique } from "./helpers.js";

/** The hash tag Redis Cluster hashes: between the first `{` and the next `}`, when non-empty. */
function hashTag(key: string): string | undefined {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

const id = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }),
  fc.constantFrom("{", "}", "}{", "{x}", "a:b", "..", "/", "%7B", "null", "😀", "x".repeat(512)),
);
const sessionKey = fc.record({ sessionId: id, userId: fc.option(id, { nil: undefined }) });

describe("key layout", () => {
  it("gives every key of a session one hash tag that no id can change", () => {
    fc.assert(
      fc.property(sessionKey, (key) => {
        const keys = sessionKeys("chat-history", key);
        const tag = hashTag(keys.msgs);
        expect(tag).toBe(keys.member);
        expect(hashTag(keys.seq)).toBe(tag);
        expect(hashTag(keys.meta)).toBe(tag);
        expect(tag).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(keys.msgs.startsWith("chat-history:{")).toBe(true);
        expect(parseSessionMember(keys.member)).toEqual(key.userId === undefined ? { sessionId: key.sessionId } : key);
      }),
    );
  });

  it("never maps two different (user, session) pairs to the same keys", () => {
    fc.assert(
      fc.property(sessionKey, sessionKey, (a, b) => {
        const same = a.sessionId === b.sessionId && a.userId === b.userId;
        expect(sessionKeys("p", a).msgs === sessionKeys("p", b).msgs).toBe(same);
        expect(sessionKeys("p", a).sessions === sessionKeys("p", b).sessions).toBe(a.userId === b.userId);
      }),
    );
    // The "no user" scope is its own, even against a user literally named "null".
    expect(sessionKeys("p", { sessionId: "s" }).msgs).not.toBe(
      sessionKeys("p", { sessionId: "s", userId: "null" }).msgs,
    );
  });
});

const { url, skip } = inject("redis");

describe.skipIf(skip)("redis: keys of other applications", () => {
  let client: Redis;
  beforeAll(() => {
    client = openRedis(url);
  });
  afterAll(async () => {
    await client.quit();
  });

  it("leaves a foreign key named like the session id intact through append, read, clear and delete", async () => {
    const prefix = unique("keys");
    const foreign = unique("foo");
    const foreignList = `${prefix}:${unique("list")}`;
    await client.set(foreign, "belongs to another app");
    await client.rpush(foreignList, "x", "y");
    const store = new RedisChatHistoryStore({ client, prefix });
    try {
      for (const sessionId of [foreign, foreignList]) {
        await store.append({ sessionId }, ['{"a":1}', '{"a":2}']);
        expect((await store.read({ sessionId })).map((r) => r.payload)).toEqual(['{"a":1}', '{"a":2}']);
        await store.clear({ sessionId });
        expect(await store.count({ sessionId })).toBe(0);
        expect(await store.deleteSession({ sessionId })).toBe(true);
      }
      expect(await client.get(foreign)).toBe("belongs to another app");
      expect(await client.lrange(foreignList, 0, -1)).toEqual(["x", "y"]);
    } finally {
      await store.close();
      await dropPrefix(client, prefix);
      await client.del(foreign, foreignList);
    }
  });

  it("keeps a session named like another session's raw key apart from it", async () => {
    const prefix = unique("keys");
    const store = new RedisChatHistoryStore({ client, prefix });
    try {
      const victim = { sessionId: "victim" };
      const lookalike = { sessionId: sessionKeys(prefix, victim).msgs };
      await store.append(victim, ['"v"']);
      await store.append(lookalike, ['"l1"', '"l2"']);
      await store.deleteSession(lookalike);
      expect((await store.read(victim)).map((r) => r.payload)).toEqual(['"v"']);
      // Only our layout's keys exist under the prefix: `<prefix>:{...}...`.
      const keys = await client.keys(`${prefix}*`);
      expect(keys.every((k) => k.startsWith(`${prefix}:{`))).toBe(true);
    } finally {
      await store.close();
      await dropPrefix(client, prefix);
    }
  });
});

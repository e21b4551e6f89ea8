import { type Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RedisChatHistoryStore } from "../../src/index.js";
import { sessionKeys } from "../../src/keys.js";
import { dropPrefix, openCluster, unique } from "../helpers.js";
import { listsTiesLikeTheReference, skipsAndDropsStaleMembers } from "../listing-run.js";
import { numbersEveryElementWhoeverWritesFirst } from "../numbering-run.js";

const { url: urls, skip } = inject("redis-cluster");

describe.skipIf(skip)("redis-cluster: layout and listing", () => {
  let cluster: Cluster;
  beforeAll(() => {
    cluster = openCluster(urls);
  });
  afterAll(async () => {
    await cluster.quit();
  });

  it("puts every key of a session on one slot, whatever braces the ids hold", async () => {
    for (const key of [
      { sessionId: "{a}" },
      { sessionId: "}{", userId: "{b}" },
      { sessionId: "x".repeat(512), userId: "😀" },
    ]) {
      const keys = sessionKeys("chat-history", key);
      const slots = await Promise.all([keys.msgs, keys.seq, keys.meta].map((k) => cluster.cluster("KEYSLOT", k)));
      expect(new Set(slots).size).toBe(1);
    }
  });

  it("lists sessions spread over every master", async () => {
    const prefix = unique("spread");
    const store = new RedisChatHistoryStore({ client: cluster, prefix });
    try {
      const ids = Array.from({ length: 30 }, (_, i) => `s${i}`);
      for (const sessionId of ids) await store.append({ sessionId, userId: "u" }, ['"x"']);
      const slots = new Set(
        await Promise.all(
          ids.map((s) => cluster.cluster("KEYSLOT", sessionKeys(prefix, { sessionId: s, userId: "u" }).msgs)),
        ),
      );
      expect(slots.size).toBeGreaterThan(1);
      const listed = (await store.listSessions({ userId: "u", limit: 100 })).sessions.map((s) => s.sessionId);
      expect([...listed].sort()).toEqual([...ids].sort());
      expect(listed[0]).toBe("s29");
      expect(await store.deleteSession({ sessionId: "s3", userId: "u" })).toBe(true);
      expect((await store.listSessions({ userId: "u", limit: 100 })).sessions).toHaveLength(29);
    } finally {
      await store.close();
      await dropPrefix(cluster, prefix);
    }
  });

  it("pages sessions with tied updatedAt exactly like the in-memory reference", () =>
    listsTiesLikeTheReference(cluster));

  it("skips sorted-set members whose session is gone and removes the old ones", () =>
    skipsAndDropsStaleMembers(cluster));

  it("numbers every element right whichever store wrote last", () =>
    numbersEveryElementWhoeverWritesFirst(() => openCluster(urls)));

  it("falls back to a separate ZADD when a server refuses keys of two slots in one script", async () => {
    // A plain (not Cluster) client on one node stands in for a proxy in front of shards: the node
    // answers CROSSSLOT to the script that names the user's sorted set. Pick ids whose session and
    // sorted set both live on one node, so that only the slot check can refuse.
    const prefix = unique("crossslot");
    const owners = await cluster.cluster("SLOTS");
    const ownerOf = async (key: string) => {
      const slot = (await cluster.cluster("KEYSLOT", key)) as number;
      const range = owners.find(([from, to]) => slot >= from && slot <= to);
      return { slot, port: range?.[2]?.[1] };
    };
    let chosen: { key: { sessionId: string; userId: string }; port: number } | undefined;
    for (let i = 0; i < 200 && chosen === undefined; i++) {
      const key = { sessionId: `s${i}`, userId: `u${i}` };
      const keys = sessionKeys(prefix, key);
      const [session, sessions] = await Promise.all([ownerOf(keys.msgs), ownerOf(keys.sessions)]);
      if (session.port !== undefined && session.port === sessions.port && session.slot !== sessions.slot) {
        chosen = { key, port: session.port };
      }
    }
    if (chosen === undefined) throw new Error("no ids found whose session and sorted set share a node");
    const { key, port } = chosen;
    const node = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 2 });
    const store = new RedisChatHistoryStore({ client: node, prefix });
    const keys = sessionKeys(prefix, key);
    try {
      await store.append(key, ['"a"', '"b"']);
      await store.append(key, ['"c"']);
      expect(await store.read(key)).toEqual([
        { seq: 1, payload: '"a"' },
        { seq: 2, payload: '"b"' },
        { seq: 3, payload: '"c"' },
      ]);
      const meta = await cluster.hgetall(keys.meta);
      expect(Number(await cluster.zscore(keys.sessions, keys.member))).toBe(Number(meta.updatedAt));
      expect((await store.listSessions({ userId: key.userId })).sessions.map((s) => s.sessionId)).toEqual([
        key.sessionId,
      ]);
    } finally {
      await store.close();
      await node.quit();
      await dropPrefix(cluster, prefix);
    }
  });

  it("leaves the Cluster client it was given open", async () => {
    const store = new RedisChatHistoryStore({ client: cluster, prefix: unique("own") });
    await store.count({ sessionId: "s" });
    await store.close();
    expect(cluster.status).toBe("ready");
    expect(await cluster.ping()).toBe("PONG");
  });
});

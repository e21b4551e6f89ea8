import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RedisChatHistoryStore } from "../../src/index.js";
import { sessionKeys } from "../../src/keys.js";
import { dropPrefix, openCluster, unique } from "../helpers.js";
import { listsTiesLikeTheReference, skipsAndDropsStaleMembers } from "../listing-run.js";

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

  it("leaves the Cluster client it was given open", async () => {
    const store = new RedisChatHistoryStore({ client: cluster, prefix: unique("own") });
    await store.count({ sessionId: "s" });
    await store.close();
    expect(cluster.status).toBe("ready");
    expect(await cluster.ping()).toBe("PONG");
  });
});

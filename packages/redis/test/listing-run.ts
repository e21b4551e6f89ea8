import { MemoryChatHistoryStore, type SessionKey } from "@chat-history/core";
import type { Cluster, Redis } from "ioredis";
import { expect, vi } from "vitest";
import { RedisChatHistoryStore } from "../src/index.js";
import { STALE_MEMBER_GRACE_MS } from "../src/list-sessions.js";
import { sessionKeys, userSessionsKey } from "../src/keys.js";
import { dropPrefix, unique } from "./helpers.js";

/** Ids whose escaped (base64url) order differs from their JS string order. */
const TIED_IDS = ["a", "B", "b", "Z", "😀", "\uffff", "{x}", "a:b", "zz", "0", "~", "é", "a/..", "}{", "A", "m"];

async function pageThrough(
  store: { listSessions: MemoryChatHistoryStore["listSessions"] },
  userId: string,
  limit: number,
) {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await store.listSessions({ userId, limit, cursor });
    seen.push(...page.sessions.map((s) => s.sessionId));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return seen;
}

/**
 * Many sessions written in the same millisecond: paging must follow (updatedAt desc, sessionId desc)
 * exactly like the in-memory reference, whatever order Redis keeps equal scores in.
 */
export async function listsTiesLikeTheReference(client: Redis | Cluster): Promise<void> {
  const prefix = unique("list");
  const store = new RedisChatHistoryStore({ client, prefix });
  const reference = new MemoryChatHistoryStore();
  const userId = unique("user");
  const clock = vi.spyOn(Date, "now");
  try {
    clock.mockReturnValue(1_700_000_000_000);
    for (const sessionId of TIED_IDS) {
      for (const target of [store, reference]) await target.append({ sessionId, userId }, ['"x"']);
    }
    clock.mockReturnValue(1_700_000_000_500);
    for (const sessionId of ["later-1", "later-2"]) {
      for (const target of [store, reference]) await target.append({ sessionId, userId }, ['"y"']);
    }
    clock.mockRestore();
    const expected = await pageThrough(reference, userId, 1000);
    expect(expected).toHaveLength(TIED_IDS.length + 2);
    for (const limit of [1, 2, 3, 5, 7, 100]) {
      expect(await pageThrough(store, userId, limit)).toEqual(expected);
    }
  } finally {
    clock.mockRestore();
    await store.close();
    await dropPrefix(client, prefix);
  }
}

/** Members whose session is gone are skipped; old ones are removed by listing and prune, fresh ones kept. */
export async function skipsAndDropsStaleMembers(client: Redis | Cluster): Promise<void> {
  const prefix = unique("stale");
  const store = new RedisChatHistoryStore({ client, prefix });
  const userId = unique("user");
  const setKey = userSessionsKey(prefix, userId);
  const live: SessionKey = { sessionId: "live", userId };
  const oldGhost = sessionKeys(prefix, { sessionId: "old-ghost", userId });
  const freshGhost = sessionKeys(prefix, { sessionId: "fresh-ghost", userId });
  const pruneGhost = sessionKeys(prefix, { sessionId: "prune-ghost", userId });
  try {
    await store.append(live, ['"x"']);
    const old = Date.now() - STALE_MEMBER_GRACE_MS - 60_000;
    await client.zadd(setKey, old, oldGhost.member, Date.now() + 1_000, freshGhost.member);
    expect((await store.listSessions({ userId })).sessions.map((s) => s.sessionId)).toEqual(["live"]);
    expect(await client.zscore(setKey, oldGhost.member)).toBeNull();
    expect(await client.zscore(setKey, freshGhost.member)).not.toBeNull();

    await client.zadd(setKey, old, pruneGhost.member);
    expect(await store.prune()).toBe(0);
    expect(await client.zscore(setKey, pruneGhost.member)).toBeNull();
    expect(await client.zscore(setKey, sessionKeys(prefix, live).member)).not.toBeNull();
  } finally {
    await store.close();
    await dropPrefix(client, prefix);
  }
}

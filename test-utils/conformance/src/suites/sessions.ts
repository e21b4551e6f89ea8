import type { SessionInfo } from "@chat-history/core";
import { describe, expect, it } from "vitest";
import { contentOf, numbered, sleep } from "../fixtures.js";
import { type Harness, newSessionId } from "../harness.js";
import type { ConformantStore } from "../types.js";

/** Sessions and users: isolation, listing newest first with paging, clear, delete, count. */
export function sessionSuite(h: Harness<ConformantStore>): void {
  describe("sessions and users", () => {
    it("keeps users apart even with the same session id", async (t) => {
      const { store } = await h.open(t);
      const sessionId = newSessionId();
      const alice = store.history(sessionId, { userId: "alice" });
      const bob = store.history(sessionId, { userId: "bob" });
      const nobody = store.history(sessionId);
      await alice.addMessages(numbered(2, "alice"));
      await bob.addMessages(numbered(1, "bob"));
      expect((await alice.getMessages()).map(contentOf)).toEqual(["alice-0", "alice-1"]);
      expect((await bob.getMessages()).map(contentOf)).toEqual(["bob-0"]);
      expect(await nobody.getMessages()).toEqual([]);
      await bob.clear();
      expect(await alice.count()).toBe(2);
      expect(await bob.delete()).toBe(true);
      expect(await alice.count()).toBe(2);
      const listed = await store.listSessions({ userId: "alice" });
      expect(listed.sessions.map((s: SessionInfo) => s.sessionId)).toEqual([sessionId]);
      expect((await store.listSessions({ userId: "bob" })).sessions).toEqual([]);
      expect((await store.listSessions({})).sessions).toEqual([]);
    });

    it("lists a user's sessions newest first, paged without gaps or repeats", async (t) => {
      const { store } = await h.open(t);
      const userId = newSessionId("user");
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const id = `chat-${i}`;
        ids.push(id);
        await store.history(id, { userId }).addMessages(numbered(i + 1));
        await sleep(3);
      }
      await store.history("elsewhere", { userId: "someone-else" }).addMessages(numbered(1));
      // Writing to the oldest session makes it the newest.
      await store.history("chat-0", { userId }).addMessages(numbered(1, "again"));
      const expected = ["chat-0", "chat-6", "chat-5", "chat-4", "chat-3", "chat-2", "chat-1"];
      const seen: SessionInfo[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await store.listSessions({ userId, limit: 3, cursor });
        expect(result.sessions.length).toBeLessThanOrEqual(3);
        seen.push(...result.sessions);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      expect(seen.map((s) => s.sessionId)).toEqual(expected);
      const first = seen[0] as SessionInfo;
      expect(first.userId).toBe(userId);
      expect(first.messageCount).toBe(2);
      expect(first.updatedAt).toBeGreaterThanOrEqual(first.createdAt);
      expect(seen.find((s) => s.sessionId === "chat-6")?.messageCount).toBe(7);
    });

    it("clears messages but keeps the session; deletes it entirely", async (t) => {
      const { store } = await h.open(t);
      const keep = newSessionId("keep");
      const gone = newSessionId("gone");
      await store.history(keep).addMessages(numbered(3));
      await store.history(gone).addMessages(numbered(3));
      await store.history(keep).clear();
      expect(await store.history(keep).getMessages()).toEqual([]);
      expect(await store.count({ sessionId: keep })).toBe(0);
      expect((await store.getSession({ sessionId: keep }))?.messageCount).toBe(0);
      await store.history(keep).addMessages(numbered(1, "after-clear"));
      expect((await store.history(keep).getMessages()).map(contentOf)).toEqual(["after-clear-0"]);
      expect(await store.deleteSession({ sessionId: gone })).toBe(true);
      expect(await store.deleteSession({ sessionId: gone })).toBe(false);
      expect(await store.getSession({ sessionId: gone })).toBeUndefined();
      expect(await store.history(gone).getMessages()).toEqual([]);
      const listed = (await store.listSessions()).sessions.map((s: SessionInfo) => s.sessionId);
      expect(listed).toContain(keep);
      expect(listed).not.toContain(gone);
    });

    it("accepts any session id and never lets one reach another", async (t) => {
      const { store } = await h.open(t);
      const ids = [
        "../../etc/passwd",
        "..",
        ".",
        "a/b",
        "a:b",
        "{tag}",
        "}{",
        "__proto__",
        "constructor",
        "💬 chat ✨",
        "with space",
        "%2e%2e",
        "a\\b",
        "*",
        "x".repeat(512),
        "CON",
        '{"$gt": ""}',
        "'; DROP TABLE x; --",
      ];
      for (const [i, id] of ids.entries()) await store.history(id).addMessages(numbered(1, `id${i}`));
      for (const [i, id] of ids.entries()) {
        expect((await store.history(id).getMessages()).map(contentOf)).toEqual([`id${i}-0`]);
      }
      expect(await store.history("etc/passwd").getMessages()).toEqual([]);
      expect(await store.history("a").getMessages()).toEqual([]);
      const listed = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await store.listSessions({ limit: 50, cursor });
        listed.push(...result.sessions.map((s: SessionInfo) => s.sessionId));
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      expect(listed.sort()).toEqual([...ids].sort());
    });
  });
}

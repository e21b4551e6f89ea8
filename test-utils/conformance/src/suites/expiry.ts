import type { SessionInfo } from "@chat-history/core";
import { describe, expect, it } from "vitest";
import { contentOf, numbered, sleep } from "../fixtures.js";
import { type Harness, newSessionId, onlyIf } from "../harness.js";
import type { ConformantStore } from "../types.js";

const TTL = 1_200;

/** Expiry and caps. Expired data is never returned, whether the backend or prune() removes it. */
export function expirySuite(h: Harness<ConformantStore>): void {
  describe("expiry and caps", () => {
    it("never returns an expired session, and starts it afresh when written again", async (t) => {
      const { store } = await h.open(t);
      const sessionId = newSessionId();
      const userId = "ttl-user";
      const history = store.history(sessionId, { userId, ttlMs: TTL });
      await history.addMessages(numbered(3, "before"));
      expect(await history.count()).toBe(3);
      expect((await store.getSession({ sessionId, userId }))?.expiresAt).toBeGreaterThan(Date.now());
      await sleep(TTL + 600);
      expect(await history.getMessages()).toEqual([]);
      expect(await history.count()).toBe(0);
      expect(await store.getSession({ sessionId, userId })).toBeUndefined();
      expect((await store.listSessions({ userId })).sessions).toEqual([]);
      await history.addMessages(numbered(1, "after"));
      expect((await history.getMessages()).map(contentOf)).toEqual(["after-0"]);
    });

    it("slides the expiry forward on every write", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId(), { ttlMs: TTL * 2 });
      await history.addMessages(numbered(1, "a"));
      await sleep(TTL);
      await history.addMessages(numbered(1, "b"));
      await sleep(TTL + 300);
      expect((await history.getMessages()).map(contentOf)).toEqual(["a-0", "b-0"]);
    });

    it("leaves sessions without a TTL alone", async (t) => {
      const { store } = await h.open(t);
      const lasting = store.history(newSessionId("lasting"));
      const brief = store.history(newSessionId("brief"), { ttlMs: 300 });
      await lasting.addMessages(numbered(2));
      await brief.addMessages(numbered(2));
      await sleep(900);
      expect(await lasting.count()).toBe(2);
      expect((await store.getSession(lasting.key))?.expiresAt).toBeUndefined();
      expect(await brief.count()).toBe(0);
    });

    onlyIf(!h.capabilities.nativeTtl)("prune() physically removes expired sessions only", async (t) => {
      const { store, inspector } = await h.open(t);
      const brief = store.history(newSessionId("brief"), { ttlMs: 300 });
      const lasting = store.history(newSessionId("lasting"));
      await brief.addMessages(numbered(2));
      await lasting.addMessages(numbered(2));
      await sleep(800);
      expect(await store.prune()).toBeGreaterThanOrEqual(1);
      expect(await lasting.count()).toBe(2);
      if (inspector) {
        expect(await inspector.countRecords(brief.key)).toBe(0);
        expect(await inspector.countRecords(lasting.key)).toBe(2);
      }
      const listed = (await store.listSessions()).sessions.map((s: SessionInfo) => s.sessionId);
      expect(listed).toEqual([lasting.sessionId]);
    });

    onlyIf(h.capabilities.nativeTtl)("lets the backend remove expired records by itself", async (t) => {
      const { store, inspector } = await h.open(t);
      const brief = store.history(newSessionId("brief"), { ttlMs: 300 });
      await brief.addMessages(numbered(2));
      await sleep(900);
      expect(await store.prune()).toBeGreaterThanOrEqual(0);
      if (inspector) expect(await inspector.countRecords(brief.key)).toBe(0);
      expect(await brief.count()).toBe(0);
    });

    it("keeps only the newest maxMessages", async (t) => {
      const { store, inspector } = await h.open(t);
      const history = store.history(newSessionId(), { maxMessages: 5 });
      await history.addMessages(numbered(3, "a"));
      await history.addMessages(numbered(4, "b"));
      await history.addMessages(numbered(1, "c"));
      expect((await history.getMessages()).map(contentOf)).toEqual(["b-0", "b-1", "b-2", "b-3", "c-0"]);
      expect(await history.count()).toBe(5);
      if (inspector) expect(await inspector.countRecords(history.key)).toBe(5);
      const { seqs } = await history.getPage({ limit: 10, after: 0 });
      expect(seqs).toEqual([4, 5, 6, 7, 8]);
    });

    it("caps a single batch larger than the cap to its newest messages", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId(), { maxMessages: 2 });
      await history.addMessages(numbered(10));
      expect((await history.getMessages()).map(contentOf)).toEqual(["m-8", "m-9"]);
    });
  });
}

import { describe, expect, it } from "vitest";
import { contentOf, numbered } from "../fixtures.js";
import { type Harness, newSessionId } from "../harness.js";
import type { ConformantStore } from "../types.js";

/** Order is insertion order, from the store's per-session sequence. */
export function orderingSuite(h: Harness<ConformantStore>): void {
  describe("ordering and batches", () => {
    it("reads a large batch back in insertion order", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const messages = numbered(h.scaled(1000, 50));
      await history.addMessages(messages);
      expect((await history.getMessages()).map(contentOf)).toEqual(messages.map(contentOf));
    });

    it("reads many single appends back in insertion order", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const messages = numbered(h.scaled(1000, 50));
      for (const message of messages) await history.addMessage(message);
      expect((await history.getMessages()).map(contentOf)).toEqual(messages.map(contentOf));
      expect(await history.count()).toBe(messages.length);
    });

    it("assigns contiguous, increasing sequence numbers per batch", async (t) => {
      const { store } = await h.open(t);
      const key = { sessionId: newSessionId() };
      const a = await store.append(
        key,
        ["{}", "{}", "{}"].map(() => JSON.stringify({ v: 1, type: "human", content: "x" })),
      );
      const b = await store.append(key, [JSON.stringify({ v: 1, type: "ai", content: "y" })]);
      expect(a.lastSeq - a.firstSeq).toBe(2);
      expect(b.firstSeq).toBe(b.lastSeq);
      expect(b.firstSeq).toBeGreaterThan(a.lastSeq);
      const records = await store.read(key);
      expect(records.map((r: { seq: number }) => r.seq)).toEqual([a.firstSeq, a.firstSeq + 1, a.lastSeq, b.firstSeq]);
    });

    it("returns stored payloads byte for byte", async (t) => {
      const { store } = await h.open(t);
      const key = { sessionId: newSessionId() };
      const payloads = [
        '{"v":1,"type":"human","content":"\\u0000\\ud800 \u2028 é 😀"}',
        '{"v":1,"type":"ai","content":"  spaced  "}',
      ];
      await store.append(key, payloads);
      expect((await store.read(key)).map((r: { payload: string }) => r.payload)).toEqual(payloads);
    });

    it("keeps sessions apart", async (t) => {
      const { store } = await h.open(t);
      const a = store.history(newSessionId("a"));
      const b = store.history(newSessionId("b"));
      await a.addMessages(numbered(3, "a"));
      await b.addMessages(numbered(2, "b"));
      await a.addMessages(numbered(1, "a2"));
      expect((await a.getMessages()).map(contentOf)).toEqual(["a-0", "a-1", "a-2", "a2-0"]);
      expect((await b.getMessages()).map(contentOf)).toEqual(["b-0", "b-1"]);
    });
  });
}

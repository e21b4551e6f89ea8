import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { contentOf, numbered } from "../fixtures.js";
import { type Harness, newSessionId } from "../harness.js";
import type { ConformantStore } from "../types.js";

/** The last N, and cursor pages, read in the store. */
export function windowSuite(h: Harness<ConformantStore>): void {
  describe("windows and cursors", () => {
    it("returns the newest N messages in order", async (t) => {
      const { store } = await h.open(t);
      const sessionId = newSessionId();
      await store.history(sessionId).addMessages(numbered(30));
      const window = await store.history(sessionId, { window: 7 }).getMessages();
      expect(window.map(contentOf)).toEqual(["m-23", "m-24", "m-25", "m-26", "m-27", "m-28", "m-29"]);
      expect((await store.history(sessionId, { window: 100 }).getMessages()).length).toBe(30);
      expect((await store.read({ sessionId }, { last: 3 })).map((r: { seq: number }) => r.seq)).toHaveLength(3);
    });

    it("never starts a window with a tool result whose call was cut off", async (t) => {
      const { store } = await h.open(t);
      const sessionId = newSessionId();
      const call = (id: string) =>
        new AIMessage({ content: "", tool_calls: [{ id, name: "lookup", args: {}, type: "tool_call" }] });
      await store
        .history(sessionId)
        .addMessages([
          new HumanMessage("q1"),
          call("c1"),
          new ToolMessage({ content: "r1a", tool_call_id: "c1" }),
          new ToolMessage({ content: "r1b", tool_call_id: "c1" }),
          new AIMessage("a1"),
        ]);
      const window = await store.history(sessionId, { window: 3 }).getMessages();
      expect(window.map(contentOf)).toEqual(["a1"]);
      const wider = await store.history(sessionId, { window: 4 }).getMessages();
      expect(wider[0]?.type).not.toBe("tool");
      expect((await store.history(sessionId, { window: 5 }).getMessages()).map(contentOf)[0]).toBe("q1");
    });

    it("pages back and forward by sequence number", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      await history.addMessages(numbered(25));
      const newest = await history.getPage({ limit: 10, before: Number.MAX_SAFE_INTEGER });
      expect(newest.messages.map(contentOf)).toEqual(numbered(25).slice(15).map(contentOf));
      const older = await history.getPage({ limit: 10, before: newest.seqs[0] as number });
      expect(older.messages.map(contentOf)).toEqual(numbered(25).slice(5, 15).map(contentOf));
      const forward = await history.getPage({ limit: 4, after: older.seqs[0] as number });
      expect(forward.messages.map(contentOf)).toEqual(numbered(25).slice(6, 10).map(contentOf));
      const range = await history.getPage({
        limit: 100,
        after: older.seqs[0] as number,
        before: older.seqs[3] as number,
      });
      expect(range.messages.map(contentOf)).toEqual(["m-6", "m-7"]);
      expect(newest.seqs).toEqual([...newest.seqs].sort((a, b) => a - b));
    });

    it("pages back through every message exactly once while writes go on", async (t) => {
      const { store } = await h.open(t);
      const sessionId = newSessionId();
      const history = store.history(sessionId);
      const original = numbered(23, "old");
      await history.addMessages(original);
      const seen: string[] = [];
      let before = Number.MAX_SAFE_INTEGER;
      const first = await history.getPage({ limit: 5, before });
      seen.unshift(...first.messages.map(contentOf));
      before = first.seqs[0] as number;
      for (let round = 0; round < 10 && before > 0; round++) {
        await history.addMessages(numbered(2, `new${round}`));
        const page = await history.getPage({ limit: 5, before });
        if (page.messages.length === 0) break;
        seen.unshift(...page.messages.map(contentOf));
        before = page.seqs[0] as number;
      }
      expect(seen).toEqual(original.map(contentOf));
    });

    it("returns nothing for an empty or unknown session", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId(), { window: 5 });
      expect(await history.getMessages()).toEqual([]);
      expect(await history.count()).toBe(0);
      expect((await history.getPage({ limit: 5, before: 10 })).messages).toEqual([]);
    });
  });
}

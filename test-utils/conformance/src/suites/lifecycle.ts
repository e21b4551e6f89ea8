import { CorruptRecordError, StoreClosedError } from "@chat-history/core";
import { HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { contentOf, numbered } from "../fixtures.js";
import { type Harness, newSessionId } from "../harness.js";
import type { ConformantStore } from "../types.js";

/** Closing, and records that cannot be read. */
export function lifecycleSuite(h: Harness<ConformantStore>): void {
  describe("lifecycle and unreadable records", () => {
    it("closes idempotently and refuses calls afterwards", async (t) => {
      const { reopen } = await h.open(t);
      const store = await reopen();
      await store.history("s").addMessage(new HumanMessage("x"));
      await store.close();
      await store.close();
      await expect(store.history("s").getMessages()).rejects.toThrow(StoreClosedError);
      await expect(store.listSessions()).rejects.toThrow(StoreClosedError);
    });

    it("names the session and position of an unreadable record, or skips it when asked", async (t) => {
      const { store } = await h.open(t);
      const sessionId = newSessionId();
      await store.history(sessionId).addMessages(numbered(1, "good"));
      const bad = await store.append({ sessionId }, ["{not json"]);
      await store.append({ sessionId }, [JSON.stringify({ v: 99, type: "human", content: "from the future" })]);
      await store.history(sessionId).addMessages(numbered(1, "later"));
      const error = await store
        .history(sessionId)
        .getMessages()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as CorruptRecordError).sessionId).toBe(sessionId);
      expect((error as CorruptRecordError).seq).toBe(bad.firstSeq);
      const skipping = store.history(sessionId, { onCorruptRecord: "skip" });
      expect((await skipping.getMessages()).map(contentOf)).toEqual(["good-0", "later-0"]);
    });
  });
}

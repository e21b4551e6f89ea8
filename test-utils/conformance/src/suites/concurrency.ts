import type { ChatHistory } from "@chat-history/core";
import type { BaseMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { contentOf, numbered } from "../fixtures.js";
import { type Harness, newSessionId, onlyIf } from "../harness.js";
import type { ConformantStore } from "../types.js";

/** Many writers at once: nothing lost or duplicated, each batch contiguous. */
export function concurrencySuite(h: Harness<ConformantStore>): void {
  describe("concurrency", () => {
    it("keeps every batch whole and contiguous under concurrent appends", async (t) => {
      const { store } = await h.open(t);
      const sessionId = newSessionId();
      const batches = makeBatches(h.scaled(40, 8));
      await Promise.all(batches.map((batch) => store.history(sessionId).addMessages(batch)));
      assertBatches(await store.history(sessionId).getMessages(), batches);
    });

    onlyIf(h.capabilities.crossProcess)("keeps batches whole across two stores on the same storage", async (t) => {
      const { store, reopen } = await h.open(t);
      const other = await reopen();
      const sessionId = newSessionId();
      const batches = makeBatches(h.scaled(40, 8));
      const histories: ChatHistory[] = [store.history(sessionId), other.history(sessionId)];
      await Promise.all(batches.map((batch, i) => (histories[i % 2] as ChatHistory).addMessages(batch)));
      assertBatches(await store.history(sessionId).getMessages(), batches);
      assertBatches(await other.history(sessionId).getMessages(), batches);
    });

    it("serves concurrent writers on many sessions without mixing them", async (t) => {
      const { store } = await h.open(t);
      const ids = Array.from({ length: h.scaled(10, 4) }, () => newSessionId());
      await Promise.all(
        ids.flatMap((id) => [0, 1, 2].map((round) => store.history(id).addMessages(numbered(2, `${id}-${round}`)))),
      );
      for (const id of ids) {
        const contents = (await store.history(id).getMessages()).map(contentOf);
        expect(contents).toHaveLength(6);
        expect(contents.every((c: string) => c.startsWith(id))).toBe(true);
      }
    });
  });
}

function makeBatches(count: number): BaseMessage[][] {
  return Array.from({ length: count }, (_, i) => numbered(1 + (i % 5), `batch${i}`));
}

function assertBatches(read: BaseMessage[], batches: BaseMessage[][]): void {
  const contents = read.map(contentOf);
  const expected = batches.flat().map(contentOf);
  expect(contents).toHaveLength(expected.length);
  expect([...contents].sort()).toEqual([...expected].sort());
  for (const batch of batches) {
    const first = contents.indexOf(contentOf(batch[0] as BaseMessage));
    expect(contents.slice(first, first + batch.length)).toEqual(batch.map(contentOf));
  }
}

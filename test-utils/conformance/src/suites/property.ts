import { dropOrphanToolResults } from "@chat-history/core";
import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprints } from "../compare.js";
import { type Harness, newSessionId } from "../harness.js";
import type { ConformantStore } from "../types.js";

type Op =
  | { kind: "add"; messages: BaseMessage[] }
  | { kind: "addOne"; message: BaseMessage }
  | { kind: "clear" }
  | { kind: "window"; size: number }
  | { kind: "all" };

const text = fc.string({ unit: "binary", maxLength: 24 });
const message: fc.Arbitrary<BaseMessage> = fc.oneof(
  text.map((t) => new HumanMessage(t)),
  fc
    .tuple(text, fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }))
    .map(([t, id]) => new AIMessage({ content: t, id })),
  text.map((t) => new ToolMessage({ content: t, tool_call_id: "call" })),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc
      .array(message, { minLength: 1, maxLength: 4 })
      .map((messages) => ({ kind: "add" as const, messages })),
    weight: 4,
  },
  { arbitrary: message.map((m) => ({ kind: "addOne" as const, message: m })), weight: 2 },
  { arbitrary: fc.constant({ kind: "clear" as const }), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 8 }).map((size) => ({ kind: "window" as const, size })), weight: 2 },
  { arbitrary: fc.constant({ kind: "all" as const }), weight: 2 },
);

/** Random operation sequences give what InMemoryChatMessageHistory gives. */
export function propertySuite(h: Harness<ConformantStore>): void {
  describe("model-based property", () => {
    it("matches InMemoryChatMessageHistory over random operation sequences", async (t) => {
      const { store } = await h.open(t);
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 15 }), async (ops) => {
          const sessionId = newSessionId("prop");
          const reference = new InMemoryChatMessageHistory();
          for (const step of ops) {
            switch (step.kind) {
              case "add":
                await store.history(sessionId).addMessages(step.messages);
                await reference.addMessages(step.messages);
                break;
              case "addOne":
                await store.history(sessionId).addMessage(step.message);
                await reference.addMessage(step.message);
                break;
              case "clear":
                await store.history(sessionId).clear();
                await reference.clear();
                break;
              case "window": {
                const expected = dropOrphanToolResults((await reference.getMessages()).slice(-step.size));
                const actual = await store.history(sessionId, { window: step.size }).getMessages();
                expect(fingerprints(actual)).toEqual(fingerprints(expected));
                break;
              }
              case "all":
                expect(fingerprints(await store.history(sessionId).getMessages())).toEqual(
                  fingerprints(await reference.getMessages()),
                );
            }
          }
          expect(fingerprints(await store.history(sessionId).getMessages())).toEqual(
            fingerprints(await reference.getMessages()),
          );
        }),
        { numRuns: h.scaled(40, 8) },
      );
    });
  });
}

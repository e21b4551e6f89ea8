import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { fingerprints } from "../compare.js";
import { TEXTS, aiWithEverything, everyKind } from "../fixtures.js";
import { type Harness, newSessionId, onlyIf } from "../harness.js";
import type { ConformantStore } from "../types.js";

/** Every kind of message and every field comes back exactly as it went in. */
export function roundTripSuite(h: Harness<ConformantStore>): void {
  describe("round-trip fidelity", () => {
    it("keeps every message kind and field", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const messages = everyKind();
      await history.addMessages(messages);
      const back = await history.getMessages();
      expect(fingerprints(back)).toEqual(fingerprints(messages));
      expect(back.map((m) => m.constructor)).toEqual(messages.map((m) => m.constructor));
    });

    it("keeps AI tool calls, usage metadata, ids and response metadata field by field", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const original = aiWithEverything();
      await history.addMessage(original);
      const [back] = await history.getMessages();
      expect(back).toBeInstanceOf(AIMessage);
      const ai = back as AIMessage;
      expect(ai.id).toBe("run-ai-1");
      expect(ai.name).toBe("assistant");
      expect(ai.tool_calls).toEqual(original.tool_calls);
      expect(ai.invalid_tool_calls).toEqual(original.invalid_tool_calls);
      expect(ai.usage_metadata).toEqual(original.usage_metadata);
      expect(ai.response_metadata).toEqual(original.response_metadata);
      // A nested object shaped like a serialized LangChain object must not come back wrapped or revived.
      expect(ai.additional_kwargs).toEqual({ refusal: null, nested: { lc: 1, type: "constructor", id: ["x"] } });
    });

    it("keeps an AIMessageChunk as a chunk with its tool call chunks", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const chunk = new AIMessageChunk({ content: "par" }).concat(
        new AIMessageChunk({
          content: "tial",
          tool_call_chunks: [{ name: "lookup", args: '{"id":', id: "c1", index: 0, type: "tool_call_chunk" }],
        }),
      );
      await history.addMessage(chunk);
      const [back] = await history.getMessages();
      expect(back).toBeInstanceOf(AIMessageChunk);
      expect(back?.content).toBe("partial");
      expect((back as AIMessageChunk).tool_call_chunks).toEqual(chunk.tool_call_chunks);
    });

    it("keeps fields set after the message was built", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const message = new AIMessage("late fields");
      message.id = "set-later";
      message.name = "late-name";
      message.usage_metadata = { input_tokens: 1, output_tokens: 1, total_tokens: 2 };
      const tool = new ToolMessage({ content: "r", tool_call_id: "t1" });
      tool.artifact = { rows: 3 };
      await history.addMessages([message, tool]);
      const [ai, toolBack] = await history.getMessages();
      expect(ai?.id).toBe("set-later");
      expect(ai?.name).toBe("late-name");
      expect((ai as AIMessage).usage_metadata).toEqual({ input_tokens: 1, output_tokens: 1, total_tokens: 2 });
      expect((toolBack as ToolMessage).artifact).toEqual({ rows: 3 });
    });

    it("keeps text in every script, control characters and lone surrogates exactly", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const messages = Object.entries(TEXTS).map(([name, text]) => new HumanMessage({ content: text, name }));
      await history.addMessages(messages);
      const back = await history.getMessages();
      expect(back.map((m) => m.content)).toEqual(Object.values(TEXTS));
      expect(back.map((m) => m.name)).toEqual(Object.keys(TEXTS));
    });

    it("keeps empty content and a 1 MB message", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const big = "0123456789abcdef".repeat(65_536);
      await history.addMessages([new HumanMessage(""), new AIMessage(big), new HumanMessage({ content: [] })]);
      const back = await history.getMessages();
      expect(back.map((m) => m.content)).toEqual(["", big, []]);
    });

    onlyIf(h.capabilities.persistent)("keeps data after a store is closed and another opened", async (t) => {
      const { reopen } = await h.open(t);
      const sessionId = newSessionId();
      const messages = everyKind();
      const first = await reopen();
      await first.history(sessionId).addMessages(messages);
      await first.close();
      const second = await reopen();
      expect(fingerprints(await second.history(sessionId).getMessages())).toEqual(fingerprints(messages));
    });
  });
}

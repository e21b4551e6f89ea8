import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { MemoryChatHistoryStore, dropOrphanToolResults } from "../src/index.js";

describe("ChatHistory", () => {
  it("writes a batch with one store call", async () => {
    const store = new MemoryChatHistoryStore();
    const calls: number[] = [];
    const append = store.append.bind(store);
    store.append = async (key, payloads, options) => {
      calls.push(payloads.length);
      return append(key, payloads, options);
    };
    await store.history("s").addMessages([new HumanMessage("a"), new AIMessage("b"), new HumanMessage("c")]);
    expect(calls).toEqual([3]);
  });

  it("applies store-wide defaults to histories", async () => {
    const store = new MemoryChatHistoryStore({ maxMessages: 2 });
    const history = store.history("s");
    await history.addMessages([new HumanMessage("a"), new AIMessage("b"), new HumanMessage("c")]);
    expect((await history.getMessages()).map((m) => m.content)).toEqual(["b", "c"]);
  });

  it("drops only leading tool results from a window", () => {
    const tool = new ToolMessage({ content: "t", tool_call_id: "c" });
    const human = new HumanMessage("h");
    expect(dropOrphanToolResults([tool, tool, human, tool])).toEqual([human, tool]);
    expect(dropOrphanToolResults([tool])).toEqual([]);
  });
});

import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { afterEach, describe, expect, it } from "vitest";
import { FileChatHistoryStore, FileChatMessageHistory } from "../src/index.js";
import { tempDirectory } from "./helpers.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("FileChatMessageHistory", () => {
  it("is a one-liner over a store it builds from the options", async () => {
    const { dir, remove } = await tempDirectory("history");
    cleanups.push(remove);
    const history = new FileChatMessageHistory({
      sessionId: "s/1",
      userId: "ann",
      directory: dir,
      window: 2,
      fsync: true,
    });
    await history.addMessages([new HumanMessage("hi"), new AIMessage("hello"), new HumanMessage("bye")]);
    expect((await history.getMessages()).map((m) => m.content)).toEqual(["hello", "bye"]);

    const again = new FileChatMessageHistory({ sessionId: "s/1", userId: "ann", directory: dir });
    expect((await again.getMessages()).map((m) => m.content)).toEqual(["hi", "hello", "bye"]);
  });

  it("shares a store passed in", async () => {
    const { dir, remove } = await tempDirectory("history-shared");
    cleanups.push(remove);
    const store = new FileChatHistoryStore({ directory: dir });
    const history = new FileChatMessageHistory({ sessionId: "shared", store });
    await history.addMessage(new HumanMessage("one"));
    expect(history.store).toBe(store);
    expect(await store.count({ sessionId: "shared" })).toBe(1);
  });
});

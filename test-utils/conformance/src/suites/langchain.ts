import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { HumanMessage } from "@langchain/core/messages";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { RunnableWithMessageHistory } from "@langchain/core/runnables";
import type { BaseChatMessageHistory, BaseListChatMessageHistory } from "@langchain/core/chat_history";
import { describe, expect, it } from "vitest";
import { fingerprints } from "../compare.js";
import { EchoChatModel } from "../fake-model.js";
import { type Harness, newSessionId } from "../harness.js";
import type { ConformantStore } from "../types.js";

type Factory = (sessionId: string) => BaseChatMessageHistory | BaseListChatMessageHistory;

function promptChain(getMessageHistory: Factory) {
  const prompt = ChatPromptTemplate.fromMessages([
    ["system", "You are a test."],
    new MessagesPlaceholder("history"),
    ["human", "{input}"],
  ]);
  return new RunnableWithMessageHistory({
    runnable: prompt.pipe(new EchoChatModel({})),
    getMessageHistory,
    inputMessagesKey: "input",
    historyMessagesKey: "history",
  });
}

function messagesChain(getMessageHistory: Factory) {
  return new RunnableWithMessageHistory({ runnable: new EchoChatModel({}), getMessageHistory });
}

/** The histories drop into RunnableWithMessageHistory and hold what the in-memory history holds. */
export function langchainSuite(h: Harness<ConformantStore>): void {
  describe("LangChain integration", () => {
    it("remembers several turns in several sessions like InMemoryChatMessageHistory", async (t) => {
      const { store } = await h.open(t);
      const reference = new Map<string, InMemoryChatMessageHistory>();
      const referenceChain = promptChain((id) => {
        if (!reference.has(id)) reference.set(id, new InMemoryChatMessageHistory());
        return reference.get(id) as InMemoryChatMessageHistory;
      });
      const chain = promptChain((id) => store.history(id));
      const sessions = [newSessionId("x"), newSessionId("y")];
      const replies: string[] = [];
      for (let turn = 0; turn < 4; turn++) {
        for (const sessionId of sessions) {
          const input = `turn ${turn} in ${sessionId}`;
          const config = { configurable: { sessionId } };
          const reply = await chain.invoke({ input }, config);
          await referenceChain.invoke({ input }, config);
          replies.push(String(reply.content));
        }
      }
      // The model saw system + history + input: 2 + 2 per earlier turn.
      expect(replies.at(-1)).toBe(`echo:turn 3 in ${sessions[1]}|seen:8`);
      for (const sessionId of sessions) {
        const stored = await store.history(sessionId).getMessages();
        expect(stored).toHaveLength(8);
        const expected = await (reference.get(sessionId) as InMemoryChatMessageHistory).getMessages();
        expect(fingerprints(stored)).toEqual(fingerprints(expected));
      }
    });

    it("works with message-list input and no history key, within a window", async (t) => {
      const { store } = await h.open(t);
      const sessionId = newSessionId();
      const chain = messagesChain((id) => store.history(id, { userId: "u1", window: 4 }));
      let reply = "";
      for (let turn = 0; turn < 5; turn++) {
        const result = await chain.invoke([new HumanMessage(`q${turn}`)], { configurable: { sessionId } });
        reply = String(result.content);
      }
      // The window of 4 plus the new input reached the model.
      expect(reply).toBe("echo:q4|seen:5");
      const all = await store.history(sessionId, { userId: "u1" }).getMessages();
      expect(all.map((m) => m.type)).toEqual(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? "human" : "ai")));
      expect(all[9]?.id).toBe("reply-5");
    });
  });
}

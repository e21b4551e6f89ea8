import type { BaseChatHistoryStore } from "@chat-history/core";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { RunnableWithMessageHistory } from "@langchain/core/runnables";

export interface ChatOptions {
  store: BaseChatHistoryStore;
  model: BaseChatModel;
  userId?: string | undefined;
  /** How many stored messages are read back and sent with each turn. */
  window: number;
}

export type Chat = RunnableWithMessageHistory<{ input: string }, BaseMessage>;

const SYSTEM = "You are a friendly assistant in a demo of persistent chat history. Keep answers short.";

/**
 * The usual LangChain wiring: the store supplies a per-session history, and
 * RunnableWithMessageHistory reads the window before each turn and appends the new pair after.
 */
export function createChat({ store, model, userId, window }: ChatOptions): Chat {
  const prompt = ChatPromptTemplate.fromMessages([
    ["system", SYSTEM],
    new MessagesPlaceholder("history"),
    ["human", "{input}"],
  ]);
  return new RunnableWithMessageHistory({
    runnable: prompt.pipe(model),
    getMessageHistory: (sessionId: string) => store.history(sessionId, { userId, window }),
    inputMessagesKey: "input",
    historyMessagesKey: "history",
  });
}

/** One turn: the reply text. */
export async function say(chat: Chat, sessionId: string, input: string): Promise<string> {
  const reply = await chat.invoke({ input }, { configurable: { sessionId } });
  return reply.text;
}

import { SimpleChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import { OpenAICompatibleChatModel } from "./openai-model.js";

const SAYS_NAME = /\bmy name is\s+([^.,!?;\n]+)/i;
const ASKS_NAME = /\bwhat(?:'s|\s+is)\s+my\s+name\b/i;
const ASKS_COUNT = /\bhow many messages\b/i;

/**
 * A chat model that follows a short script instead of calling a service, so the demo runs
 * offline. Its answers come only from the messages it is handed, which is the point: whatever
 * it "remembers" across restarts came back out of the store.
 */
export class ScriptedChatModel extends SimpleChatModel {
  static override lc_name(): string {
    return "ScriptedChatModel";
  }

  _llmType(): string {
    return "scripted";
  }

  async _call(messages: BaseMessage[]): Promise<string> {
    return scriptedReply(messages);
  }
}

/** The script itself, apart from LangChain plumbing so it can be read (and tested) on its own. */
export function scriptedReply(messages: BaseMessage[]): string {
  const conversation = messages.filter((message) => message.type !== "system");
  const current = conversation[conversation.length - 1];
  const input = current?.type === "human" ? current.text.trim() : "";
  const earlier = conversation.slice(0, -1);

  const introduced = SAYS_NAME.exec(input);
  if (introduced?.[1]) return `Nice to meet you, ${introduced[1].trim()}.`;

  if (ASKS_NAME.test(input)) {
    const name = lastNameGiven(earlier);
    return name === undefined ? "I don't know your name yet." : `Your name is ${name}.`;
  }

  if (ASKS_COUNT.test(input)) {
    const humans = earlier.filter((message) => message.type === "human").length;
    return `I was handed ${earlier.length} earlier messages (${humans} from you) before this one.`;
  }

  if (input === "") return "(scripted model) I only answer text.";
  return `(scripted model) You said: "${input}". Try "my name is ...", "what is my name?" or "how many messages?".`;
}

function lastNameGiven(messages: BaseMessage[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.type !== "human") continue;
    const match = SAYS_NAME.exec(message.text);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

/** A real model when OPENAI_API_KEY is set, otherwise the offline script. */
export function createChatModel(env: NodeJS.ProcessEnv = process.env): { model: BaseChatModel; label: string } {
  const apiKey = env.OPENAI_API_KEY;
  if (!apiKey) {
    return { model: new ScriptedChatModel({}), label: "scripted offline model (set OPENAI_API_KEY for a real one)" };
  }
  const baseUrl = env.OPENAI_BASE_URL || "https://api.openai.com/v1";
  const modelName = env.OPENAI_MODEL || "gpt-4o-mini";
  return {
    model: new OpenAICompatibleChatModel({ apiKey, baseUrl, model: modelName, maxRetries: 1 }),
    label: `${modelName} at ${baseUrl}`,
  };
}

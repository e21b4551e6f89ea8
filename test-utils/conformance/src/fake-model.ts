import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";

/**
 * A deterministic chat model: its reply names the last human input and how many messages it was
 * shown, so a test can tell whether the history reached the model.
 */
export class EchoChatModel extends BaseChatModel {
  #calls = 0;

  _llmType(): string {
    return "echo";
  }

  async _generate(
    messages: BaseMessage[],
    _options: this["ParsedCallOptions"],
    _run?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    this.#calls++;
    const human = [...messages].reverse().find((m) => m.type === "human");
    const text = `echo:${typeof human?.content === "string" ? human.content : "?"}|seen:${messages.length}`;
    const message = new AIMessage({
      content: text,
      id: `reply-${this.#calls}`,
      usage_metadata: { input_tokens: messages.length, output_tokens: 1, total_tokens: messages.length + 1 },
      response_metadata: { model_name: "echo-1" },
    });
    return { generations: [{ text, message }] };
  }
}

import { BaseChatModel, type BaseChatModelParams } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";

export interface OpenAICompatibleOptions extends BaseChatModelParams {
  apiKey: string;
  /** e.g. https://api.openai.com/v1, or any server speaking the same chat-completions API. */
  baseUrl: string;
  model: string;
}

interface CompletionResponse {
  id?: string;
  model?: string;
  choices?: { message?: { content?: string | null }; finish_reason?: string }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

const ROLES: Record<string, string> = { system: "system", human: "user", ai: "assistant" };

/**
 * Just enough of a chat-completions client to swap in a real model with plain fetch, so the
 * demo needs no provider package. Text only: no tools, no streaming.
 */
export class OpenAICompatibleChatModel extends BaseChatModel {
  readonly #apiKey: string;
  readonly #url: string;
  readonly #model: string;

  constructor(options: OpenAICompatibleOptions) {
    const { apiKey, baseUrl, model, ...base } = options;
    super(base);
    this.#apiKey = apiKey;
    this.#url = `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
    this.#model = model;
  }

  static override lc_name(): string {
    return "OpenAICompatibleChatModel";
  }

  _llmType(): string {
    return "openai-compatible";
  }

  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    const response = await fetch(this.#url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.#apiKey}` },
      body: JSON.stringify({
        model: this.#model,
        messages: messages.map((message) => ({ role: ROLES[message.type] ?? "user", content: message.text })),
      }),
      signal: options.signal ?? null,
    });
    if (!response.ok) {
      throw new Error(`chat completions request failed: ${response.status} ${(await response.text()).slice(0, 300)}`);
    }
    const body = (await response.json()) as CompletionResponse;
    const text = body.choices?.[0]?.message?.content ?? "";
    const usage = body.usage;
    const message = new AIMessage({
      content: text,
      ...(body.id ? { id: body.id } : {}),
      response_metadata: { model_name: body.model ?? this.#model, finish_reason: body.choices?.[0]?.finish_reason },
      ...(usage
        ? {
            usage_metadata: {
              input_tokens: usage.prompt_tokens ?? 0,
              output_tokens: usage.completion_tokens ?? 0,
              total_tokens: usage.total_tokens ?? 0,
            },
          }
        : {}),
    });
    return { generations: [{ text, message }] };
  }
}

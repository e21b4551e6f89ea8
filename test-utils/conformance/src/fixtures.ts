import {
  AIMessage,
  AIMessageChunk,
  type BaseMessage,
  ChatMessage,
  FunctionMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from "@langchain/core/messages";

export function aiWithEverything(): AIMessage {
  return new AIMessage({
    content: "Let me check the weather.",
    id: "run-ai-1",
    name: "assistant",
    tool_calls: [
      { id: "call_1", name: "get_weather", args: { city: "Paris", units: "metric", days: [1, 2] }, type: "tool_call" },
    ],
    invalid_tool_calls: [
      { id: "call_2", name: "broken", args: "{not json", error: "bad JSON", type: "invalid_tool_call" },
    ],
    usage_metadata: {
      input_tokens: 12,
      output_tokens: 7,
      total_tokens: 19,
      input_token_details: { cache_read: 3 },
    },
    response_metadata: { model_name: "gpt-test", finish_reason: "tool_calls", system_fingerprint: "fp_1" },
    additional_kwargs: { refusal: null, nested: { lc: 1, type: "constructor", id: ["x"] } },
  });
}

/** One of every kind of message the codec supports, with the fields each kind can carry. */
export function everyKind(): BaseMessage[] {
  return [
    new SystemMessage({ content: "You are terse.", id: "sys-1" }),
    new HumanMessage({ content: "Hi, I'm Ada.", id: "h-1", name: "ada", additional_kwargs: { locale: "en-GB" } }),
    aiWithEverything(),
    new ToolMessage({
      content: "18°C, clear",
      tool_call_id: "call_1",
      name: "get_weather",
      artifact: { raw: { temp: 18.5, sky: "clear" }, source: ["met"] },
      status: "success",
      id: "tool-1",
    }),
    new FunctionMessage({ content: '{"ok":true}', name: "legacy_fn" }),
    new ChatMessage({ content: "a note from a custom role", role: "critic", id: "chat-1" }),
    new HumanMessage({
      content: [
        { type: "text", text: "What is in this picture?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
      ],
    }),
    new AIMessageChunk({
      content: "partial",
      id: "chunk-1",
      tool_call_chunks: [{ name: "search", args: '{"q": "tea"}', id: "call_9", index: 0, type: "tool_call_chunk" }],
      usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
    }),
    new AIMessage({ content: "" }),
  ];
}

export const TEXTS: Record<string, string> = {
  spanish: "¿Dónde está la biblioteca? Mañana, señor.",
  russian: "Съешь же ещё этих мягких французских булок, да выпей чаю.",
  cjk: "我能吞下玻璃而不伤身体。私はガラスを食べられます。유리를 먹을 수 있어요",
  emoji: "👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 🧑🏽‍💻 ❤️‍🔥",
  controls: "nul:\u0000 tab:\t cr:\r lf:\n line-sep:\u2028 para-sep:\u2029 del:\u007f bom:\ufeff",
  quotes: `"double" 'single' \`back\` \\ backslash {"json": [1, 2]} ' OR 1=1 -- $gt`,
  loneSurrogates: "high:\ud800 low:\udc00 reversed:\udc00\ud800 end:\ud83d",
};

/** Human/AI pairs with distinct contents, for order checks. */
export function numbered(count: number, prefix = "m"): BaseMessage[] {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? new HumanMessage(`${prefix}-${i}`) : new AIMessage(`${prefix}-${i}`),
  );
}

export function contentOf(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : JSON.stringify(message.content);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

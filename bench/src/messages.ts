import { AIMessage, type BaseMessage, HumanMessage, mapChatMessagesToStoredMessages } from "@langchain/core/messages";
import { encodeMessage } from "@chat-history/core";

/**
 * The messages every target stores: a human question and an AI reply shaped like a real
 * provider's (id, response_metadata, usage_metadata), about 440 bytes each once encoded,
 * like the figures in PEERS.md.
 */
const WORDS = "the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxing matches".split(" ");

function text(seed: number, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += `${WORDS[(seed * 7 + i * 3) % WORDS.length]} `;
  return out.slice(0, length).trimEnd();
}

export function humanMessage(i: number): HumanMessage {
  return new HumanMessage({ content: `Question ${i}: ${text(i, 340)}?` });
}

export function aiMessage(i: number): AIMessage {
  return new AIMessage({
    id: `run-${i.toString(16).padStart(8, "0")}-bench`,
    content: `Answer ${i}: ${text(i + 1, 240)}.`,
    response_metadata: { model_name: "bench-model-1", finish_reason: "stop", system_fingerprint: "fp_bench" },
    usage_metadata: { input_tokens: 120 + (i % 50), output_tokens: 60 + (i % 30), total_tokens: 180 + (i % 80) },
  });
}

/** A conversation alternates human and AI messages. */
export function messageAt(i: number): BaseMessage {
  return i % 2 === 0 ? humanMessage(i) : aiMessage(i);
}

/** A pair as one chat turn produces it. */
export function turnPair(i: number): [BaseMessage, BaseMessage] {
  return [humanMessage(2 * i), aiMessage(2 * i + 1)];
}

/** A small pool reused round-robin: encoding the same objects again costs the same as new ones. */
const POOL = 64;
const messages = Array.from({ length: POOL }, (_, i) => messageAt(i));
const payloads = messages.map((m) => encodeMessage(m));
/** LangChain's own stored form ({ type, data }), as its stores write it. */
const lcStored = mapChatMessagesToStoredMessages(messages);

export function messagesFrom(start: number, count: number): BaseMessage[] {
  return Array.from({ length: count }, (_, k) => messages[(start + k) % POOL] as BaseMessage);
}

/** Encoded payloads (our codec) for messages start..start+count-1. */
export function payloadsFrom(start: number, count: number): string[] {
  return Array.from({ length: count }, (_, k) => payloads[(start + k) % POOL] as string);
}

export function lcStoredFrom(start: number, count: number) {
  return Array.from({ length: count }, (_, k) => lcStored[(start + k) % POOL]!);
}

export function payloadSizes(): { human: number; ai: number; average: number; lcAverage: number } {
  const bytes = payloads.map((p) => Buffer.byteLength(p));
  const human = bytes.filter((_, i) => i % 2 === 0);
  const ai = bytes.filter((_, i) => i % 2 === 1);
  const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  const lc = lcStored.map((s) => Buffer.byteLength(JSON.stringify(s)));
  return { human: avg(human), ai: avg(ai), average: avg(bytes), lcAverage: avg(lc) };
}

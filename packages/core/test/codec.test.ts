import { AIMessage, AIMessageChunk, HumanMessage, RemoveMessage, ToolMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import {
  CODEC_VERSION,
  CorruptRecordError,
  InvalidMessageError,
  MessageTooLargeError,
  decodeMessage,
  encodeMessage,
} from "../src/index.js";

describe("codec", () => {
  it("writes the format version and leaves empty fields out", () => {
    const record = JSON.parse(encodeMessage(new HumanMessage("hi")));
    expect(record).toEqual({ v: CODEC_VERSION, type: "human", content: "hi" });
  });

  it("round-trips an AI message with every field", () => {
    const original = new AIMessage({
      content: [{ type: "text", text: "a" }],
      id: "1",
      tool_calls: [{ id: "c", name: "f", args: { x: 1 }, type: "tool_call" }],
      usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
      response_metadata: { output_version: "v1" },
    });
    const back = decodeMessage(encodeMessage(original), "s", 1) as AIMessage;
    expect(back).toBeInstanceOf(AIMessage);
    expect(back.content).toEqual(original.content);
    expect(back.tool_calls).toEqual(original.tool_calls);
    expect(back.usage_metadata).toEqual(original.usage_metadata);
    expect(back.response_metadata).toEqual({ output_version: "v1" });
  });

  it("restores chunks as chunks and derives their tool calls", () => {
    const chunk = new AIMessageChunk({
      content: "",
      tool_call_chunks: [{ name: "f", args: '{"a":1}', id: "c", index: 0, type: "tool_call_chunk" }],
    });
    const back = decodeMessage(encodeMessage(chunk), "s", 1) as AIMessageChunk;
    expect(back).toBeInstanceOf(AIMessageChunk);
    expect(back.tool_calls).toEqual([{ name: "f", args: { a: 1 }, id: "c", type: "tool_call" }]);
  });

  it("keeps a tool message's artifact and status", () => {
    const tool = new ToolMessage({ content: "r", tool_call_id: "c", artifact: [1, { a: null }], status: "error" });
    const back = decodeMessage(encodeMessage(tool), "s", 1) as ToolMessage;
    expect(back.artifact).toEqual([1, { a: null }]);
    expect(back.status).toBe("error");
  });

  it("refuses messages that are not chat messages", () => {
    expect(() => encodeMessage(new RemoveMessage({ id: "x" }))).toThrow(InvalidMessageError);
    expect(() => encodeMessage({} as never)).toThrow(InvalidMessageError);
  });

  it("names the path of what cannot be stored", () => {
    const error = (() => {
      try {
        encodeMessage(new AIMessage({ content: "x", additional_kwargs: { deep: [{ f: () => 1 }] } }), 3);
      } catch (e) {
        return e as InvalidMessageError;
      }
    })();
    expect(error?.index).toBe(3);
    expect(error?.path).toBe("$.additional_kwargs.deep[0].f");
  });

  it("enforces the size limit in UTF-8 bytes", () => {
    expect(() => encodeMessage(new HumanMessage("é".repeat(600)), 0, 1000)).toThrow(MessageTooLargeError);
    expect(() => encodeMessage(new HumanMessage("e".repeat(600)), 0, 1000)).not.toThrow();
  });

  it("reports unreadable records with the session and position", () => {
    for (const text of [
      "{oops",
      "null",
      '{"v":2,"type":"human","content":""}',
      '{"v":1,"type":"alien","content":""}',
    ]) {
      const error = (() => {
        try {
          decodeMessage(text, "sess", 7);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as CorruptRecordError).seq).toBe(7);
      expect((error as CorruptRecordError).message).toContain('"sess"');
    }
  });
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAICompatibleChatModel } from "../src/openai-model.js";

// A loopback stand-in for a chat-completions server: records what it was sent, answers fixed text.
const received: { auth?: string | undefined; url?: string | undefined; body?: unknown }[] = [];
const server = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
  request.on("end", () => {
    received.push({ auth: request.headers.authorization, url: request.url, body: JSON.parse(body) });
    const failing = request.headers.authorization === "Bearer bad";
    response.writeHead(failing ? 401 : 200, { "content-type": "application/json" });
    response.end(
      JSON.stringify(
        failing
          ? { error: { message: "bad key" } }
          : {
              id: "chatcmpl-1",
              model: "tiny-1",
              choices: [{ message: { role: "assistant", content: "Hello from the server." }, finish_reason: "stop" }],
              usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
            },
      ),
    );
  });
});
let baseUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("OpenAI-compatible model", () => {
  it("posts the conversation with roles and returns the reply with its metadata", async () => {
    const model = new OpenAICompatibleChatModel({ apiKey: "good", baseUrl, model: "tiny" });
    const reply = await model.invoke([new SystemMessage("be brief"), new HumanMessage("hi")]);

    expect(reply.text).toBe("Hello from the server.");
    expect(reply.id).toBe("chatcmpl-1");
    expect(reply.usage_metadata).toEqual({ input_tokens: 7, output_tokens: 5, total_tokens: 12 });
    expect(reply.response_metadata).toMatchObject({ model_name: "tiny-1", finish_reason: "stop" });
    const request = received.find((r) => r.auth === "Bearer good");
    expect(request?.url).toBe("/v1/chat/completions");
    expect(request?.body).toEqual({
      model: "tiny",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi" },
      ],
    });
  });

  it("fails loudly with the status when the server refuses", async () => {
    const model = new OpenAICompatibleChatModel({ apiKey: "bad", baseUrl, model: "tiny", maxRetries: 0 });
    await expect(model.invoke([new HumanMessage("hi")])).rejects.toThrow(/401/);
  });
});

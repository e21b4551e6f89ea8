import { MemoryChatHistoryStore } from "@chat-history/core";
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { createChat, say } from "../src/chain.js";
import { ScriptedChatModel, createChatModel, scriptedReply } from "../src/model.js";

const system = new SystemMessage("be brief");

describe("scripted model", () => {
  it("greets by the name it is given", () => {
    expect(scriptedReply([system, new HumanMessage("Hello, my name is Ada Lovelace!")])).toBe(
      "Nice to meet you, Ada Lovelace.",
    );
  });

  it("answers the name from earlier human messages only, newest first", () => {
    const history = [
      new HumanMessage("my name is Ada"),
      new AIMessage("Nice to meet you, Ada."),
      new AIMessage("my name is Robot"),
      new HumanMessage("actually, my name is Grace."),
      new AIMessage("Nice to meet you, Grace."),
    ];
    expect(scriptedReply([system, ...history, new HumanMessage("What is my name?")])).toBe("Your name is Grace.");
    expect(scriptedReply([system, ...history, new HumanMessage("what's my name")])).toBe("Your name is Grace.");
  });

  it("admits when no name was given", () => {
    expect(scriptedReply([system, new AIMessage("my name is Robot"), new HumanMessage("what is my name?")])).toBe(
      "I don't know your name yet.",
    );
  });

  it("counts the messages it was handed before the question", () => {
    const history = [new HumanMessage("a"), new AIMessage("b"), new HumanMessage("c"), new AIMessage("d")];
    expect(scriptedReply([system, ...history, new HumanMessage("How many messages?")])).toBe(
      "I was handed 4 earlier messages (2 from you) before this one.",
    );
  });

  it("echoes anything else and says it is scripted", () => {
    expect(scriptedReply([system, new HumanMessage("  the weather  ")])).toMatch(
      /^\(scripted model\) You said: "the weather"/,
    );
  });

  it("is a LangChain chat model", async () => {
    const reply = await new ScriptedChatModel({}).invoke([new HumanMessage("my name is Lin")]);
    expect(reply.text).toBe("Nice to meet you, Lin.");
  });

  it("stays offline unless OPENAI_API_KEY is set", () => {
    expect(createChatModel({}).model).toBeInstanceOf(ScriptedChatModel);
    const real = createChatModel({ OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_MODEL: "m" });
    expect(real.model).not.toBeInstanceOf(ScriptedChatModel);
    expect(real.label).toBe("m at http://127.0.0.1:9/v1");
  });
});

describe("chain", () => {
  it("remembers through the store and forgets what falls out of the window", async () => {
    const store = new MemoryChatHistoryStore();
    const wide = createChat({ store, model: new ScriptedChatModel({}), window: 40 });
    const narrow = createChat({ store, model: new ScriptedChatModel({}), window: 2 });

    expect(await say(wide, "s1", "my name is Ada")).toBe("Nice to meet you, Ada.");
    expect(await say(wide, "s1", "nice weather")).toMatch(/scripted/);
    expect(await say(wide, "s1", "what is my name?")).toBe("Your name is Ada.");
    expect(await say(narrow, "s1", "what is my name?")).toBe("I don't know your name yet.");
    expect(await say(narrow, "s1", "how many messages?")).toBe(
      "I was handed 2 earlier messages (1 from you) before this one.",
    );
    expect(await store.count({ sessionId: "s1" })).toBe(10);
    await store.close();
  });

  it("keeps users apart", async () => {
    const store = new MemoryChatHistoryStore();
    const ada = createChat({ store, model: new ScriptedChatModel({}), userId: "ada", window: 40 });
    const bob = createChat({ store, model: new ScriptedChatModel({}), userId: "bob", window: 40 });
    await say(ada, "shared", "my name is Ada");
    expect(await say(bob, "shared", "what is my name?")).toBe("I don't know your name yet.");
    expect(await say(ada, "shared", "what is my name?")).toBe("Your name is Ada.");
    await store.close();
  });
});

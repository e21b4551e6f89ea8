import {
  InvalidMessageError,
  InvalidOptionError,
  InvalidSessionIdError,
  InvalidUserIdError,
  MessageTooLargeError,
} from "@chat-history/core";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { numbered } from "../fixtures.js";
import { type Harness, newSessionId, onlyIf } from "../harness.js";
import type { ConformantStore } from "../types.js";

const BAD_IDS: [string, unknown][] = [
  ["empty", ""],
  ["too long", "x".repeat(513)],
  ["NUL", "a\u0000b"],
  ["lone surrogate", "a\ud800"],
  ["not a string", 42],
];

const UNSAFE_NAMES = ["bad name", "x;drop table y", "../escape", 'a"b', "", "{tag}", "a*", "x".repeat(200), "a\u0000"];

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
}

/** Bad input gets a typed error and nothing is written. */
export function badInputSuite(h: Harness<ConformantStore>): void {
  describe("bad input", () => {
    for (const [label, id] of BAD_IDS) {
      it(`rejects a session id that is ${label}`, async (t) => {
        const { store } = await h.open(t);
        expect(() => store.history(id as string)).toThrow(InvalidSessionIdError);
        await expect(store.append({ sessionId: id as string }, ['{"v":1}'])).rejects.toThrow(InvalidSessionIdError);
        await expect(store.read({ sessionId: id as string })).rejects.toThrow(InvalidSessionIdError);
        expect(() => store.history("ok", { userId: id as string })).toThrow(InvalidUserIdError);
        expect((await store.listSessions()).sessions).toEqual([]);
      });
    }

    const unstorable: [string, () => AIMessage | HumanMessage][] = [
      ["a circular object", () => new AIMessage({ content: "x", additional_kwargs: { loop: circular() } })],
      ["a BigInt", () => new AIMessage({ content: "x", response_metadata: { tokens: 10n } })],
      ["a function", () => new HumanMessage({ content: [{ type: "text", text: "x", fn: () => 1 }] as never })],
      ["a Date", () => new HumanMessage({ content: "x", additional_kwargs: { at: new Date() } })],
      ["NaN", () => new AIMessage({ content: "x", response_metadata: { score: Number.NaN } })],
      ["content that is not text or blocks", () => new HumanMessage({ content: { text: "x" } as never })],
    ];
    for (const [label, make] of unstorable) {
      it(`rejects a batch holding ${label} and writes none of it`, async (t) => {
        const { store, inspector } = await h.open(t);
        const history = store.history(newSessionId());
        await history.addMessages(numbered(1, "kept"));
        await expect(history.addMessages([...numbered(2, "lost"), make()])).rejects.toThrow(InvalidMessageError);
        expect(await history.count()).toBe(1);
        if (inspector) expect(await inspector.countRecords(history.key)).toBe(1);
      });
    }

    it("rejects a message over the size limit and writes none of the batch", async (t) => {
      const { store } = await h.open(t);
      const history = store.history(newSessionId());
      const huge = new HumanMessage("x".repeat(8 * 1024 * 1024 + 1));
      const error = await history.addMessages([new HumanMessage("small"), huge]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MessageTooLargeError);
      expect((error as MessageTooLargeError).limit).toBeLessThanOrEqual(8 * 1024 * 1024);
      expect(await history.count()).toBe(0);
    });

    it("rejects out-of-range windows, caps, TTLs and page sizes", async (t) => {
      const { store } = await h.open(t);
      for (const bad of [0, -1, 1.5, Number.NaN, "10"]) {
        expect(() => store.history("s", { window: bad as number })).toThrow(InvalidOptionError);
        expect(() => store.history("s", { maxMessages: bad as number })).toThrow(InvalidOptionError);
        expect(() => store.history("s", { ttlMs: bad as number })).toThrow(InvalidOptionError);
        await expect(store.listSessions({ limit: bad as number })).rejects.toThrow(InvalidOptionError);
        await expect(store.read({ sessionId: "s" }, { last: bad as number })).rejects.toThrow(InvalidOptionError);
      }
      await expect(store.listSessions({ cursor: "not-a-cursor" })).rejects.toThrow(InvalidOptionError);
      await expect(store.append({ sessionId: "s" }, [])).rejects.toThrow(InvalidOptionError);
      expect(await store.count({ sessionId: "s" })).toBe(0);
    });

    const named = h.options.createStoreNamed;
    onlyIf(named !== undefined)("refuses unsafe table, prefix or collection names", async (t) => {
      const { ctx } = await h.open(t);
      for (const name of UNSAFE_NAMES) {
        const attempt = async () => {
          const store = await (named as NonNullable<typeof named>)(name, ctx);
          try {
            await store.history("s").addMessage(new HumanMessage("should not be written"));
          } finally {
            await store.close();
          }
        };
        await expect(attempt(), `name ${JSON.stringify(name)}`).rejects.toThrow(InvalidOptionError);
      }
    });
  });
}

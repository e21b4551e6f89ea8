import {
  type BaseChatHistoryStore,
  InvalidSessionIdError,
  InvalidUserIdError,
  LIMITS,
  MessageTooLargeError,
  encodeMessage,
} from "@chat-history/core";
import { HumanMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { type BackendSpec, backendSpecs, openStore } from "../../src/backends.js";
import { destroyAll, freshSpec } from "../../src/fuzz/namespace.js";
import { fingerprints } from "@chat-history/conformance";
import { services } from "../../src/services.js";

const MAX_ID = LIMITS.maxIdLength;
const MAX_BYTES = LIMITS.maxMessageBytes;

/** Ids of exactly the limit in UTF-16 code units, from 1 to 3 UTF-8 bytes per unit. */
const IDS_AT_LIMIT: Array<[string, string]> = [
  ["ASCII", "a".repeat(MAX_ID)],
  ["emoji (surrogate pairs)", "😀".repeat(MAX_ID / 2)],
  // Distinct CJK characters: 3 bytes each and nothing a compressor could shrink.
  [
    "3-byte characters",
    Array.from({ length: MAX_ID }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join(""),
  ],
  ["path and key syntax", "../{a}:*?%\\".repeat(60).slice(0, MAX_ID)],
];

async function withStore(
  name: BackendSpec["name"],
  body: (store: BaseChatHistoryStore) => Promise<void>,
): Promise<void> {
  const spec = freshSpec(name, "limits");
  const store = await openStore(spec);
  try {
    await body(store);
  } finally {
    await store.close();
    await destroyAll(spec);
  }
}

/** A human message whose encoded form is exactly `bytes` UTF-8 bytes, using `unit` (1 or 3 bytes) for most of it. */
function messageOfBytes(bytes: number, unit: "x" | "€"): HumanMessage {
  const overhead = Buffer.byteLength(encodeMessage(new HumanMessage("")), "utf8");
  const room = bytes - overhead;
  const width = Buffer.byteLength(unit, "utf8");
  const content = unit.repeat(Math.floor(room / width)) + "x".repeat(room % width);
  const message = new HumanMessage(content);
  expect(Buffer.byteLength(encodeMessage(message, 0, Number.MAX_SAFE_INTEGER), "utf8")).toBe(bytes);
  return message;
}

describe.each(backendSpecs(services(), "names"))("documented limits on $name", ({ name, skip }) => {
  const title = (what: string) => (skip ? `${what} (skipped: ${skip})` : what);

  it.skipIf(skip !== "")(title(`session and user ids of exactly ${MAX_ID} characters work`), async () => {
    await withStore(name, async (store) => {
      for (const [label, id] of IDS_AT_LIMIT) {
        for (const userId of [undefined, id]) {
          const h = store.history(id, { userId });
          const messages = [new HumanMessage(`${label} / ${userId === undefined ? "no user" : "same user id"}`)];
          await h.addMessages(messages);
          expect(fingerprints(await h.getMessages()), label).toEqual(fingerprints(messages));
          expect(await h.count()).toBe(1);
          const info = await h.info();
          expect(info?.sessionId).toBe(id);
          expect(info?.userId).toBe(userId);
          const listed = await store.listSessions({ userId, limit: 100 });
          expect(listed.sessions.filter((s) => s.sessionId === id)).toHaveLength(1);
          expect(await h.delete()).toBe(true);
        }
      }
    });
  });

  it.skipIf(skip !== "")(
    title(`ids of ${MAX_ID + 1} characters are refused with a typed error naming the limit`),
    async () => {
      await withStore(name, async (store) => {
        const over = "a".repeat(MAX_ID + 1);
        const overEmoji = `${"😀".repeat(MAX_ID / 2)}b`;
        for (const id of [over, overEmoji]) {
          expect(() => store.history(id)).toThrow(InvalidSessionIdError);
          expect(() => store.history(id)).toThrow(`is ${MAX_ID + 1} characters; the limit is ${MAX_ID}`);
          expect(() => store.history("s", { userId: id })).toThrow(InvalidUserIdError);
          await expect(store.append({ sessionId: id }, ['{"v":1,"type":"human","content":"x"}'])).rejects.toThrow(
            InvalidSessionIdError,
          );
          await expect(
            store.append({ sessionId: "s", userId: id }, ['{"v":1,"type":"human","content":"x"}']),
          ).rejects.toThrow(InvalidUserIdError);
          await expect(store.count({ sessionId: id })).rejects.toThrow(InvalidSessionIdError);
          await expect(store.listSessions({ userId: id })).rejects.toThrow(InvalidUserIdError);
        }
        // Nothing was written under the truncated id either.
        expect(await store.count({ sessionId: over.slice(0, MAX_ID) })).toBe(0);
        expect((await store.listSessions()).sessions).toEqual([]);
      });
    },
  );

  it.skipIf(skip !== "")(
    title("a message of exactly 8 MiB encoded is stored; one byte more is refused and writes nothing"),
    async () => {
      await withStore(name, async (store) => {
        const h = store.history("big-message");
        for (const unit of ["x", "€"] as const) {
          await h.clear();
          const atLimit = messageOfBytes(MAX_BYTES, unit);
          await h.addMessages([atLimit]);
          const [back] = await h.getMessages();
          expect(back?.content === atLimit.content, `${unit}: content came back different`).toBe(true);
          expect(await h.count()).toBe(1);

          const overLimit = messageOfBytes(MAX_BYTES + 1, unit);
          const error = await h.addMessages([new HumanMessage("small"), overLimit]).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(MessageTooLargeError);
          expect((error as MessageTooLargeError).bytes).toBe(MAX_BYTES + 1);
          expect((error as MessageTooLargeError).limit).toBe(MAX_BYTES);
          expect((error as Error).message).toContain(
            `message 1 of the batch is ${MAX_BYTES + 1} bytes encoded; the limit is ${MAX_BYTES}`,
          );
          expect(await h.count()).toBe(1);
        }
      });
    },
  );
});

import { type ReadQuery, type SessionKey, type StoredRecord, selectRecords } from "@chat-history/core";
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toUserKey } from "../src/keys.js";
import { SqliteChatHistoryStore } from "../src/index.js";
import { INSERT_CHUNK } from "../src/statements.js";
import { uniqueName, useTempDir } from "./support/temp-dir.js";

// Reads derive each record's seq from the session row instead of reading it; these tests hold the
// result against the rows actually in the messages table, read with their seqs.
const file = useTempDir();

function openStore(): SqliteChatHistoryStore {
  return new SqliteChatHistoryStore({ path: file(`${uniqueName("reads")}.db`) });
}

function storedRows(store: SqliteChatHistoryStore, key: SessionKey): StoredRecord[] {
  return store.database
    .prepare("SELECT seq, payload FROM chat_history_messages WHERE user_key = ? AND session_id = ? ORDER BY seq")
    .all(toUserKey(key.userId), key.sessionId) as StoredRecord[];
}

/** No session row stands for no records: (0 - 0, 0] is empty. */
function sessionRow(store: SqliteChatHistoryStore, key: SessionKey): { last_seq: number; message_count: number } {
  const row = store.database
    .prepare("SELECT last_seq, message_count FROM chat_history_sessions WHERE user_key = ? AND session_id = ?")
    .get(toUserKey(key.userId), key.sessionId) as { last_seq: number; message_count: number } | undefined;
  return row ?? { last_seq: 0, message_count: 0 };
}

const QUERIES: ReadQuery[] = [
  {},
  { last: 1 },
  { last: 3 },
  { last: 40 },
  { before: 6, limit: 2 },
  { before: 30 },
  { after: 2, limit: 3 },
  { after: 5 },
  { after: 1, before: 9, limit: 4 },
  { limit: 2 },
];

/** Every query answered by the store equals core's reference applied to the stored rows. */
async function expectReadsMatchRows(store: SqliteChatHistoryStore, key: SessionKey): Promise<void> {
  const rows = storedRows(store, key);
  for (const query of QUERIES)
    expect(await store.read(key, query), JSON.stringify(query)).toEqual(selectRecords(rows, query));
}

describe("reads with derived seqs", () => {
  it("keeps every payload at its seq when a batch spans several multi-row INSERT chunks", async () => {
    const store = openStore();
    const key = { sessionId: "chunks", userId: "u" };
    let next = 0;
    for (const size of [INSERT_CHUNK - 1, INSERT_CHUNK, INSERT_CHUNK + 1, 3 * INSERT_CHUNK + 5, 1]) {
      const payloads = Array.from({ length: size }, () => `m${++next}`);
      expect(await store.append(key, payloads)).toEqual({ firstSeq: next - size + 1, lastSeq: next });
    }
    const rows = storedRows(store, key);
    expect(rows).toEqual(Array.from({ length: next }, (_, i) => ({ seq: i + 1, payload: `m${i + 1}` })));
    expect(await store.read(key)).toEqual(rows);
    await store.close();
  });

  // Appends of any size, caps and clears in any order: the rows stay (last_seq - count, last_seq],
  // the invariant the derivation rests on, and every query form reads what the rows hold.
  it("matches the stored rows after any mix of appends, caps and clears", async () => {
    const store = openStore();
    const op = fc.oneof(
      fc.record({
        append: fc.integer({ min: 1, max: 2 * INSERT_CHUNK + 3 }),
        cap: fc.option(fc.integer({ min: 1, max: 25 })),
      }),
      fc.constant({ clear: true as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const key = { sessionId: uniqueName("mix") };
        let next = 0;
        for (const step of ops) {
          if ("clear" in step) await store.clear(key);
          else {
            const payloads = Array.from({ length: step.append }, () => `p${++next}`);
            await store.append(key, payloads, { maxMessages: step.cap ?? undefined });
          }
          const { last_seq, message_count } = sessionRow(store, key);
          const seqs = storedRows(store, key).map((r) => r.seq);
          expect(seqs).toEqual(Array.from({ length: message_count }, (_, i) => last_seq - message_count + 1 + i));
        }
        await expectReadsMatchRows(store, key);
        await store.deleteSession(key);
      }),
      { numRuns: 60 },
    );
    await store.close();
  });

  it("reads the seqs from the rows when the tables were edited by hand and no longer match", async () => {
    const store = openStore();
    const key = { sessionId: "edited" };
    await store.append(
      key,
      Array.from({ length: 10 }, (_, i) => `m${i + 1}`),
    );
    const remove = store.database.prepare("DELETE FROM chat_history_messages WHERE session_id = ? AND seq = ?");
    remove.run("edited", 4);
    remove.run("edited", 9);
    await expectReadsMatchRows(store, key);
    expect(await store.read(key, { last: 3 })).toEqual([
      { seq: 7, payload: "m7" },
      { seq: 8, payload: "m8" },
      { seq: 10, payload: "m10" },
    ]);
    await store.close();
  });

  it("returns numbers on a connection that reads integers as BigInt", async () => {
    const db = new Database(file(`${uniqueName("bigint")}.db`));
    db.defaultSafeIntegers(true);
    const store = new SqliteChatHistoryStore({ database: db });
    const key = { sessionId: "bigint" };
    await store.append(key, ["a", "b"], { ttlMs: 60_000 });
    expect(await store.append(key, ["c"])).toEqual({ firstSeq: 3, lastSeq: 3 });
    expect(await store.read(key, { last: 2 })).toEqual([
      { seq: 2, payload: "b" },
      { seq: 3, payload: "c" },
    ]);
    const info = await store.getSession(key);
    expect(typeof info?.messageCount).toBe("number");
    expect(typeof info?.expiresAt).toBe("number");
    await store.close();
    db.close();
  });
});

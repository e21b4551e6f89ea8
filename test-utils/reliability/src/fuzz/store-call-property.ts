import {
  type BaseChatHistoryStore,
  type ReadQuery,
  type SessionKey,
  type StoredRecord,
  decodeSessionCursor,
  encodeMessage,
  isAfterCursor,
  selectRecords,
} from "@chat-history/core";
import fc from "fast-check";
import { expect } from "vitest";
import {
  hostileCount,
  hostileCursor,
  hostileId,
  hostileListCursor,
  hostileString,
  hostileTtl,
  isValidId,
  notAString,
  validMessage,
} from "./arbitraries.js";
import { type Tally, attempt, show } from "./outcome.js";
import { isPositiveInt, isValidKey, isValidReadQuery, keyBytes } from "./rules.js";

/** One generated round of raw store calls on one key. */
export interface StoreCallInput {
  key: unknown;
  payloads: string[];
  append: { ttlMs?: unknown; maxMessages?: unknown };
  reads: Array<{ last?: unknown; before?: unknown; after?: unknown; limit?: unknown }>;
  list: { userId?: unknown; limit?: unknown; cursor?: unknown };
  end: "clear" | "delete";
}

export function storeCallInput(extra: readonly string[]): fc.Arbitrary<StoreCallInput> {
  const key = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({ sessionId: hostileId(extra), userId: hostileId(extra) }, { requiredKeys: ["sessionId"] }),
    },
    { weight: 1, arbitrary: notAString },
    {
      weight: 1,
      // An own "__proto__" property, as JSON.parse makes it: must not smuggle in a user id.
      arbitrary: hostileString({ extra }).map(
        (userId) => JSON.parse(`{"sessionId":"p","__proto__":{"userId":${JSON.stringify(userId)}}}`) as unknown,
      ),
    },
  );
  const query = fc.record(
    { last: hostileCount, before: hostileCursor, after: hostileCursor, limit: hostileCount },
    { requiredKeys: [] },
  );
  return fc.record({
    key,
    payloads: fc
      .array(validMessage(extra), { minLength: 1, maxLength: 4 })
      .map((ms) => ms.map((m, i) => encodeMessage(m, i))),
    append: fc.record({ ttlMs: hostileTtl, maxMessages: hostileCount }, { requiredKeys: [] }),
    reads: fc.array(query, { minLength: 1, maxLength: 4 }),
    list: fc.record(
      { userId: hostileId(extra), limit: hostileCount, cursor: hostileListCursor(extra) },
      { requiredKeys: [] },
    ),
    end: fc.constantFrom("clear" as const, "delete" as const),
  });
}

/**
 * Raw store calls with hostile keys, options, queries and cursors: typed refusal exactly when the
 * input breaks a documented rule, and otherwise answers that match a model of the session.
 */
export async function playStoreCalls(store: BaseChatHistoryStore, input: StoreCallInput, tally: Tally): Promise<void> {
  const key = input.key as SessionKey;
  const keyValid = isValidKey(input.key);
  const optionsValid =
    (input.append.ttlMs === undefined || isPositiveInt(input.append.ttlMs)) &&
    (input.append.maxMessages === undefined || isPositiveInt(input.append.maxMessages));

  const appended = await attempt(tally, "append()", () => store.append(key, input.payloads, input.append as never));
  if (!appended.ok) {
    if (keyValid && optionsValid) {
      // Only a key too long for the backend's index may be refused.
      expect(appended.error.code, appended.error.message).toBe("INVALID_SESSION_ID");
      expect(keyBytes(key.sessionId, key.userId)).toBeGreaterThan(2000);
    }
    const calls: Array<() => Promise<unknown>> = [
      () => store.count(key),
      () => store.read(key),
      () => store.getSession(key),
    ];
    for (const call of calls) {
      const r = await attempt(tally, "call on a refused key", call);
      if (r.ok)
        expect(r.value === 0 || r.value === undefined || (Array.isArray(r.value) && r.value.length === 0)).toBe(true);
    }
    return;
  }
  expect(keyValid, `append accepted key ${show(input.key)}`).toBe(true);
  expect(optionsValid, `append accepted options ${show(input.append)}`).toBe(true);

  // Every round deletes its session, so the key starts empty.
  const { firstSeq, lastSeq } = appended.value;
  expect(lastSeq - firstSeq + 1).toBe(input.payloads.length);
  const records: StoredRecord[] = input.payloads.map((payload, i) => ({ seq: firstSeq + i, payload }));
  const cap = input.append.maxMessages as number | undefined;
  const kept = cap === undefined ? records : records.slice(-cap);
  const all = await store.read(key);
  expect(all).toEqual(kept);

  for (const q of input.reads) {
    const query = q as ReadQuery;
    const got = await attempt(tally, "read()", () => store.read(key, query));
    expect(got.ok, `read ${show(q)}: ${got.ok ? "accepted" : got.error.message}`).toBe(isValidReadQuery(query));
    if (got.ok) expect(got.value).toEqual(selectRecords(all, query));
  }

  const counted = await attempt(tally, "count()", () => store.count(key));
  expect(counted.ok && counted.value).toBe(all.length);
  const info = await attempt(tally, "getSession()", () => store.getSession(key));
  expect(info.ok && info.value?.sessionId).toBe(key.sessionId);
  expect(info.ok && info.value?.userId).toBe(key.userId);

  await checkListing(store, input.list, tally);

  if (input.end === "clear") {
    await attempt(tally, "clear()", () => store.clear(key));
    expect(await store.count(key)).toBe(0);
    expect((await store.getSession(key))?.messageCount).toBe(0);
  }
  const removed = await attempt(tally, "deleteSession()", () => store.deleteSession(key));
  expect(removed.ok && removed.value).toBe(true);
  expect(await store.read(key)).toEqual([]);
}

/** A listing with hostile user, limit and cursor stays inside that user's scope and after the cursor. */
async function checkListing(store: BaseChatHistoryStore, list: StoreCallInput["list"], tally: Tally): Promise<void> {
  const got = await attempt(tally, "listSessions()", () => store.listSessions(list as never));
  const shapeValid =
    (list.userId === undefined || isValidId(list.userId)) &&
    (list.limit === undefined || isPositiveInt(list.limit, 10_000)) &&
    (list.cursor === undefined || (typeof list.cursor === "string" && list.cursor.length > 0));
  if (!got.ok) {
    // A well-shaped query is only refused for a cursor that does not decode.
    if (shapeValid) expect(got.error.code, got.error.message).toBe("INVALID_OPTION");
    return;
  }
  expect(shapeValid, `listSessions accepted ${show(list)}`).toBe(true);
  const after = list.cursor === undefined ? undefined : decodeSessionCursor(list.cursor as string);
  expect(got.value.sessions.length).toBeLessThanOrEqual((list.limit as number | undefined) ?? 50);
  for (const s of got.value.sessions) {
    expect(s.userId).toBe(list.userId);
    if (after)
      expect(isAfterCursor(after, s.updatedAt, s.sessionId), `listed ${show(s)} past cursor ${show(after)}`).toBe(true);
  }
}

import type { BaseChatHistoryStore } from "@chat-history/core";
import fc from "fast-check";
import { expect } from "vitest";
import type { BackendSpec } from "../backends.js";
import { hostileCount, hostileString, hostileTtl } from "./arbitraries.js";
import { type Tally, attempt, show } from "./outcome.js";
import { isPositiveInt } from "./rules.js";

/** Store options as a caller might pass them: names of tables, schemas, prefixes, collections, and numbers. */
export interface OptionInput {
  name: unknown;
  second: unknown;
  ttlMs: unknown;
  maxMessages: unknown;
  maxMessageBytes: unknown;
}

export function optionInput(extra: readonly string[]): fc.Arbitrary<OptionInput> {
  const name = fc.oneof(
    hostileString({ extra }),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,70}$/),
    fc.stringMatching(/^[A-Za-z0-9_.:{}*-]{0,70}$/),
    fc.constantFrom<unknown>(undefined, null, 5, ["t"], { $gt: "" }),
  );
  const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
  return fc.record({
    name,
    second: name,
    ttlMs: optional(hostileTtl),
    maxMessages: optional(hostileCount),
    maxMessageBytes: optional(hostileCount),
  });
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const KEY_PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
const DATABASE = /^[A-Za-z0-9_-]{1,63}$/;

const optionalMatches = (re: RegExp, value: unknown, maxLength = Number.POSITIVE_INFINITY) =>
  value === undefined || (typeof value === "string" && re.test(value) && value.length <= maxLength);

interface Plan {
  valid: boolean;
  open: () => Promise<BaseChatHistoryStore>;
}

/** How each backend takes the two names, and which values its documented rules accept. */
async function plan(spec: BackendSpec, input: OptionInput): Promise<Plan> {
  const base = { ttlMs: input.ttlMs, maxMessages: input.maxMessages, maxMessageBytes: input.maxMessageBytes } as never;
  switch (spec.name) {
    case "file": {
      const { FileChatHistoryStore } = await import("@chat-history/file");
      return {
        valid: isPositiveInt(input.name) || input.name === undefined,
        open: async () =>
          new FileChatHistoryStore({
            ...(base as object),
            directory: spec.location,
            lockTimeoutMs: input.name as never,
          }),
      };
    }
    case "sqlite": {
      const { SqliteChatHistoryStore } = await import("@chat-history/sqlite");
      return {
        valid: optionalMatches(IDENTIFIER, input.name),
        // In memory: a valid name creates its tables at once, and they must not land in the namespace's file.
        open: async () =>
          new SqliteChatHistoryStore({ ...(base as object), path: ":memory:", tableName: input.name as never }),
      };
    }
    case "postgres": {
      const { PostgresChatHistoryStore } = await import("@chat-history/postgres");
      return {
        valid:
          optionalMatches(IDENTIFIER, input.name, 63 - "_sessions".length) && optionalMatches(IDENTIFIER, input.second),
        open: async () =>
          new PostgresChatHistoryStore({
            ...(base as object),
            connectionString: spec.location,
            tableName: input.name as never,
            schema: input.second as never,
          }),
      };
    }
    case "redis": {
      const { RedisChatHistoryStore } = await import("@chat-history/redis");
      return {
        valid: optionalMatches(KEY_PREFIX, input.name),
        open: async () =>
          new RedisChatHistoryStore({
            ...(base as object),
            url: spec.location,
            prefix: input.name as never,
            redisOptions: { lazyConnect: true },
          }),
      };
    }
    case "mongodb": {
      const { MongoDBChatHistoryStore } = await import("@chat-history/mongodb");
      return {
        valid: optionalMatches(IDENTIFIER, input.name) && optionalMatches(DATABASE, input.second),
        open: async () =>
          new MongoDBChatHistoryStore({
            ...(base as object),
            uri: spec.location,
            collectionName: input.name as never,
            dbName: input.second as never,
          }),
      };
    }
  }
}

/**
 * Constructing a store with hostile options either throws InvalidOptionError at once, exactly when
 * a documented rule is broken, or gives a store. Only the in-memory SQLite store is used after
 * that (a round trip); the others are closed untouched, so no valid-but-foreign name gets written.
 */
export async function playOptions(spec: BackendSpec, input: OptionInput, tally: Tally): Promise<void> {
  const { valid: namesValid, open } = await plan(spec, input);
  const valid =
    namesValid &&
    (input.ttlMs === undefined || isPositiveInt(input.ttlMs)) &&
    (input.maxMessages === undefined || isPositiveInt(input.maxMessages)) &&
    (input.maxMessageBytes === undefined || isPositiveInt(input.maxMessageBytes));
  // null is outside the option types: taking it as "not set" and refusing it are both safe.
  const either = input.name === null || input.second === null;
  const opened = await attempt(tally, "constructor", open);
  if (!opened.ok) {
    if (!either) expect(valid, `refused valid options ${show(input)}: ${opened.error.message}`).toBe(false);
    expect(opened.error.code).toBe("INVALID_OPTION");
    return;
  }
  const store = opened.value;
  try {
    if (!either) expect(valid, `accepted invalid options ${show(input)}`).toBe(true);
    if (spec.name === "sqlite") {
      const key = { sessionId: "s" };
      await store.append(key, ['{"v":1,"type":"human","content":"x"}']);
      expect(await store.read(key)).toEqual([{ seq: 1, payload: '{"v":1,"type":"human","content":"x"}' }]);
    }
  } finally {
    await store.close();
  }
}

import { LIMITS } from "@chat-history/core";
import {
  AIMessage,
  AIMessageChunk,
  type BaseMessage,
  ChatMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from "@langchain/core/messages";
import fc from "fast-check";

/**
 * Arbitraries for hostile input: strings built to break paths, key syntax, query languages and
 * encodings, and the messages and options that carry them.
 */

/** Pieces that have broken storage layers before: path traversal, glob and hash-tag syntax, operators, SQL, escapes. */
export const NASTY_FRAGMENTS: readonly string[] = [
  "/",
  "..",
  "../",
  "..\\..\\",
  "/etc/passwd",
  "{}",
  "{",
  "}",
  "a}{b",
  "{u:}",
  "%",
  "%00",
  "%2e%2e%2f",
  "*",
  "?",
  "[a-z]",
  "\\",
  "'",
  '"',
  "`",
  '{"$gt": ""}',
  '{"$ne": null}',
  "$where",
  "$",
  "'; DROP TABLE x; --",
  '"; DROP TABLE x; --',
  "' OR '1'='1",
  "\u0000",
  "\ud800",
  "\udfff",
  "\u202e",
  "\ufeff",
  "\u2028",
  "__proto__",
  "constructor",
  "null",
  "undefined",
  "NaN",
  ":",
  "::",
  "\t",
  "\r\n",
  " ",
  "~",
  ".",
  "CON",
  "e\u0301",
  "😀",
  "👩‍👩‍👧",
  "ß",
  "İ",
  "",
];

/** Fragments aimed at one run's own canaries, so an injection that worked would hit something we check. */
export function targetedFragments(targets: readonly string[]): string[] {
  return targets.flatMap((t) => [
    t,
    `'; DROP TABLE "${t}"; --`,
    `"; DELETE FROM ${t}; --`,
    `${t}*`,
    `../${t}`,
    `}${t}{`,
  ]);
}

export interface HostileStringOptions {
  /** Extra fragments, e.g. from targetedFragments(). */
  extra?: readonly string[];
}

/** Any string, biased towards the nasty: fragments, glued fragments, full-range code units, and lengths around the id limit. */
export function hostileString(options: HostileStringOptions = {}): fc.Arbitrary<string> {
  const fragments = [...NASTY_FRAGMENTS, ...(options.extra ?? [])];
  const fragment = fc.constantFrom(...fragments);
  const max = LIMITS.maxIdLength;
  return fc.oneof(
    { weight: 4, arbitrary: fragment },
    {
      weight: 6,
      arbitrary: fc
        .array(fc.oneof(fragment, fc.string({ unit: "binary", maxLength: 6 }), fc.string({ maxLength: 6 })), {
          minLength: 1,
          maxLength: 8,
        })
        .map((parts) => parts.join("")),
    },
    { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
    // Around the documented limit, where off-by-one bugs live.
    {
      weight: 2,
      arbitrary: fc
        .tuple(fragment, fc.integer({ min: max - 2, max: max + 2 }))
        .map(([f, n]) => (f.length === 0 ? "x" : f).repeat(n).slice(0, n)),
    },
    { weight: 1, arbitrary: fc.integer({ min: max + 1, max: 20_000 }).map((n) => "y".repeat(n)) },
  );
}

/** The rule core documents for session and user ids; the fuzz asserts stores follow it. */
export function isValidId(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length > 0 &&
    value.length <= LIMITS.maxIdLength &&
    !value.includes("\u0000") &&
    value.isWellFormed()
  );
}

/** Not strings at all: what a JavaScript caller can still pass by mistake or on purpose. */
export const notAString: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  undefined,
  null,
  0,
  42,
  Number.NaN,
  true,
  ["a"],
  { $gt: "" },
  { toString: () => "s" },
  Symbol("s"),
  10n,
);

/** A session id or user id: mostly hostile strings, now and then not a string at all. */
export function hostileId(extra: readonly string[] = []): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 12, arbitrary: hostileString({ extra }) }, { weight: 1, arbitrary: notAString });
}

/** Positive integers and everything that is almost one: windows, caps, TTLs, page limits. */
export const hostileCount: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 50 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      0,
      -1,
      1.5,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      2 ** 31,
      2 ** 53,
      1e21,
      LIMITS.maxPageSize,
      LIMITS.maxPageSize + 1,
      LIMITS.maxPageSize * 100,
      LIMITS.maxPageSize * 100 + 1,
      "10",
      null,
      true,
      [3],
      { valueOf: () => 3 },
      10n,
    ),
  },
  { weight: 1, arbitrary: fc.double() },
);

/**
 * TTLs that keep a session alive for the whole check when they are valid (at least a minute),
 * up to the largest a caller may pass, plus the invalid ones.
 */
export const hostileTtl: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 60_000, max: 10 * 365 * 24 * 3600_000 }),
  fc.constantFrom<unknown>(Number.MAX_SAFE_INTEGER, 8.64e15, 2 ** 31, 2 ** 32 + 1),
  hostileCount.filter((v) => !(typeof v === "number" && Number.isInteger(v) && v > 0 && v < 60_000)),
);

/** Sequence-number cursors: valid ones near a small session, and junk. */
export const hostileCursor: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 0, max: 30 }),
  fc.constantFrom<unknown>(-1, 0.5, Number.NaN, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, "3", null, {
    $gt: 0,
  }),
);

/** Session-listing cursors: junk, base64 of junk, and well-formed cursors whose session id is hostile. */
export function hostileListCursor(extra: readonly string[] = []): fc.Arbitrary<unknown> {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? "", "utf8").toString("base64url");
  return fc.oneof(
    hostileString({ extra }),
    fc.constantFrom<unknown>(
      "",
      5,
      null,
      { $gt: "" },
      b64({ $gt: "" }),
      b64([1]),
      b64(["x", "y"]),
      b64(null),
      b64([Number.MAX_SAFE_INTEGER, ""]),
    ),
    fc
      .tuple(fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.constantFrom(-1, 1e300)), hostileString({ extra }))
      .map(([at, id]) => b64([at, id])),
  );
}

// ---------------------------------------------------------------------------------------------
// Messages

/** JSON values with full-range strings (lone surrogates, NUL, control characters) and hostile keys. */
function jsonish(extra: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    fc.constantFrom(...NASTY_FRAGMENTS, ...extra, "lc", "type", "id"),
    fc.string({ unit: "binary", maxLength: 8 }),
  );
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      hostileString({ extra }),
      fc.integer(),
      fc.double({ noDefaultInfinity: true, noNaN: true }).filter((n) => !Object.is(n, -0)),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(key, tie("value"), { maxKeys: 4 }),
    ),
  })).value;
}

const jsonObject = (extra: readonly string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...NASTY_FRAGMENTS, ...extra), fc.string({ maxLength: 8 })), jsonish(extra), {
    maxKeys: 4,
  });

function contentBlocks(extra: readonly string[]): fc.Arbitrary<unknown[]> {
  const text = hostileString({ extra });
  const block = fc.oneof(
    text.map((t) => ({ type: "text", text: t })),
    text.map((url) => ({ type: "image_url", image_url: { url, detail: "low" } })),
    fc.tuple(hostileString({ extra }), jsonObject(extra)).map(([type, rest]) => ({ ...rest, type })),
  );
  return fc.array(block, { minLength: 1, maxLength: 4 });
}

function content(extra: readonly string[]): fc.Arbitrary<string | unknown[]> {
  return fc.oneof({ weight: 3, arbitrary: hostileString({ extra }) }, { weight: 1, arbitrary: contentBlocks(extra) });
}

/** A message the codec must store and give back exactly. */
export function validMessage(extra: readonly string[] = []): fc.Arbitrary<BaseMessage> {
  const c = content(extra);
  const s = hostileString({ extra });
  const obj = jsonObject(extra);
  return fc.oneof(
    fc
      .record({ content: c, id: s, name: s, additional_kwargs: obj }, { requiredKeys: ["content"] })
      .map((f) => new HumanMessage(f as never)),
    fc
      .record(
        {
          content: c,
          id: s,
          additional_kwargs: obj,
          response_metadata: obj,
          tool_calls: fc.array(
            fc.record({ id: s, name: s, args: obj }).map((call) => ({ ...call, type: "tool_call" as const })),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: ["content"] },
      )
      .map((f) => new AIMessage(f as never)),
    fc.record({ content: c, id: s }, { requiredKeys: ["content"] }).map((f) => new AIMessageChunk(f as never)),
    c.map((x) => new SystemMessage({ content: x as never })),
    fc
      .record(
        { content: c, tool_call_id: s, name: s, artifact: jsonish(extra) },
        { requiredKeys: ["content", "tool_call_id"] },
      )
      .map((f) => new ToolMessage(f as never)),
    fc.record({ content: c, role: s }).map((f) => new ChatMessage(f as never)),
  );
}

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { a: 1 };
  value.self = value;
  return value;
}

/**
 * A message the codec must refuse (InvalidMessageError / MessageTooLargeError). `maxBytes` is the
 * store's limit, so an oversized message costs little to build.
 */
export function invalidMessage(maxBytes: number): fc.Arbitrary<{ why: string; make: () => BaseMessage }> {
  const cases: Array<{ why: string; make: () => BaseMessage }> = [
    { why: "circular", make: () => new AIMessage({ content: "x", additional_kwargs: { loop: circular() } }) },
    { why: "bigint", make: () => new AIMessage({ content: "x", response_metadata: { n: 10n } }) },
    { why: "function", make: () => new HumanMessage({ content: [{ type: "text", text: "x", fn: () => 1 }] as never }) },
    { why: "date", make: () => new HumanMessage({ content: "x", additional_kwargs: { at: new Date(0) } }) },
    { why: "NaN", make: () => new AIMessage({ content: "x", response_metadata: { score: Number.NaN } }) },
    {
      why: "Infinity",
      make: () => new AIMessage({ content: "x", additional_kwargs: { v: [Number.POSITIVE_INFINITY] } }),
    },
    { why: "map", make: () => new HumanMessage({ content: "x", additional_kwargs: { m: new Map([[1, 2]]) } }) },
    { why: "content number", make: () => new HumanMessage({ content: 7 as never }) },
    { why: "content object", make: () => new HumanMessage({ content: { text: "x" } as never }) },
    {
      why: "undefined in array",
      make: () => new HumanMessage({ content: "x", additional_kwargs: { a: [undefined] } }),
    },
    { why: "too large", make: () => new HumanMessage("z".repeat(maxBytes + 1)) },
    { why: "too large after escaping", make: () => new HumanMessage("\u0001".repeat(Math.ceil(maxBytes / 5))) },
  ];
  return fc.constantFrom(...cases);
}

/** A batch, sometimes with one message the codec refuses at a random position. */
export interface BatchPlan {
  messages: BaseMessage[];
  invalid?: { why: string; at: number; make: () => BaseMessage };
}

export function batchPlan(maxBytes: number, extra: readonly string[] = []): fc.Arbitrary<BatchPlan> {
  return fc
    .tuple(
      fc.array(validMessage(extra), { minLength: 0, maxLength: 5 }),
      fc.option(fc.tuple(invalidMessage(maxBytes), fc.nat()), { freq: 3 }),
    )
    .map(([messages, bad]) =>
      bad === null ? { messages } : { messages, invalid: { ...bad[0], at: bad[1] % (messages.length + 1) } },
    );
}

/** The batch as it is handed to addMessages. */
export function materialize(plan: BatchPlan): BaseMessage[] {
  if (!plan.invalid) return plan.messages;
  const out = [...plan.messages];
  out.splice(plan.invalid.at, 0, plan.invalid.make());
  return out;
}

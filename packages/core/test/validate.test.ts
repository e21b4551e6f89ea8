import { describe, expect, it } from "vitest";
import {
  InvalidOptionError,
  InvalidSessionIdError,
  LIMITS,
  assertIdentifier,
  assertKeyPrefix,
  assertSessionId,
  decodeSessionCursor,
  encodeSessionCursor,
} from "../src/index.js";

describe("validation", () => {
  it("accepts any well-formed id up to the limit", () => {
    for (const id of ["a", "../..", "{x}", "💬", "a".repeat(LIMITS.maxIdLength), "__proto__"]) {
      expect(() => assertSessionId(id)).not.toThrow();
    }
  });

  it("refuses empty, over-long, NUL and malformed ids", () => {
    for (const id of ["", "a".repeat(LIMITS.maxIdLength + 1), "\u0000", "\udfff", undefined, null, {}]) {
      expect(() => assertSessionId(id)).toThrow(InvalidSessionIdError);
    }
  });

  it("accepts only plain identifiers and prefixes", () => {
    expect(() => assertIdentifier("t", "chat_history_2")).not.toThrow();
    for (const bad of ["1abc", "a-b", "a b", 'a"', "", "x".repeat(64), "ä"]) {
      expect(() => assertIdentifier("t", bad)).toThrow(InvalidOptionError);
    }
    expect(() => assertKeyPrefix("p", "app:chat-history.v1")).not.toThrow();
    for (const bad of ["a{b}", "a b", "a*", "", "x".repeat(65)]) {
      expect(() => assertKeyPrefix("p", bad)).toThrow(InvalidOptionError);
    }
  });

  it("round-trips session cursors and refuses foreign ones", () => {
    const cursor = { updatedAt: 1_700_000_000_123, sessionId: "a/b 💬" };
    expect(decodeSessionCursor(encodeSessionCursor(cursor))).toEqual(cursor);
    for (const bad of ["", "abc", Buffer.from("[1]").toString("base64url")]) {
      expect(() => decodeSessionCursor(bad)).toThrow(InvalidOptionError);
    }
  });
});

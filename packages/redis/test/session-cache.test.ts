import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sessionKeys } from "../src/keys.js";
import { SessionCache } from "../src/session-cache.js";

const id = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom("-", "-a", "1:", "1:a", "a", "ab", "b", "bc", "c", "0", ":"),
);
const sessionKey = fc.record({ sessionId: id, userId: fc.option(id, { nil: undefined }) });

describe("session cache", () => {
  it("hands out the same keys sessionKeys computes, and one entry per (user, session) pair", () => {
    fc.assert(
      fc.property(fc.array(sessionKey, { maxLength: 40 }), (keys) => {
        const cache = new SessionCache("p", 8);
        for (const key of [...keys, ...keys]) expect(cache.get(key).keys).toEqual(sessionKeys("p", key));
      }),
    );
    // Pairs whose ids concatenate alike must not share an entry.
    const cache = new SessionCache("p");
    const pairs = [
      { userId: "a", sessionId: "bc" },
      { userId: "ab", sessionId: "c" },
      { sessionId: "abc" },
      { sessionId: "-abc" },
      { userId: "1", sessionId: ":abc" },
      { userId: "1:a", sessionId: "bc" },
    ];
    const members = pairs.map((key) => cache.get(key).keys.member);
    expect(new Set(members).size).toBe(pairs.length);
    pairs.forEach((key, i) => expect(cache.get(key).keys.member).toBe(members[i]));
  });

  it("keeps a session's entry while it is used and stays bounded however many sessions pass", () => {
    const cache = new SessionCache("p", 16);
    const hot = cache.get({ sessionId: "hot" });
    hot.nextSeq = 42;
    for (let i = 0; i < 1_000; i++) {
      cache.get({ sessionId: `s${i}`, userId: "u" });
      if (i % 10 === 0) expect(cache.get({ sessionId: "hot" })).toBe(hot);
      expect(cache.size).toBeLessThanOrEqual(32);
    }
    expect(cache.get({ sessionId: "hot" }).nextSeq).toBe(42);
    // A session left alone for two generations is forgotten: a fresh entry knows no seq.
    for (let i = 0; i < 40; i++) cache.get({ sessionId: `later${i}` });
    expect(cache.get({ sessionId: "hot" }).nextSeq).toBe(0);
  });

  it("does not keep the keys of very long ids", () => {
    const cache = new SessionCache("p", 16);
    const key = { sessionId: "s".repeat(512), userId: "u".repeat(512) };
    const entry = cache.get(key);
    expect(entry.keys).toEqual(sessionKeys("p", key));
    expect(cache.size).toBe(0);
    expect(cache.get(key)).not.toBe(entry);
  });
});

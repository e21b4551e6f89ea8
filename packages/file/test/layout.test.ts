import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileChatHistoryStore } from "../src/index.js";
import { rawLineCount, tempDirectory } from "./helpers.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Every file below `dir`, as paths relative to it. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

const AWKWARD_IDS = [
  "../x",
  "..",
  ".",
  "a/b",
  "a\\b",
  "/etc/passwd",
  "__proto__",
  "constructor",
  "C:",
  "con",
  "emoji 😀🎉",
  "Case",
  "case",
  "{}:*?<>|",
  "x".repeat(512),
  "😀".repeat(256),
  "x".repeat(511) + "y",
];

describe("file store: on-disk layout", () => {
  it("keeps every session inside the directory, each apart, with short lowercase names", async () => {
    const { dir, remove } = await tempDirectory("layout");
    cleanups.push(remove);
    const root = join(dir, "store");
    const store = new FileChatHistoryStore({ directory: root });
    for (const sessionId of AWKWARD_IDS) {
      await store.append({ sessionId }, [JSON.stringify(sessionId)]);
      await store.append({ sessionId, userId: sessionId }, [JSON.stringify(`user:${sessionId}`)]);
    }

    const files = await walk(dir);
    for (const file of files) {
      expect(file.startsWith(`store${sep}`)).toBe(true);
      expect(file.split(sep)).toHaveLength(3); // store / user folder / session file
      for (const part of file.split(sep)) {
        expect(Buffer.byteLength(part)).toBeLessThanOrEqual(200);
        expect(part).toMatch(/^[a-z0-9.]+$/);
      }
    }
    // A records file and a metadata file per session; no lock or temporary file left behind.
    expect(files).toHaveLength(AWKWARD_IDS.length * 2 * 2);

    const reopened = new FileChatHistoryStore({ directory: root });
    for (const sessionId of AWKWARD_IDS) {
      expect(await reopened.read({ sessionId })).toEqual([{ seq: 1, payload: JSON.stringify(sessionId) }]);
      expect(await reopened.read({ sessionId, userId: sessionId })).toEqual([
        { seq: 1, payload: JSON.stringify(`user:${sessionId}`) },
      ]);
    }
    const listed = await reopened.listSessions({ limit: 100 });
    expect(listed.sessions.map((s) => s.sessionId).sort()).toEqual([...AWKWARD_IDS].sort());
    for (const sessionId of AWKWARD_IDS) {
      const mine = await reopened.listSessions({ userId: sessionId });
      expect(mine.sessions.map((s) => [s.sessionId, s.userId, s.messageCount])).toEqual([[sessionId, sessionId, 1]]);
    }
  });

  it("removes a deleted session's files and pruned sessions' files", async () => {
    const { dir, remove } = await tempDirectory("layout-delete");
    cleanups.push(remove);
    const store = new FileChatHistoryStore({ directory: dir });
    await store.append({ sessionId: "../gone" }, ['"a"']);
    await store.append({ sessionId: "short" }, ['"b"'], { ttlMs: 1 });
    await store.append({ sessionId: "kept" }, ['"c"']);
    expect(await store.deleteSession({ sessionId: "../gone" })).toBe(true);
    // A bounded wait for the 1 ms TTL to pass; no timing is asserted.
    for (let i = 0; i < 100 && (await store.getSession({ sessionId: "short" })) !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await store.prune()).toBe(1);
    expect((await walk(dir)).length).toBe(2);
    expect(await store.read({ sessionId: "kept" })).toEqual([{ seq: 1, payload: '"c"' }]);
  });

  it("rewrites the file to the newest records when maxMessages is exceeded", async () => {
    const { dir, remove } = await tempDirectory("layout-cap");
    cleanups.push(remove);
    const store = new FileChatHistoryStore({ directory: dir, maxMessages: 5 });
    const key = { sessionId: "capped" };
    for (let n = 1; n <= 12; n++) await store.append(key, [`"${n}"`, `"${n}+"`]);
    const records = await store.read(key);
    expect(records.map((r) => r.seq)).toEqual([20, 21, 22, 23, 24]);
    expect(await store.count(key)).toBe(5);
    const files = await walk(dir);
    expect(files.filter((f) => f.endsWith(".jsonl"))).toHaveLength(1);
    expect(files).toHaveLength(2);

    expect(await store.append(key, ["1", "2", "3", "4", "5", "6", "7"], { maxMessages: 3 })).toEqual({
      firstSeq: 25,
      lastSeq: 31,
    });
    expect(await store.read(key)).toEqual([29, 30, 31].map((seq) => ({ seq, payload: String(seq - 24) })));
    expect(await rawLineCount(dir, key)).toBe(3);
  });

  it("rejects a missing directory option", () => {
    expect(() => new FileChatHistoryStore({ directory: "" })).toThrow(/directory/);
  });
});

import { spawnSync } from "node:child_process";
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { StoreUnavailableError } from "@chat-history/core";
import { afterEach, describe, expect, it } from "vitest";
import { FileChatHistoryStore } from "../src/index.js";
import { sessionPaths } from "../src/names.js";
import { tempDirectory } from "./helpers.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function withLockHeldBy(label: string, content: string, ageMs = 0) {
  const { dir, remove } = await tempDirectory(label);
  cleanups.push(remove);
  const key = { sessionId: "locked" };
  const paths = sessionPaths(dir, key);
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.lock, content);
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await utimes(paths.lock, then, then);
  }
  return { dir, key };
}

describe("file store: session lock", () => {
  it("breaks a lock whose process on this host has exited", async () => {
    const exited = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const { dir, key } = await withLockHeldBy("lock-dead", `${exited} ${hostname()} abc`);
    const store = new FileChatHistoryStore({ directory: dir, lockTimeoutMs: 60_000, lockStaleMs: 600_000 });
    expect(await store.append(key, ['"x"'])).toEqual({ firstSeq: 1, lastSeq: 1 });
  });

  it("breaks a lock older than lockStaleMs, whoever holds it", async () => {
    const { dir, key } = await withLockHeldBy("lock-old", "1 some-other-host abc", 120_000);
    const store = new FileChatHistoryStore({ directory: dir, lockTimeoutMs: 60_000, lockStaleMs: 60_000 });
    expect(await store.append(key, ['"x"'])).toEqual({ firstSeq: 1, lastSeq: 1 });
  });

  it("waits for a live holder and gives up with a retryable StoreUnavailableError", async () => {
    const { dir, key } = await withLockHeldBy("lock-live", `${process.pid} ${hostname()} abc`);
    const store = new FileChatHistoryStore({ directory: dir, lockTimeoutMs: 50, lockStaleMs: 600_000 });
    const error = await store.append(key, ['"x"']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).retryable).toBe(true);
    expect(await store.read(key)).toEqual([]);
  });
});

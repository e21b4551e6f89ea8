import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { StoreUnavailableError } from "@chat-history/core";
import { afterEach, describe, expect, it } from "vitest";
import { FileChatHistoryStore } from "../src/index.js";
import { breakStaleLock, judgeLock, withFileLock } from "../src/lock.js";
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

  it("releases only its own lock: one broken meanwhile leaves the next holder's alone", async () => {
    const { dir, key } = await withLockHeldBy("lock-release", "placeholder");
    const { lock } = sessionPaths(dir, key);
    unlinkSync(lock);
    const nextHolder = `${process.pid} ${hostname()} next`;
    await withFileLock(lock, sessionPaths(dir, key).dir, { timeoutMs: 1_000, staleMs: 600_000 }, async () => {
      // As if this holder had been slower than lockStaleMs: its lock broken, another process's taken.
      unlinkSync(lock);
      writeFileSync(lock, nextHolder);
    });
    expect(readFileSync(lock, "utf8")).toBe(nextHolder);
  });

  it("does not break a lock that changed hands after it was judged, even with a process waiting for the path", async () => {
    const exited = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const { dir, key } = await withLockHeldBy("lock-handover", `${exited} ${hostname()} old`);
    const { lock, dir: folder } = sessionPaths(dir, key);
    const verdict = judgeLock(lock, 600_000);
    expect(verdict.state).toBe("stale");
    // Between the verdict and the break, the judged holder releases and a live process takes the lock.
    unlinkSync(lock);
    const live = `${process.pid} ${hostname()} live`;
    writeFileSync(lock, live);
    const liveIno = statSync(lock).ino;
    // A waiter that takes the path the instant it is free: moving the live lock aside even briefly
    // would hand the lock to a second process.
    const waiter = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs");
         const end = Date.now() + 10000;
         process.stdout.write("ready\\n");
         while (Date.now() < end) {
           try { fs.writeFileSync(process.argv[1], "waiter", { flag: "wx" }); break; } catch {}
         }`,
        lock,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exitedWaiter = new Promise((resolve) => waiter.on("exit", resolve));
    await new Promise<void>((resolve) => waiter.stdout.once("data", () => resolve()));
    try {
      if (verdict.state === "stale") breakStaleLock(lock, verdict);
      expect(readFileSync(lock, "utf8")).toBe(live);
      expect(statSync(lock).ino).toBe(liveIno);
      expect(readdirSync(folder).filter((name) => name.endsWith(".stale"))).toEqual([]);
    } finally {
      waiter.kill();
      await exitedWaiter;
    }
  });

  it("breaks the very lock it judged stale", async () => {
    const exited = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const { dir, key } = await withLockHeldBy("lock-judged", `${exited} ${hostname()} old`);
    const { lock, dir: folder } = sessionPaths(dir, key);
    expect(judgeLock(lock, 600_000).state).toBe("stale");
    const verdict = judgeLock(lock, 600_000);
    if (verdict.state === "stale") breakStaleLock(lock, verdict);
    expect(readdirSync(folder)).toEqual([]);
    writeFileSync(lock, `${process.pid} ${hostname()} live`);
    expect(judgeLock(lock, 600_000).state).toBe("live");
  });
});

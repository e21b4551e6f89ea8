import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionKey } from "@chat-history/core";
import { onTestFinished } from "vitest";
import { FileChatHistoryStore } from "../src/index.js";
import { sessionPaths } from "../src/names.js";

/** A fresh folder under the system temp dir; removed by the returned function. */
export async function tempDirectory(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `chat-history-file-${label}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A store on a fresh folder, removed when the calling test finishes. */
export async function freshStore(label: string): Promise<{ dir: string; store: FileChatHistoryStore }> {
  const { dir, remove } = await tempDirectory(label);
  onTestFinished(remove);
  return { dir, store: new FileChatHistoryStore({ directory: dir }) };
}

/** Complete lines physically in a session's records file, read without the store. */
export async function rawLineCount(directory: string, key: SessionKey): Promise<number> {
  try {
    const data = await readFile(sessionPaths(directory, key).records);
    let lines = 0;
    for (const byte of data) if (byte === 10) lines++;
    return lines;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

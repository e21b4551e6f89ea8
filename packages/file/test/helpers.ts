import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionKey } from "@chat-history/core";
import { sessionPaths } from "../src/names.js";

/** A fresh folder under the system temp dir; removed by the returned function. */
export async function tempDirectory(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `chat-history-file-${label}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
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

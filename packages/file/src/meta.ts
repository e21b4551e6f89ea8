import { closeSync, fstatSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { SessionKey } from "@chat-history/core";
import { openIfExists, readAt } from "./fd-io.js";
import { writeFileAtomic } from "./file-ops.js";

/** The sidecar `<session>.meta.json`: the real ids (file names may be hashes) and the session's times. */
export interface SessionMeta {
  v: 1;
  sessionId: string;
  userId?: string;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
}

export function newMeta(key: SessionKey, now: number): SessionMeta {
  const meta: SessionMeta = { v: 1, sessionId: key.sessionId, createdAt: now, updatedAt: now };
  if (key.userId !== undefined) meta.userId = key.userId;
  return meta;
}

export function isExpired(meta: SessionMeta, now: number): boolean {
  return meta.expiresAt !== undefined && meta.expiresAt <= now;
}

/**
 * Undefined when the file is missing or is not a session's metadata. Read with synchronous calls
 * (open, fstat, read, close of a file of a few hundred bytes take microseconds, where `readFile`
 * makes about four round trips through the thread pool); see `SMALL_IO`.
 */
export async function readMeta(path: string): Promise<SessionMeta | undefined> {
  const fd = openIfExists(path, "r");
  if (fd === undefined) return undefined;
  try {
    // The file is replaced whole by rename, never edited, so the size read belongs to the content read.
    return parseMeta((await readAt(fd, fstatSync(fd).size, 0)).toString("utf8"));
  } finally {
    closeSync(fd);
  }
}

/** The same through the thread pool, for listings, which read one file per session in a row. */
export async function readMetaPooled(path: string): Promise<SessionMeta | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseMeta(text);
}

/** Undefined when the text is not a session's metadata. */
export function parseMeta(text: string): SessionMeta | undefined {
  try {
    const value = JSON.parse(text) as Partial<SessionMeta> | null;
    if (
      value?.v === 1 &&
      typeof value.sessionId === "string" &&
      typeof value.createdAt === "number" &&
      typeof value.updatedAt === "number"
    ) {
      return value as SessionMeta;
    }
  } catch {
    // reported below
  }
  return undefined;
}

/** Written whole or not at all (temporary file + rename), so an unlocked reader never sees half of it. */
export async function writeMeta(path: string, meta: SessionMeta, fsync: boolean): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(meta), fsync);
}

/** Metadata of exactly this key (guards against a hash collision, however unlikely). */
export function belongsTo(meta: SessionMeta, key: SessionKey): boolean {
  return meta.sessionId === key.sessionId && meta.userId === key.userId;
}

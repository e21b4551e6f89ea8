import { createHash } from "node:crypto";
import { join } from "node:path";
import type { SessionKey } from "@chat-history/core";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
/**
 * Longest readable (base32) name part. Above it a hash is used, so that a file name plus its
 * suffixes and temporary extensions stays far below the 255-byte limit of common file systems.
 */
const MAX_READABLE = 160;

/** Lowercase base32: reversible, and safe on case-insensitive file systems where base64 is not. */
function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Turns any id into a file-name part that cannot contain `/`, `.` or `..`, and that two different
 * ids never share: `b` + base32 of the UTF-8 bytes, or `h` + SHA-256 hex for long ids (the real
 * id is then read from the session's metadata file). The prefixes keep the two forms apart.
 */
export function encodeName(id: string): string {
  const bytes = Buffer.from(id, "utf8");
  const readable = base32(bytes);
  if (readable.length <= MAX_READABLE) return `b${readable}`;
  return `h${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The files of one session. */
export interface SessionPaths {
  /** The user's folder, created on first write. */
  dir: string;
  /** Identifies the session in the in-process queue. */
  id: string;
  records: string;
  meta: string;
  lock: string;
}

export const RECORDS_SUFFIX = ".jsonl";
export const META_SUFFIX = ".meta.json";

/** Folder of a user's sessions; sessions without a user live in `none`, which no encoded name can equal. */
export function userDir(root: string, userId: string | undefined): string {
  return join(root, userId === undefined ? "none" : `u${encodeName(userId)}`);
}

export function sessionPaths(root: string, key: SessionKey): SessionPaths {
  const dir = userDir(root, key.userId);
  const base = join(dir, `s${encodeName(key.sessionId)}`);
  return { dir, id: base, records: base + RECORDS_SUFFIX, meta: base + META_SUFFIX, lock: `${base}.lock` };
}

/** Paths of a session from the file name of its metadata file (used when scanning a folder). */
export function pathsFromMetaFile(dir: string, fileName: string): SessionPaths {
  const base = join(dir, fileName.slice(0, -META_SUFFIX.length));
  return { dir, id: base, records: base + RECORDS_SUFFIX, meta: base + META_SUFFIX, lock: `${base}.lock` };
}

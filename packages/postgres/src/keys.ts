import { createHash } from "node:crypto";
import type { SessionKey } from "@chat-history/core";

/** "No user" is the empty string: core rejects empty user ids, so it never meets a real user. */
export function userKey(userId: string | undefined): string {
  return userId ?? "";
}

/**
 * sha256 of the UTF-8 user key. The listing index holds these 32 bytes instead of the user id
 * itself, so index entries stay small whatever the ids are (two 512-character CJK ids are ~3 KB,
 * past btree's ~2.7 KB limit per entry).
 */
export function userHash(userId: string | undefined): Buffer {
  return createHash("sha256").update(userKey(userId), "utf8").digest();
}

/**
 * The 32-byte identity of a session: sha256 over the user key's UTF-8 byte length (4 bytes,
 * big-endian), the user key, then the session id. The length prefix keeps ("ab", "c") apart from
 * ("a", "bc"); core only admits well-formed UTF-16, so UTF-8 encoding loses nothing. In SQL:
 * `sha256(int4send(octet_length(convert_to(u, 'UTF8'))) || convert_to(u, 'UTF8') || convert_to(s, 'UTF8'))`.
 */
export function sessionDigest(key: SessionKey): Buffer {
  const user = Buffer.from(userKey(key.userId), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(user.length);
  return createHash("sha256").update(length).update(user).update(key.sessionId, "utf8").digest();
}

/**
 * How a SessionKey is laid out in the tables. "No user" must never collide with a real user id,
 * so real ids are stored behind a prefix and "no user" is the empty string (ids are never empty).
 */
const USER_PREFIX = "u:";
const NO_USER = "";

export function toUserKey(userId: string | undefined): string {
  return userId === undefined ? NO_USER : USER_PREFIX + userId;
}

export function fromUserKey(userKey: string): string | undefined {
  return userKey === NO_USER ? undefined : userKey.slice(USER_PREFIX.length);
}

/**
 * Sessions are listed with ties broken by session id in UTF-16 code-unit order (JavaScript's `<`).
 * SQLite's BINARY collation compares UTF-8 bytes, which disagrees above U+FFFF, so the listing
 * orders by these bytes instead: big-endian UTF-16 compares like JavaScript strings.
 */
export function sortKey(sessionId: string): Buffer {
  return Buffer.from(sessionId, "utf16le").swap16();
}

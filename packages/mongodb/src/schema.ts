import type { Db, IndexDescription } from "mongodb";
import type { CollectionNames } from "./keys.js";

/**
 * Every index the store relies on, published for teams that create them by hand (`autoMigrate: false`).
 * createIndexes with identical specs is a no-op, so running this from many processes at once is safe.
 */
export const SESSION_INDEXES: readonly IndexDescription[] = [
  // listSessions: one user's sessions, newest first, ties by session id descending.
  { key: { userId: 1, updatedAt: -1, sessionId: -1 }, name: "user_updated_session" },
  // The TTL monitor removes expired session documents by itself (within about a minute).
  { key: { expiresAt: 1 }, name: "expires_at_ttl", expireAfterSeconds: 0 },
  // prune(): finds message batches whose session is gone.
  { key: { gen: 1 }, name: "gen" },
];

export const MESSAGE_INDEXES: readonly IndexDescription[] = [
  // Last-N and paging back: newest batches of a generation first. Unique: a sequence number is never reused.
  { key: { gen: 1, seq: 1 }, name: "gen_seq", unique: true },
  // Paging forward: the batch that holds `after + 1` may start before it, so look up by the batch's end.
  { key: { gen: 1, last: 1 }, name: "gen_last" },
];

export async function createIndexes(db: Db, names: CollectionNames): Promise<void> {
  await Promise.all([
    db.collection(names.sessions).createIndexes([...SESSION_INDEXES]),
    db.collection(names.messages).createIndexes([...MESSAGE_INDEXES]),
  ]);
}

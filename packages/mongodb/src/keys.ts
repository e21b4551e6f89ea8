import { InvalidOptionError, type SessionKey, assertIdentifier } from "@chat-history/core";

export const DEFAULT_COLLECTION_PREFIX = "chat_history";

export interface CollectionNames {
  sessions: string;
  messages: string;
}

/** `<prefix>_sessions` and `<prefix>_messages`; the prefix is validated so no name can reach another namespace. */
export function collectionNames(prefix: string = DEFAULT_COLLECTION_PREFIX): CollectionNames {
  assertIdentifier("collectionName", prefix);
  return { sessions: `${prefix}_sessions`, messages: `${prefix}_messages` };
}

const DATABASE_NAME = /^[A-Za-z0-9_-]{1,63}$/;

/** MongoDB refuses `/\. "$` and more in database names; letters, digits, `_` and `-` are portable everywhere. */
export function assertDatabaseName(value: unknown): asserts value is string {
  if (typeof value !== "string" || !DATABASE_NAME.test(value)) {
    throw new InvalidOptionError("dbName", `must match ${DATABASE_NAME.source}, got ${JSON.stringify(value)}`);
  }
}

/**
 * The `_id` of a session document. JSON of [userId, sessionId] keeps (user A, "s") apart from (user B, "s")
 * and from the no-user "s" (null), whatever characters either id holds. It is a plain string, so a session
 * id that looks like an operator (`{"$gt": ""}`) is only ever compared for equality.
 */
export function sessionDocId(key: SessionKey): string {
  return JSON.stringify([key.userId ?? null, key.sessionId]);
}

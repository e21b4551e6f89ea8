import { InvalidOptionError, assertIdentifier } from "@chat-history/core";

/** Longest prefix that still leaves room for "_sessions" within PostgreSQL's 63-byte identifier limit. */
export const MAX_TABLE_PREFIX = 63 - "_sessions".length;

/** Quoted, fully qualified names of everything the store creates. */
export interface TableNames {
  schema: string;
  prefix: string;
  /** `"schema"."prefix_sessions"` */
  sessions: string;
  /** `"schema"."prefix_messages"` */
  messages: string;
  /** Bare (quoted) index names: CREATE INDEX takes no schema, the index lives beside its table. */
  byUserIndex: string;
  expiryIndex: string;
  /** Key for the advisory lock that serialises setup of this table pair. */
  lockKey: string;
}

/**
 * Validates (letters, digits, `_`) and then quotes anyway: a name that passed validation can
 * still be a reserved word or carry capitals that must be kept.
 */
export function tableNames(schema = "public", prefix = "chat_history"): TableNames {
  assertIdentifier("schema", schema);
  assertIdentifier("tableName", prefix);
  if (prefix.length > MAX_TABLE_PREFIX) {
    throw new InvalidOptionError("tableName", `is ${prefix.length} characters; the limit is ${MAX_TABLE_PREFIX}`);
  }
  const q = (name: string) => `"${name}"`;
  return {
    schema,
    prefix,
    sessions: `${q(schema)}.${q(`${prefix}_sessions`)}`,
    messages: `${q(schema)}.${q(`${prefix}_messages`)}`,
    byUserIndex: q(`${prefix}_by_user`),
    expiryIndex: q(`${prefix}_expiry`),
    lockKey: `chat-history:${schema}.${prefix}`,
  };
}

import type { SessionKey } from "@chat-history/core";

/**
 * Key layout. Every key of one session carries the same hash tag, so on Redis Cluster they share a
 * slot and one script can touch them all:
 *
 *   <prefix>:{<session tag>}:msgs      list of "<seq>\t<payload>"
 *   <prefix>:{<session tag>}:seq       counter: the last sequence number handed out
 *   <prefix>:{<session tag>}:meta      hash: createdAt, updatedAt, sessionId, userId
 *   <prefix>:{u:<user tag>}:sessions   sorted set per user scope: member <session tag>, score updatedAt
 *
 * Tags are base64url of JSON, so an id can hold `{`, `}`, `:` or anything else and still never
 * change the hash tag, reach outside the prefix, or collide with another (user, session) pair.
 */

export interface SessionKeys {
  /** The session's tag; also its member in the user's sorted set. */
  member: string;
  msgs: string;
  seq: string;
  meta: string;
  /** The user scope's sorted set (another slot on a cluster). */
  sessions: string;
}

function tag(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function sessionMember(key: SessionKey): string {
  return tag([key.userId ?? null, key.sessionId]);
}

export function userSessionsKey(prefix: string, userId: string | undefined): string {
  return `${prefix}:{u:${tag(userId ?? null)}}:sessions`;
}

/** The keys of the session a sorted-set member stands for, without encoding its ids again. */
export function memberKeys(prefix: string, member: string): Pick<SessionKeys, "msgs" | "seq" | "meta"> {
  const base = `${prefix}:{${member}}`;
  return { msgs: `${base}:msgs`, seq: `${base}:seq`, meta: `${base}:meta` };
}

export function sessionKeys(prefix: string, key: SessionKey): SessionKeys {
  const member = sessionMember(key);
  return { member, ...memberKeys(prefix, member), sessions: userSessionsKey(prefix, key.userId) };
}

/** The session a sorted-set member stands for; undefined for anything we did not write. */
export function parseSessionMember(member: string): SessionKey | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(member, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== "string") return undefined;
    if (value[0] === null) return { sessionId: value[1] };
    if (typeof value[0] === "string") return { sessionId: value[1], userId: value[0] };
  } catch {
    // not ours
  }
  return undefined;
}

/**
 * Glob matching every key this layout writes under a prefix, and nothing of a longer prefix
 * ("a" never matches "a:b:..."). Prefixes hold no glob characters (assertKeyPrefix).
 */
export function prefixPattern(prefix: string): string {
  return `${prefix}:{*`;
}

export function userSetsPattern(prefix: string): string {
  return `${prefix}:{u:*}:sessions`;
}

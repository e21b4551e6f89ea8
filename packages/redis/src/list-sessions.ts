import {
  type SessionCursor,
  type SessionInfo,
  type SessionPage,
  decodeSessionCursor,
  encodeSessionCursor,
  isAfterCursor,
} from "@chat-history/core";
import { memberKeys, parseSessionMember, userSessionsKey } from "./keys.js";
import type { ScriptedClient } from "./scripts.js";
import { loadSessionInfo } from "./session-info.js";

/**
 * A member whose session is gone is skipped at once, but only removed once its score is this old:
 * on a cluster the sorted set lives on another node than the session, so a fresh member may be
 * seen just before the script that creates its session has run.
 */
export const STALE_MEMBER_GRACE_MS = 30_000;

interface Candidate {
  member: string;
  score: string;
  updatedAt: number;
  sessionId: string;
  userId: string | undefined;
}

/** Newest first, ties by sessionId descending, compared as JS strings exactly like core's cursor helper. */
function newestFirst(a: Candidate, b: Candidate): number {
  return b.updatedAt - a.updatedAt || (a.sessionId < b.sessionId ? 1 : a.sessionId > b.sessionId ? -1 : 0);
}

function toCandidates(reply: string[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const member = reply[i] as string;
    const score = reply[i + 1] as string;
    const key = parseSessionMember(member);
    if (key) out.push({ member, score, updatedAt: Number(score), sessionId: key.sessionId, userId: key.userId });
  }
  return out;
}

/**
 * Walks the user's sorted set from the cursor down, one score band at a time. Redis orders equal
 * scores by the escaped member, not by sessionId, so every band is completed (all members of its
 * lowest score fetched) and sorted here before it is paged: no session is skipped or repeated.
 */
export async function listUserSessions(
  client: ScriptedClient,
  prefix: string,
  userId: string | undefined,
  limit: number,
  cursor: string | undefined,
): Promise<SessionPage> {
  const setKey = userSessionsKey(prefix, userId);
  const after: SessionCursor | undefined = cursor === undefined ? undefined : decodeSessionCursor(cursor);
  const fetchSize = limit + 16;
  const found: Array<{ info: SessionInfo; position: SessionCursor }> = [];
  let max = after === undefined ? "+inf" : String(after.updatedAt);

  while (found.length <= limit) {
    const reply = await client.zrevrangebyscore(setKey, max, "-inf", "WITHSCORES", "LIMIT", 0, fetchSize);
    let band = toCandidates(reply);
    const exhausted = reply.length < fetchSize * 2;
    if (!exhausted) {
      const lowest = reply[reply.length - 1] as string;
      const ties = await client.zrangebyscore(setKey, lowest, lowest, "WITHSCORES");
      band = band.filter((c) => c.score !== lowest).concat(toCandidates(ties));
      max = `(${lowest}`;
    }
    const ordered = band
      .filter((c) => after === undefined || isAfterCursor(after, c.updatedAt, c.sessionId))
      .sort(newestFirst);
    const infos = await Promise.all(
      ordered.map((c) =>
        loadSessionInfo(client, memberKeys(prefix, c.member), { sessionId: c.sessionId, userId: c.userId }),
      ),
    );
    const staleBefore = Date.now() - STALE_MEMBER_GRACE_MS;
    await Promise.all(
      ordered.map((c, i) => {
        const info = infos[i];
        if (info) found.push({ info, position: { updatedAt: c.updatedAt, sessionId: c.sessionId } });
        else if (c.updatedAt < staleBefore) return client.chatHistoryUnlistIfUnchanged(setKey, c.member, c.score);
        return undefined;
      }),
    );
    if (exhausted) break;
  }

  // The cursor holds the sorted-set position (score), which is what the next page walks from.
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  return {
    sessions: page.map((entry) => entry.info),
    nextCursor: found.length > limit && last ? encodeSessionCursor(last.position) : undefined,
  };
}

import type { SessionInfo, SessionKey } from "@chat-history/core";
import type { SessionKeys } from "./keys.js";
import type { ScriptedClient } from "./scripts.js";

/** A session's metadata, count and expiry in one atomic script; undefined when it does not exist (or expired). */
export async function loadSessionInfo(
  client: ScriptedClient,
  keys: Pick<SessionKeys, "msgs" | "meta">,
  key: SessionKey,
): Promise<SessionInfo | undefined> {
  const reply = await client.chatHistorySessionInfo(keys.msgs, keys.meta);
  if (!reply) return undefined;
  const [createdAt, updatedAt, messageCount, pttl] = reply;
  const info: SessionInfo = {
    sessionId: key.sessionId,
    messageCount: Number(messageCount),
    createdAt: Number(createdAt),
    updatedAt: Number(updatedAt),
  };
  if (key.userId !== undefined) info.userId = key.userId;
  if (Number(pttl) > 0) info.expiresAt = Date.now() + Number(pttl);
  return info;
}

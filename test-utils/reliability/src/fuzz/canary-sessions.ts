import type { BaseChatHistoryStore, SessionInfo } from "@chat-history/core";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { fingerprints } from "@chat-history/conformance";

/** Sessions written before a hostile run, in the same store, that the run must never read, change or list elsewhere. */
export interface CanarySessions {
  userId: string;
  check(): Promise<string[]>;
}

const USER_SESSIONS = ["canary-a", "canary-b/../x", "canary-{c}"];
const NO_USER_SESSIONS = ["canary-n1", "canary-n2"];

/** Generated ids starting with this are kept away from the canaries. */
export function isCanaryId(sessionId: string, userId: string | undefined): boolean {
  return sessionId.startsWith("canary") || (userId ?? "").startsWith("canary");
}

function messagesFor(sessionId: string): BaseMessage[] {
  return [
    new HumanMessage(`question in ${sessionId}`),
    new AIMessage({ content: `answer in ${sessionId}`, id: `id-${sessionId}` }),
  ];
}

async function listAll(store: BaseChatHistoryStore, userId: string | undefined): Promise<SessionInfo[]> {
  const all: SessionInfo[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await store.listSessions({ userId, limit: 2, cursor });
    all.push(...page.sessions);
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  return all;
}

export async function plantCanarySessions(store: BaseChatHistoryStore, namespace: string): Promise<CanarySessions> {
  const userId = `canary-user-${namespace}`;
  const scopes: Array<[string | undefined, string[]]> = [
    [userId, USER_SESSIONS],
    [undefined, NO_USER_SESSIONS],
  ];
  for (const [user, ids] of scopes) {
    for (const id of ids) await store.history(id, { userId: user }).addMessages(messagesFor(id));
  }
  return {
    userId,
    async check() {
      const problems: string[] = [];
      for (const [user, ids] of scopes) {
        for (const id of ids) {
          const got = await store.history(id, { userId: user }).getMessages();
          if (JSON.stringify(fingerprints(got)) !== JSON.stringify(fingerprints(messagesFor(id)))) {
            problems.push(`canary session ${id} (user ${user ?? "none"}) changed`);
          }
        }
        const listed = (await listAll(store, user)).map((s) => s.sessionId).sort();
        if (JSON.stringify(listed) !== JSON.stringify([...ids].sort())) {
          problems.push(`user ${user ?? "none"} now lists ${JSON.stringify(listed)}`);
        }
      }
      return problems;
    },
  };
}

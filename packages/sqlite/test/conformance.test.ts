import { rmSync } from "node:fs";
import type { SessionKey } from "@chat-history/core";
import { runConformance } from "@chat-history/conformance";
import Database from "better-sqlite3";
import { toUserKey } from "../src/keys.js";
import { SqliteChatHistoryStore } from "../src/index.js";
import { useTempDir } from "./support/temp-dir.js";

// One database file per namespace: the same namespace twice is the same file, like a second process.
const file = useTempDir();
const pathFor = (namespace: string) => file(`${namespace}.db`);

runConformance<SqliteChatHistoryStore>({
  name: "sqlite",
  capabilities: { nativeTtl: false, crossProcess: true, persistent: true },
  createStore: ({ namespace }) => new SqliteChatHistoryStore({ path: pathFor(namespace) }),
  createStoreNamed: (name, { namespace }) => new SqliteChatHistoryStore({ path: pathFor(namespace), tableName: name }),
  destroyStore: async (store, { namespace }) => {
    await store.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${pathFor(namespace)}${suffix}`, { force: true });
  },
  inspect: ({ namespace }) => ({
    async countRecords(key: SessionKey) {
      const db = new Database(pathFor(namespace), { readonly: true });
      try {
        const row = db
          .prepare("SELECT count(*) AS n FROM chat_history_messages WHERE user_key = ? AND session_id = ?")
          .get(toUserKey(key.userId), key.sessionId) as { n: number };
        return row.n;
      } finally {
        db.close();
      }
    },
  }),
});

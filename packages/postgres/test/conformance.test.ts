import { runConformance } from "@chat-history/conformance";
import { PostgresChatHistoryStore } from "../src/index.js";
import { sessionDigest } from "../src/keys.js";
import { TEST_SCHEMA, dropTables, filePool, service } from "./support.js";

const pool = service.skip ? undefined : filePool(20);

function storeFor(tableName: string): PostgresChatHistoryStore {
  return new PostgresChatHistoryStore({ pool: pool as NonNullable<typeof pool>, schema: TEST_SCHEMA, tableName });
}

runConformance({
  name: "postgres",
  capabilities: { nativeTtl: false, crossProcess: true, persistent: true },
  skip: service.skip || undefined,
  timeoutMs: 60_000,
  createStore: ({ namespace }) => storeFor(namespace),
  destroyStore: async (store, { namespace }) => {
    await store.close();
    await dropTables(store.pool, namespace);
  },
  createStoreNamed: (name) => storeFor(name),
  inspect: ({ namespace }) => ({
    async countRecords(key) {
      const exists = await pool?.query("SELECT to_regclass($1) IS NOT NULL AS present", [
        `"${TEST_SCHEMA}"."${namespace}_messages"`,
      ]);
      if (!exists?.rows[0]?.present) return 0;
      const { rows } = await (pool as NonNullable<typeof pool>).query(
        `SELECT count(*)::int AS n FROM "${TEST_SCHEMA}"."${namespace}_messages" WHERE session_key = $1`,
        [sessionDigest(key)],
      );
      return rows[0].n as number;
    },
  }),
});

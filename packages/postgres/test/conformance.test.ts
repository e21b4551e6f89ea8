import { runConformance } from "@chat-history/conformance";
import { PostgresChatHistoryStore } from "../src/index.js";
import { sessionDigest } from "../src/keys.js";
import { TEST_SCHEMA, dropTables, filePool, service } from "./support.js";

const pool = service.skip ? undefined : filePool(20);

/**
 * The whole contract twice: with named statements (the default, one parse per connection) and unnamed
 * (`preparedStatements: false`, for PgBouncer in transaction mode), since each sends different protocol
 * messages and may get different plans. Both share the pool, so named statements of many table pairs meet
 * on its connections.
 */
for (const [name, preparedStatements] of [
  ["postgres", true],
  ["postgres (unnamed statements)", false],
] as const) {
  const storeFor = (tableName: string) =>
    new PostgresChatHistoryStore({
      pool: pool as NonNullable<typeof pool>,
      schema: TEST_SCHEMA,
      tableName,
      preparedStatements,
    });

  runConformance({
    name,
    capabilities: { nativeTtl: false, crossProcess: true, persistent: true },
    skip: service.skip || undefined,
    timeoutMs: 60_000,
    createStore: ({ namespace }) => storeFor(namespace),
    destroyStore: async (store, { namespace }) => {
      await store.close();
      await dropTables(store.pool, namespace);
    },
    createStoreNamed: (tableName) => storeFor(tableName),
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
}

import { serviceGlobalSetup } from "@chat-history/test-services";

/**
 * A Redis Cluster: CHAT_HISTORY_TEST_REDIS_CLUSTER_URLS (comma-separated node URLs, as printed by
 * `bash scripts/redis-cluster.sh start`). No container fallback: skipped unless given, and failing
 * when CHAT_HISTORY_REQUIRE names redis-cluster.
 */
export default serviceGlobalSetup(
  { name: "redis-cluster", envVar: "CHAT_HISTORY_TEST_REDIS_CLUSTER_URLS" },
  "redis-cluster",
);

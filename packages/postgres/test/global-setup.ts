import { serviceGlobalSetup } from "@chat-history/test-services";

/** CHAT_HISTORY_TEST_POSTGRES_URL if set, else a throwaway postgres:15-alpine container, else a skip. */
export default serviceGlobalSetup(
  {
    name: "postgres",
    envVar: "CHAT_HISTORY_TEST_POSTGRES_URL",
    startContainer: async () => {
      const { PostgreSqlContainer } = await import("@testcontainers/postgresql");
      const container = await new PostgreSqlContainer("postgres:15-alpine").start();
      return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
    },
  },
  "postgres",
);

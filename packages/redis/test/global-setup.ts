import { serviceGlobalSetup } from "@chat-history/test-services";
import { RedisContainer } from "@testcontainers/redis";

/** A standalone Redis: CHAT_HISTORY_TEST_REDIS_URL, else a throwaway container, else a skip. */
export default serviceGlobalSetup(
  {
    name: "redis",
    envVar: "CHAT_HISTORY_TEST_REDIS_URL",
    startContainer: async () => {
      const container = await new RedisContainer("redis:7-alpine").start();
      return {
        url: container.getConnectionUrl(),
        stop: async () => {
          await container.stop();
        },
      };
    },
  },
  "redis",
);

import { defineProject } from "vitest/config";

/** Reuses each backend's own service resolution, so the same env vars and CHAT_HISTORY_REQUIRE apply. */
export default defineProject({
  test: {
    name: "reliability",
    include: ["test/**/*.test.ts"],
    globalSetup: [
      "../../packages/postgres/test/global-setup.ts",
      "../../packages/redis/test/global-setup.ts",
      "../../packages/mongodb/test/global-setup.ts",
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

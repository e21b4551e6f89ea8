import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "mongodb",
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

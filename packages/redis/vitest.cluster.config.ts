import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "redis-cluster",
    include: ["test/cluster/*.test.ts"],
    globalSetup: ["test/cluster-global-setup.ts"],
  },
});

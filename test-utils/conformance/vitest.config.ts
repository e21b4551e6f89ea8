import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "conformance-memory", include: ["test/**/*.test.ts"] },
});

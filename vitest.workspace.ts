/**
 * The test projects. Each package owns its own `vitest.config.ts` (or several, one per
 * project, e.g. `vitest.cluster.config.ts`) naming its project and any global setup it
 * needs, so a backend's services are started only when that backend's tests run.
 */
export const projects = [
  "packages/*/vitest.config.ts",
  "packages/*/vitest.*.config.ts",
  "test-utils/*/vitest.config.ts",
  "examples/*/vitest.config.ts",
];

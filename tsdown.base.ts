import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { UserConfig } from "tsdown";

const rootLicense = fileURLToPath(new URL("./LICENSE", import.meta.url));

/**
 * The one build every public package shares: `src/index.ts` to `dist/` as ESM (`.mjs`) and CJS (`.cjs`),
 * each with its own declarations (`.d.mts`, `.d.cts`), so `import` and `require` both resolve to types
 * written for that module system. Dependencies and peer dependencies stay external (tsdown's default):
 * an adapter never bundles its driver, `@langchain/core` or `@chat-history/core`.
 *
 * `package.json` keeps `exports: "./src/index.ts"` for source-first development; the published map lives in
 * `publishConfig`, which pnpm applies on pack and publish. That is why `exports` generation stays off here.
 */
export function packageBuild(overrides: UserConfig = {}): UserConfig {
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    platform: "node",
    target: "node20.19",
    fixedExtension: true,
    dts: true,
    sourcemap: false,
    clean: true,
    hash: false,
    outDir: "dist",
    tsconfig: "tsconfig.json",
    hooks: {
      // npm reads the licence from the package root; one root LICENSE is the source of every copy.
      "build:done": async (context) => {
        await copyFile(rootLicense, join(context.options.cwd, "LICENSE"));
      },
    },
    ...overrides,
  };
}

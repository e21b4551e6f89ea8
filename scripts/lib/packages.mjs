// The workspace's publishable packages, and packing them the way `pnpm publish` would (publishConfig applied,
// workspace: ranges replaced), so every check runs on exactly what a registry would receive.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const groups = ["packages", "test-utils"];

/** Every workspace package not marked private: `{ name, version, dir, manifest }`. */
export function publicPackages() {
  const found = [];
  for (const group of groups) {
    for (const entry of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
      const manifestPath = join(repoRoot, group, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
      if (manifest.private) continue;
      found.push({ name: manifest.name, version: manifest.version, dir: join(repoRoot, group, entry.name), manifest });
    }
  }
  return found;
}

/** `@chat-history/sqlite@0.1.0` -> `chat-history-sqlite-0.1.0.tgz`, pnpm's tarball name. */
export function tarballName(pkg) {
  return `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`;
}

/** Packs each package into `destination`; fails when a package has not been built. Returns absolute tarball paths by name. */
export async function packAll(packages, destination) {
  const missing = packages.filter((pkg) => !existsSync(join(pkg.dir, "dist", "index.mjs")));
  if (missing.length > 0) {
    throw new Error(`not built (run pnpm build first): ${missing.map((pkg) => pkg.name).join(", ")}`);
  }
  const tarballs = new Map();
  await Promise.all(
    packages.map(async (pkg) => {
      await run("pnpm", ["pack", "--pack-destination", destination], { cwd: pkg.dir });
      tarballs.set(pkg.name, join(destination, tarballName(pkg)));
    }),
  );
  return tarballs;
}

/** Like Promise.all over `items.map(task)`, with at most `limit` tasks running at once (2 cores here). */
export async function mapLimit(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

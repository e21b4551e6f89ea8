#!/usr/bin/env node
// publint and attw on the packed tarballs (not the source tree): what they see is what npm users get.
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { mapLimit, packAll, publicPackages, repoRoot } from "./lib/packages.mjs";

const run = promisify(execFile);
const bin = (name) => join(repoRoot, "node_modules", ".bin", name);

const packages = publicPackages();
const destination = await mkdtemp(join(tmpdir(), "chat-history-packed-"));
let failed = 0;
try {
  const tarballs = await packAll(packages, destination);
  // Both tools spend most of their time starting TypeScript: three packages at a time keeps 2 cores busy.
  const results = await mapLimit(packages, 3, (pkg) => checkTarball(pkg, tarballs.get(pkg.name)));
  for (const { pkg, size, problems } of results) {
    const status = problems.length === 0 ? "ok" : "FAILED";
    console.log(`${status.padEnd(6)} ${pkg.name}@${pkg.version}  ${(size / 1024).toFixed(1)} kB packed`);
    for (const problem of problems) console.log(problem.replace(/^/gm, "    "));
    if (problems.length > 0) failed++;
  }
} finally {
  await rm(destination, { recursive: true, force: true });
}
console.log(
  `check:packages: ${packages.length - failed} of ${packages.length} packages clean (publint --strict, attw)`,
);
process.exitCode = failed > 0 ? 1 : 0;

async function checkTarball(pkg, tarball) {
  const size = (await stat(tarball)).size;
  const checks = [
    ["publint", ["--strict", tarball]],
    ["attw", ["--format", "ascii", tarball]],
  ];
  const problems = [];
  await Promise.all(
    checks.map(async ([tool, args]) => {
      try {
        await run(bin(tool), args, { cwd: repoRoot });
      } catch (error) {
        problems.push(`${tool}:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
      }
    }),
  );
  return { pkg, size, problems };
}

// Prints `N passed, N failed, N skipped` from a vitest JSON report. Exits 1 when anything failed, or
// when anything was skipped while backends are required (a skipped backend is not a pass).
import { readFileSync } from "node:fs";

const path = process.argv[2] ?? ".tmp/vitest-report.json";
const report = JSON.parse(readFileSync(path, "utf8"));
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);

const byProject = new Map();
for (const file of report.testResults ?? []) {
  const base = (file.name.match(/\/(packages|test-utils|examples)\/([^/]+)\//) ?? [])[2] ?? "other";
  const project = base === "redis" && file.name.includes("/test/cluster/") ? "redis-cluster" : base;
  const counts = byProject.get(project) ?? { passed: 0, failed: 0, skipped: 0 };
  for (const test of file.assertionResults ?? []) {
    if (test.status === "passed") counts.passed++;
    else if (test.status === "failed") counts.failed++;
    else counts.skipped++;
  }
  byProject.set(project, counts);
}
for (const [project, c] of [...byProject].sort()) {
  console.log(`  ${project}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
const strict = Boolean(process.env.CHAT_HISTORY_REQUIRE);
if (failed > 0 || passed === 0 || (strict && skipped > 0)) process.exit(1);

/**
 * Backends a run must test: `CHAT_HISTORY_REQUIRE=postgres,redis,redis-cluster,mongodb` (or `all`).
 * CI sets it so that a missing service fails the run instead of skipping.
 */
export function isRequired(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const list = (env.CHAT_HISTORY_REQUIRE ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return list.includes("all") || list.includes(name);
}

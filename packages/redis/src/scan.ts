import type { Cluster, Redis } from "ioredis";

/** Masters to scan: every master of a cluster, or the one server. */
function scanTargets(client: Redis | Cluster): Redis[] {
  return client.isCluster ? (client as Cluster).nodes("master") : [client as Redis];
}

/** Keys matching a glob on every master, deduplicated. For admin paths (prune, tests), not hot paths. */
export async function scanKeys(client: Redis | Cluster, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  for (const node of scanTargets(client)) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== "0");
  }
  return [...found];
}

/** Deletes keys one command each, so keys of different slots are fine on a cluster. */
export async function unlinkKeys(client: Redis | Cluster, keys: readonly string[]): Promise<void> {
  const batch = 500;
  for (let i = 0; i < keys.length; i += batch) {
    await Promise.all(keys.slice(i, i + batch).map((key) => client.unlink(key)));
  }
}

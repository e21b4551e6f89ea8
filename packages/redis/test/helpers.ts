import "./provided.js";
import { randomBytes } from "node:crypto";
import type { SessionKey } from "@chat-history/core";
import { Cluster, Redis } from "ioredis";
import { prefixPattern, sessionKeys } from "../src/keys.js";
import { scanKeys, unlinkKeys } from "../src/scan.js";

/** A name no other test uses (lowercase letters and digits). */
export function unique(label: string): string {
  return `${label}${randomBytes(5).toString("hex")}`;
}

/** Node addresses from "redis://127.0.0.1:7100,redis://127.0.0.1:7101". */
export function clusterNodes(urls: string): Array<{ host: string; port: number }> {
  return urls
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => {
      const parsed = new URL(u);
      return { host: parsed.hostname, port: Number(parsed.port || 6379) };
    });
}

export function openCluster(urls: string): Cluster {
  return new Cluster(clusterNodes(urls), { redisOptions: { maxRetriesPerRequest: 2 } });
}

export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2 });
}

/** Deletes every key the layout writes under a prefix, on every master. */
export async function dropPrefix(client: Redis | Cluster, prefix: string): Promise<void> {
  await unlinkKeys(client, await scanKeys(client, prefixPattern(prefix)));
}

/** Raw record count, straight from the list. */
export async function rawCount(client: Redis | Cluster, prefix: string, key: SessionKey): Promise<number> {
  return client.llen(sessionKeys(prefix, key).msgs);
}

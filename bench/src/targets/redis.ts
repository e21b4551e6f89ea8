import { RedisChatMessageHistory as CommunityRedisHistory } from "@langchain/community/stores/message/ioredis";
import { RedisChatMessageHistory as LangchainRedisHistory } from "@langchain/redis";
import { Redis } from "ioredis";
import { RedisChatHistoryStore } from "@chat-history/redis";
import { lcStoredFrom, payloadsFrom } from "../messages.js";
import { adapterTargets } from "./adapter.js";
import { type BackendTargets, type Batch, type BenchConfig, type SessionRef, type Target, inChunks } from "./target.js";
import { LangChainPeer } from "./peer.js";

/** Floor: RPUSH the batch, LRANGE -n -1. */
class RedisFloor implements Target {
  readonly id = "redis/floor";
  readonly backend = "redis" as const;
  readonly kind = "floor" as const;
  readonly label = "RPUSH + LRANGE -n -1";

  constructor(
    readonly client: Redis,
    readonly prefix: string,
  ) {}

  #key(session: SessionRef): string {
    return `${this.prefix}:floor:${session.space}:${session.id}`;
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    for (const id of ids) {
      const key = this.#key({ space, id });
      await this.client.del(key);
      await inChunks(count, async (start, n) => {
        await this.client.rpush(key, ...payloadsFrom(start, n));
      });
    }
  }

  async turn(session: SessionRef, window: number | undefined, batch: Batch): Promise<void> {
    if (window === undefined) await this.readAll(session);
    else await this.readLast(session, window);
    await this.append(session, batch);
  }

  async append(session: SessionRef, batch: Batch): Promise<void> {
    await this.client.rpush(this.#key(session), ...batch.payloads);
  }

  async readLast(session: SessionRef, n: number): Promise<number> {
    return (await this.client.lrange(this.#key(session), -n, -1)).length;
  }

  async readAll(session: SessionRef): Promise<number> {
    return (await this.client.lrange(this.#key(session), 0, -1)).length;
  }

  async dropSpace(space: string): Promise<void> {
    await deleteMatching(this.client, `${this.prefix}:floor:${space}:*`);
  }
}

/** What both LangChain Redis stores share: a list per session id, newest first (LPUSH), read whole and reversed. */
interface LangchainRedisLike {
  getMessages(): Promise<unknown[]>;
  addMessages(messages: Batch["messages"]): Promise<void>;
}

/** Peers: the two LangChain Redis stores. Seeded by LPUSH in their format (one JSON stored message per element). */
class RedisPeer extends LangChainPeer implements Target {
  readonly backend = "redis" as const;
  readonly kind = "peer" as const;
  readonly #histories = new Map<string, LangchainRedisLike>();

  constructor(
    readonly id: string,
    readonly label: string,
    readonly seeder: Redis,
    readonly keyPrefix: string,
    readonly create: (sessionId: string) => LangchainRedisLike,
  ) {
    super();
  }

  #key(session: SessionRef): string {
    return `${this.keyPrefix}:${session.space}:${session.id}`;
  }

  protected override history(session: SessionRef): LangchainRedisLike {
    const key = this.#key(session);
    let history = this.#histories.get(key);
    if (!history) {
      history = this.create(key);
      this.#histories.set(key, history);
    }
    return history;
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    for (const id of ids) {
      const key = this.#key({ space, id });
      await this.seeder.del(key);
      await inChunks(count, async (start, n) => {
        await this.seeder.lpush(key, ...lcStoredFrom(start, n).map((m) => JSON.stringify(m)));
      });
      // Connects a lazily connecting client now rather than inside a timed call.
      await this.history({ space, id }).getMessages();
    }
  }

  async dropSpace(space: string): Promise<void> {
    await deleteMatching(this.seeder, `${this.keyPrefix}:${space}:*`);
    for (const key of [...this.#histories.keys()])
      if (key.startsWith(`${this.keyPrefix}:${space}:`)) this.#histories.delete(key);
  }
}

async function deleteMatching(client: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}

interface NodeRedisClient {
  isOpen?: boolean;
  quit(): Promise<unknown>;
}

export function redisTargets(config: BenchConfig): BackendTargets {
  // One ioredis connection for our adapter, the floor and the community store; @langchain/redis
  // brings its own node-redis client (one, shared through one config object).
  const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  const store = new RedisChatHistoryStore({ client, prefix: config.prefix });
  const nodeRedisConfig = { url: config.redisUrl };
  const langchainClients = new Set<NodeRedisClient>();
  const targets: BackendTargets = {
    backend: "redis",
    targets: [
      ...adapterTargets("redis", store, "RedisChatHistoryStore"),
      new RedisFloor(client, config.prefix),
      new RedisPeer(
        "redis/peer-community",
        "RedisChatMessageHistory (community, ioredis)",
        client,
        `${config.prefix}:lc`,
        (sessionId) => new CommunityRedisHistory({ client, sessionId }),
      ),
      new RedisPeer(
        "redis/peer-langchain",
        "RedisChatMessageHistory (@langchain/redis)",
        client,
        `${config.prefix}:lcr`,
        (sessionId) => {
          const history = new LangchainRedisHistory({ config: nodeRedisConfig, sessionId });
          langchainClients.add(history.client as unknown as NodeRedisClient);
          return history;
        },
      ),
    ],
    async setup() {
      await deleteMatching(client, `${config.prefix}:*`);
      const info = await client.info("server");
      const persistence = await client.config("GET", "save");
      targets.server = `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? "?"} (save "${(persistence as string[])[1] ?? ""}")`;
    },
    async cleanup() {
      await deleteMatching(client, `${config.prefix}:*`);
    },
    async close() {
      for (const c of langchainClients) if (c.isOpen) await c.quit();
      await store.close();
      await client.quit();
    },
  };
  return targets;
}

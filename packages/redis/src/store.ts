import {
  type AppendOptions,
  type AppendResult,
  BaseChatHistoryStore,
  type BaseStoreOptions,
  InvalidOptionError,
  type ReadQuery,
  type SessionInfo,
  type SessionKey,
  type SessionPage,
  type StoreCapabilities,
  type StoredRecord,
  assertKeyPrefix,
} from "@chat-history/core";
import { type Cluster, Redis, type RedisOptions } from "ioredis";
import { guarded, isCrossSlot } from "./errors.js";
import { memberKeys, userSetsPattern } from "./keys.js";
import { STALE_MEMBER_GRACE_MS, listUserSessions } from "./list-sessions.js";
import { parseElements } from "./records.js";
import { scanKeys } from "./scan.js";
import { type ScriptedClient, withScripts } from "./scripts.js";
import { SessionCache } from "./session-cache.js";
import { loadSessionInfo } from "./session-info.js";

export interface RedisStoreOptions extends BaseStoreOptions {
  /** A client you own (standalone or Cluster); the store never closes it. */
  client?: Redis | Cluster | undefined;
  /** Or a URL: the store opens its own connection and quits it in close(). */
  url?: string | undefined;
  /** Extra ioredis options for the connection opened from `url`. */
  redisOptions?: RedisOptions | undefined;
  /** Every key starts with `<prefix>:{` (default "chat-history"). */
  prefix?: string | undefined;
}

export const DEFAULT_PREFIX = "chat-history";

/** A store on Redis or Redis Cluster: one list, counter and hash per session, expired natively. */
export class RedisChatHistoryStore extends BaseChatHistoryStore {
  readonly capabilities: StoreCapabilities = { nativeTtl: true, crossProcess: true, persistent: true };
  readonly prefix: string;
  readonly client: Redis | Cluster;
  readonly #redis: ScriptedClient;
  readonly #ownsClient: boolean;
  readonly #sessions: SessionCache;
  /**
   * Whether the append script also updates the user's sorted set (one command instead of two). Not on
   * a Cluster client, where the set is in another slot; turned off if the server refuses it (CROSSSLOT).
   */
  #listInScript: boolean;

  constructor(options: RedisStoreOptions) {
    super(options);
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    assertKeyPrefix("prefix", prefix);
    if ((options.client === undefined) === (options.url === undefined)) {
      throw new InvalidOptionError("client", "pass exactly one of `client` (an ioredis Redis or Cluster) or `url`");
    }
    this.prefix = prefix;
    this.#ownsClient = options.client === undefined;
    this.client = options.client ?? openClient(options.url as string, options.redisOptions);
    this.#redis = withScripts(this.client);
    this.#sessions = new SessionCache(prefix);
    this.#listInScript = !this.client.isCluster;
  }

  protected doAppend(key: SessionKey, payloads: readonly string[], options: AppendOptions): Promise<AppendResult> {
    const session = this.#sessions.get(key);
    const { keys } = session;
    const now = Date.now();
    // Numbered here when the store can tell the seqs, so the script need not build the strings.
    const expected = session.nextSeq;
    const from = session.predicted ? expected : 0;
    const args: Array<string | number> = [
      now,
      options.ttlMs ?? 0,
      options.maxMessages ?? 0,
      key.sessionId,
      key.userId ?? "",
      keys.member,
      from,
    ];
    if (from > 0) for (let i = 0; i < payloads.length; i++) args.push(`${from + i}\t${payloads[i]}`);
    else args.push(...payloads);
    return guarded(async () => {
      let reply: [number, number] | undefined;
      if (this.#listInScript) {
        try {
          reply = await this.#redis.chatHistoryAppend(4, keys.msgs, keys.seq, keys.meta, keys.sessions, ...args);
        } catch (error) {
          // A proxy that spreads keys over shards refuses keys of two slots before running anything,
          // so nothing was written: from now on this store updates the sorted set on its own.
          if (!isCrossSlot(error)) throw error;
          this.#listInScript = false;
        }
      }
      if (reply === undefined) {
        // Sent together: on one connection Redis runs them in this order; on a cluster the sorted set
        // is on another slot, and listing tolerates a member whose session does not exist (yet).
        [reply] = await Promise.all([
          this.#redis.chatHistoryAppend(3, keys.msgs, keys.seq, keys.meta, ...args),
          this.#redis.zadd(keys.sessions, "GT", now, keys.member),
        ]);
      }
      const result = { firstSeq: Number(reply[0]), lastSeq: Number(reply[1]) };
      session.predicted = expected === 0 || result.firstSeq === expected;
      session.nextSeq = result.lastSeq + 1;
      return result;
    });
  }

  protected doRead(key: SessionKey, query: ReadQuery): Promise<StoredRecord[]> {
    const { msgs } = this.#sessions.get(key).keys;
    return guarded(async () => {
      let elements: string[];
      if (query.last !== undefined) elements = await this.#redis.lrange(msgs, -query.last, -1);
      else if (query.before === undefined && query.after === undefined && query.limit === undefined) {
        elements = await this.#redis.lrange(msgs, 0, -1);
      } else {
        elements = await this.#redis.chatHistoryReadRange(
          msgs,
          query.after ?? -1,
          query.before ?? -1,
          query.limit ?? 0,
        );
      }
      return parseElements(elements, key.sessionId);
    });
  }

  protected doCount(key: SessionKey): Promise<number> {
    return guarded(() => this.#redis.llen(this.#sessions.get(key).keys.msgs));
  }

  protected doGetSession(key: SessionKey): Promise<SessionInfo | undefined> {
    return guarded(() => loadSessionInfo(this.#redis, this.#sessions.get(key).keys, key));
  }

  protected doListSessions(
    userId: string | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<SessionPage> {
    return guarded(() => listUserSessions(this.#redis, this.prefix, userId, limit, cursor));
  }

  protected doClear(key: SessionKey): Promise<void> {
    const keys = this.#sessions.get(key).keys;
    const now = Date.now();
    return guarded(async () => {
      const existed = await this.#redis.chatHistoryClear(keys.msgs, keys.meta, now);
      if (existed === 1) await this.#redis.zadd(keys.sessions, "GT", now, keys.member);
    });
  }

  protected doDeleteSession(key: SessionKey): Promise<boolean> {
    const session = this.#sessions.get(key);
    const { keys } = session;
    // The counter goes with the session, so the seq guess is void: the next append sends bare payloads.
    session.nextSeq = 0;
    return guarded(async () => {
      // Unlisted first: racing an append, the worst left behind is a stale member, never a hidden session.
      const [, removed] = await Promise.all([
        this.#redis.zrem(keys.sessions, keys.member),
        this.#redis.del(keys.msgs, keys.seq, keys.meta),
      ]);
      return removed > 0;
    });
  }

  /** Redis expires sessions itself; this only drops sorted-set members whose session is gone. Resolves 0. */
  protected doPrune(): Promise<number> {
    return guarded(async () => {
      const staleBefore = Date.now() - STALE_MEMBER_GRACE_MS;
      for (const setKey of await scanKeys(this.#redis, userSetsPattern(this.prefix))) {
        const reply = await this.#redis.zrangebyscore(setKey, "-inf", `(${staleBefore}`, "WITHSCORES");
        for (let i = 0; i + 1 < reply.length; i += 2) {
          const member = reply[i] as string;
          const score = reply[i + 1] as string;
          const metaKey = memberKeys(this.prefix, member).meta;
          if ((await this.#redis.exists(metaKey)) === 0) {
            await this.#redis.chatHistoryUnlistIfUnchanged(setKey, member, score);
          }
        }
      }
      return 0;
    });
  }

  protected async doClose(): Promise<void> {
    if (!this.#ownsClient) return;
    const client = this.client;
    if (client.status !== "ready") {
      client.disconnect();
      return;
    }
    // quit() resolves on the server's OK; wait for the socket to close too, so nothing is left open.
    const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
    await client.quit().catch(() => client.disconnect());
    await ended;
  }
}

/**
 * Options for the connection the store opens from `url` (your `redisOptions` override them):
 * - `maxRetriesPerRequest: 2`: while Redis is unreachable a call fails after the third failed
 *   reconnect attempt instead of waiting in the offline queue for minutes;
 * - `commandTimeout: 10_000`: a call that gets no reply (a frozen server, a dead peer) rejects after 10 s;
 * - `autoResendUnfulfilledCommands: false`: a command that was in flight when the connection dropped is
 *   never sent again by itself: an append Redis may already have run must not be applied twice.
 *   The caller gets StoreUnavailableError and decides.
 */
export const REDIS_CLIENT_DEFAULTS = {
  maxRetriesPerRequest: 2,
  commandTimeout: 10_000,
  autoResendUnfulfilledCommands: false,
} as const satisfies RedisOptions;

function openClient(url: string, redisOptions: RedisOptions | undefined): Redis {
  if (typeof url !== "string" || url.length === 0)
    throw new InvalidOptionError("url", "must be a redis:// or rediss:// URL");
  const client = new Redis(url, { ...REDIS_CLIENT_DEFAULTS, ...redisOptions });
  // Failures reach callers through their commands (as StoreUnavailableError); keep them off the console.
  client.on("error", () => {});
  return client;
}

import { StoreUnavailableError } from "@chat-history/core";
import { REDIS_CLIENT_DEFAULTS, RedisChatHistoryStore, type RedisStoreOptions } from "@chat-history/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../src/servers/process-tools.js";
import { RedisInstance, type RedisStopMode, redisInstanceUnavailable } from "../../src/servers/redis-instance.js";
import { expectSurvived, required, runOutage, uniqueName } from "./outage.js";

/**
 * A redis-server of our own (never the shared one, AOF with appendfsync always) is shut down, killed,
 * frozen and restarted on the same port under a running workload. A call sends at most two commands
 * in a row (EVALSHA, then EVAL when a restarted server no longer has the script), each bounded by
 * `commandTimeout`.
 */
const callBound = (commandTimeout: number) => 2 * commandTimeout;
/** Scheduling slack on a loaded 2-core machine; the bound is about hanging, not speed. */
const SLACK_MS = 1_500;

const unavailable = await redisInstanceUnavailable();
if (unavailable && required("redis")) throw new Error(`server-fault tests need their own redis-server: ${unavailable}`);

describe.skipIf(unavailable !== "")(
  unavailable ? `Redis server faults (skipped: ${unavailable})` : "Redis server faults",
  () => {
    let server: RedisInstance;
    const stores: RedisChatHistoryStore[] = [];

    beforeAll(async () => {
      server = await RedisInstance.create();
    });

    afterAll(async () => {
      await Promise.allSettled(stores.map((s) => s.close()));
      await server?.destroy();
    });

    function openStore(options: Partial<RedisStoreOptions> = {}): RedisChatHistoryStore {
      const store = new RedisChatHistoryStore({ url: server.url, prefix: uniqueName("faults-"), ...options });
      stores.push(store);
      return store;
    }

    it.each<RedisStopMode>(["nosave", "kill"])(
      "survives stop mode %s and a restart: typed failures, same store recovers, acknowledged appends kept",
      async (mode) => {
        const store = openStore();
        const outcome = await runOutage(store, uniqueName("redis"), {
          down: () => server.stop(mode),
          up: () => server.start(),
        });
        expectSurvived(`redis ${mode}`, outcome, callBound(REDIS_CLIENT_DEFAULTS.commandTimeout) + SLACK_MS);
      },
      60_000,
    );

    it("a frozen server (SIGSTOP) fails calls within commandTimeout; the store recovers after SIGCONT", async () => {
      const commandTimeout = 1_000;
      const store = openStore({ redisOptions: { commandTimeout } });
      const outcome = await runOutage(store, uniqueName("redisfrozen"), {
        down: () => server.freeze(),
        up: () => server.thaw(),
      });
      expectSurvived("redis frozen", outcome, callBound(commandTimeout) + SLACK_MS);
    }, 60_000);

    it("an append in flight across a quick kill and restart rejects within commandTimeout and is not replayed", async () => {
      const commandTimeout = 1_500;
      const store = openStore({ redisOptions: { commandTimeout } });
      const key = { sessionId: uniqueName("blip") };
      await store.append(key, ['"first"']);
      // Frozen, the server holds the append unread; killed, it never runs it; restarted at once, the
      // client reconnects before its retry budget runs out: the append must neither hang nor be resent.
      server.freeze();
      const started = performance.now();
      const inFlight = store.append(key, ['"in flight"']).catch((error: unknown) => error);
      await server.stop("kill");
      await server.start();
      const failure = await inFlight;
      const elapsed = performance.now() - started;
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect(elapsed).toBeLessThan(commandTimeout + SLACK_MS);
      await waitUntil("the store to reach the restarted server", 15_000, () =>
        store.count(key).then(
          () => true,
          () => false,
        ),
      );
      expect(await store.append(key, ['"after"'])).toEqual({ firstSeq: 2, lastSeq: 2 });
      expect((await store.read(key)).map((r) => r.payload)).toEqual(['"first"', '"after"']);
    }, 60_000);

    it("a store opened while the server is down fails typed, then works once the server is up", async () => {
      await server.stop("nosave");
      const store = openStore();
      const key = { sessionId: uniqueName("cold") };
      try {
        const failure = await store.append(key, ['"while down"']).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(StoreUnavailableError);
        expect((failure as StoreUnavailableError).retryable).toBe(true);
      } finally {
        await server.start();
      }
      // The client reconnects with backoff on its own; a read (safe to repeat) tells when it is back.
      await waitUntil("the store to reach the restarted server", 15_000, () =>
        store.count(key).then(
          () => true,
          () => false,
        ),
      );
      expect(await store.append(key, ['"after start"'])).toEqual({ firstSeq: 1, lastSeq: 1 });
      expect(await store.read(key)).toEqual([{ seq: 1, payload: '"after start"' }]);
    }, 60_000);

    it("the connection a store opens has bounded waits and never resends a command by itself", () => {
      const store = openStore();
      const { options } = store.client as unknown as { options: Record<string, unknown> };
      expect(options.commandTimeout).toBe(REDIS_CLIENT_DEFAULTS.commandTimeout);
      expect(options.maxRetriesPerRequest).toBe(REDIS_CLIENT_DEFAULTS.maxRetriesPerRequest);
      expect(options.autoResendUnfulfilledCommands).toBe(false);
    });
  },
);

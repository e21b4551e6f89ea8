import { StoreUnavailableError } from "@chat-history/core";
import { POSTGRES_POOL_DEFAULTS, PostgresChatHistoryStore, type PostgresStoreOptions } from "@chat-history/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PostgresInstance,
  type PostgresStopMode,
  postgresInstanceUnavailable,
} from "../../src/servers/postgres-instance.js";
import { expectSurvived, required, runOutage, uniqueName } from "./outage.js";

/**
 * A PostgreSQL server of our own (never the shared one) is stopped, frozen and restarted under a
 * running workload. One call is one pool.query: at most a connection wait plus a reply wait.
 */
const DEFAULT_CALL_BOUND_MS = POSTGRES_POOL_DEFAULTS.connectionTimeoutMillis + POSTGRES_POOL_DEFAULTS.query_timeout;
/** Scheduling slack on a loaded 2-core machine; the bound is about hanging, not speed. */
const SLACK_MS = 1_500;

const unavailable = postgresInstanceUnavailable();
if (unavailable && required("postgres"))
  throw new Error(`server-fault tests need their own PostgreSQL: ${unavailable}`);

describe.skipIf(unavailable !== "")(
  unavailable ? `PostgreSQL server faults (skipped: ${unavailable})` : "PostgreSQL server faults",
  () => {
    let server: PostgresInstance;
    const stores: PostgresChatHistoryStore[] = [];

    beforeAll(async () => {
      server = await PostgresInstance.create();
    });

    afterAll(async () => {
      await Promise.allSettled(stores.map((s) => s.close()));
      await server?.destroy();
    });

    function openStore(options: Partial<PostgresStoreOptions> = {}): PostgresChatHistoryStore {
      const store = new PostgresChatHistoryStore({
        connectionString: server.url,
        tableName: uniqueName("faults_"),
        ...options,
      });
      stores.push(store);
      return store;
    }

    it.each<PostgresStopMode>(["fast", "immediate"])(
      "survives stop mode %s and a restart: typed failures, same store recovers, acknowledged appends kept",
      async (mode) => {
        const store = openStore();
        await store.ready();
        const outcome = await runOutage(store, uniqueName("pg"), {
          down: () => server.stop(mode),
          up: () => server.start(),
        });
        expectSurvived(`postgres ${mode} stop`, outcome, DEFAULT_CALL_BOUND_MS + SLACK_MS);
      },
      60_000,
    );

    it("a frozen server (SIGSTOP) fails calls within the pool timeouts; the store recovers after SIGCONT", async () => {
      const timeouts = { connectionTimeoutMillis: 1_000, query_timeout: 2_000 };
      const store = openStore({ poolOptions: timeouts });
      await store.ready();
      const outcome = await runOutage(store, uniqueName("pgfrozen"), {
        down: () => server.freeze(),
        up: () => server.thaw(),
      });
      expectSurvived("postgres frozen", outcome, timeouts.connectionTimeoutMillis + timeouts.query_timeout + SLACK_MS);
    }, 60_000);

    it("a store opened while the server is down fails typed, then works once the server is up", async () => {
      await server.stop("fast");
      const store = openStore();
      const key = { sessionId: uniqueName("cold") };
      try {
        const failure = await store.append(key, ['"while down"']).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(StoreUnavailableError);
        expect((failure as StoreUnavailableError).retryable).toBe(true);
        await expect(store.read(key)).rejects.toBeInstanceOf(StoreUnavailableError);
      } finally {
        await server.start();
      }
      // Setup failed above; the same store runs it again on its next call.
      expect(await store.append(key, ['"after start"'])).toEqual({ firstSeq: 1, lastSeq: 1 });
      expect(await store.read(key)).toEqual([{ seq: 1, payload: '"after start"' }]);
    }, 60_000);

    it("the pool a store opens has bounded connection and query waits by default", () => {
      const store = openStore();
      expect(store.pool.options.connectionTimeoutMillis).toBe(POSTGRES_POOL_DEFAULTS.connectionTimeoutMillis);
      expect((store.pool.options as { query_timeout?: number }).query_timeout).toBe(
        POSTGRES_POOL_DEFAULTS.query_timeout,
      );
      const tuned = openStore({ poolOptions: { connectionTimeoutMillis: 250 } });
      expect(tuned.pool.options.connectionTimeoutMillis).toBe(250);
    });
  },
);

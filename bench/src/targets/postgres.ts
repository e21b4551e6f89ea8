import { PostgresChatMessageHistory } from "@langchain/community/stores/message/postgres";
import pg from "pg";
import { PostgresChatHistoryStore } from "@chat-history/postgres";
import { lcStoredFrom, payloadsFrom } from "../messages.js";
import { adapterTargets } from "./adapter.js";
import { type BackendTargets, type Batch, type BenchConfig, type SessionRef, type Target, inChunks } from "./target.js";
import { LangChainPeer } from "./peer.js";

/** Floor: a table keyed (session_id, seq); one INSERT of the batch (seq computed in it), one indexed last-N SELECT. */
class PostgresFloor implements Target {
  readonly id = "postgres/floor";
  readonly backend = "postgres" as const;
  readonly kind = "floor" as const;
  readonly label = "pg: one INSERT ... unnest, indexed ORDER BY seq DESC LIMIT n";
  readonly #insert: string;
  readonly #last: string;
  readonly #all: string;

  constructor(
    readonly pool: pg.Pool,
    readonly table: string,
  ) {
    this.#insert = `INSERT INTO ${table} (session_id, seq, payload)
      SELECT $1, coalesce((SELECT max(seq) FROM ${table} WHERE session_id = $1), 0) + p.ord, p.payload
      FROM unnest($2::text[]) WITH ORDINALITY AS p(payload, ord)`;
    this.#last = `SELECT payload FROM ${table} WHERE session_id = $1 ORDER BY seq DESC LIMIT $2`;
    this.#all = `SELECT payload FROM ${table} WHERE session_id = $1 ORDER BY seq`;
  }

  ddl(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.table} (session_id text NOT NULL, seq bigint NOT NULL, payload text NOT NULL, PRIMARY KEY (session_id, seq))`;
  }

  #id(session: SessionRef): string {
    return `${session.space}:${session.id}`;
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    for (const id of ids) {
      const sessionId = this.#id({ space, id });
      await this.pool.query(`DELETE FROM ${this.table} WHERE session_id = $1`, [sessionId]);
      await inChunks(count, async (start, n) => {
        await this.pool.query(this.#insert, [sessionId, payloadsFrom(start, n)]);
      });
    }
    await this.pool.query(`ANALYZE ${this.table}`);
  }

  async turn(session: SessionRef, window: number | undefined, batch: Batch): Promise<void> {
    if (window === undefined) await this.readAll(session);
    else await this.readLast(session, window);
    await this.append(session, batch);
  }

  async append(session: SessionRef, batch: Batch): Promise<void> {
    await this.pool.query(this.#insert, [this.#id(session), batch.payloads]);
  }

  async readLast(session: SessionRef, n: number): Promise<number> {
    return (await this.pool.query(this.#last, [this.#id(session), n])).rows.reverse().length;
  }

  async readAll(session: SessionRef): Promise<number> {
    return (await this.pool.query(this.#all, [this.#id(session)])).rows.length;
  }

  async dropSpace(space: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE session_id >= $1 AND session_id < $2`, [
      `${space}:`,
      `${space};`,
    ]);
  }
}

/**
 * Peer: PostgresChatMessageHistory (community). Its table has no index on session_id, so every
 * session in the table is scanned on each read; each space gets its own table so that a session's
 * figures are its own (the best case for this store). Seeded by INSERTs in its format.
 */
class PostgresPeer extends LangChainPeer implements Target {
  readonly id = "postgres/peer";
  readonly backend = "postgres" as const;
  readonly kind = "peer" as const;
  readonly label = "PostgresChatMessageHistory (community)";
  readonly #histories = new Map<string, PostgresChatMessageHistory>();
  readonly tables = new Set<string>();

  constructor(
    readonly pool: pg.Pool,
    readonly prefix: string,
  ) {
    super();
  }

  table(space: string): string {
    return `${this.prefix}_lc_${space}`;
  }

  protected override history(session: SessionRef): PostgresChatMessageHistory {
    const name = `${session.space}\u0001${session.id}`;
    let history = this.#histories.get(name);
    if (!history) {
      history = new PostgresChatMessageHistory({
        pool: this.pool,
        tableName: this.table(session.space),
        sessionId: session.id,
      });
      this.#histories.set(name, history);
    }
    return history;
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    const table = this.table(space);
    this.tables.add(table);
    // The store's own DDL, run here so the rows can go in before its first call.
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, session_id VARCHAR(255) NOT NULL, message JSONB NOT NULL)`,
    );
    for (const id of ids) {
      await this.pool.query(`DELETE FROM ${table} WHERE session_id = $1`, [id]);
      await inChunks(count, async (start, n) => {
        const rows = lcStoredFrom(start, n).map(({ type, data }) => JSON.stringify({ ...data, type }));
        await this.pool.query(
          `INSERT INTO ${table} (session_id, message) SELECT $1, m::jsonb FROM unnest($2::text[]) WITH ORDINALITY AS u(m, o) ORDER BY o`,
          [id, rows],
        );
      });
    }
    await this.pool.query(`ANALYZE ${table}`);
  }

  async dropSpace(space: string): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.table(space)}`);
    this.tables.delete(this.table(space));
    for (const name of [...this.#histories.keys()]) if (name.startsWith(`${space}\u0001`)) this.#histories.delete(name);
  }
}

export function postgresTargets(config: BenchConfig): BackendTargets {
  // One pool for all three, the pg default size (10): the same connections for everyone.
  const pool = new pg.Pool({ connectionString: config.postgresUrl, max: 10 });
  pool.on("error", () => undefined);
  const adapterTable = `${config.prefix}_adapter`;
  const store = new PostgresChatHistoryStore({ pool, tableName: adapterTable });
  const floor = new PostgresFloor(pool, `${config.prefix}_floor`);
  const peer = new PostgresPeer(pool, config.prefix);
  const dropAll = async () => {
    const { rows } = await pool.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE $1",
      [`${config.prefix}\\_%`],
    );
    for (const { name } of rows) await pool.query(`DROP TABLE IF EXISTS "${name}"`);
  };
  const targets: BackendTargets = {
    backend: "postgres",
    // Every table is analyzed after seeding, as autovacuum would do in a database that has been running:
    // the figures are for settled statistics (see the method notes for what stale ones do to our reads).
    targets: [
      ...adapterTargets("postgres", store, "PostgresChatHistoryStore", async () => {
        await pool.query(`ANALYZE ${store.tables.sessions}, ${store.tables.messages}`);
      }),
      floor,
      peer,
    ],
    async setup() {
      await dropAll();
      await store.ready();
      await pool.query(floor.ddl());
      const { rows } = await pool.query<{ v: string; f: string }>(
        "SELECT version() AS v, current_setting('fsync') AS f",
      );
      targets.server = `${rows[0]?.v.split(" on ")[0]} (fsync ${rows[0]?.f})`;
    },
    async cleanup() {
      await dropAll();
    },
    async close() {
      await store.close();
      await pool.end();
    },
  };
  return targets;
}

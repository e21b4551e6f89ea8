import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SqliteChatHistoryStore } from "@chat-history/sqlite";
import { payloadsFrom } from "../messages.js";
import { adapterTargets } from "./adapter.js";
import { type BackendTargets, type Batch, type BenchConfig, type SessionRef, type Target, inChunks } from "./target.js";

const FLOOR_DDL = `CREATE TABLE IF NOT EXISTS floor (
  session_id TEXT NOT NULL, seq INTEGER NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (session_id, seq)
) WITHOUT ROWID`;

/**
 * Floor: better-sqlite3 in WAL mode with synchronous=NORMAL (the adapter's default), one table keyed
 * (session_id, seq); a batch is prepared INSERTs in one transaction after reading the last seq.
 */
class SqliteFloor implements Target {
  readonly id = "sqlite/floor";
  readonly backend = "sqlite" as const;
  readonly kind = "floor" as const;
  readonly label = "better-sqlite3 WAL, INSERT in a transaction + ORDER BY seq DESC LIMIT n";
  readonly db: Database.Database;
  readonly #insert: (sessionId: string, payloads: readonly string[]) => void;
  readonly #last: Database.Statement;
  readonly #all: Database.Statement;
  readonly #delete: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(FLOOR_DDL);
    const lastSeq = this.db.prepare("SELECT seq FROM floor WHERE session_id = ? ORDER BY seq DESC LIMIT 1").pluck();
    const insert = this.db.prepare("INSERT INTO floor (session_id, seq, payload) VALUES (?, ?, ?)");
    const write = this.db.transaction((sessionId: string, payloads: readonly string[]) => {
      const last = (lastSeq.get(sessionId) as number | undefined) ?? 0;
      for (let i = 0; i < payloads.length; i++) insert.run(sessionId, last + i + 1, payloads[i]);
    });
    this.#insert = (sessionId, payloads) => write.immediate(sessionId, payloads);
    this.#last = this.db.prepare("SELECT payload FROM floor WHERE session_id = ? ORDER BY seq DESC LIMIT ?").pluck();
    this.#all = this.db.prepare("SELECT payload FROM floor WHERE session_id = ? ORDER BY seq").pluck();
    this.#delete = this.db.prepare("DELETE FROM floor WHERE session_id = ?");
  }

  #id(session: SessionRef): string {
    return `${session.space}:${session.id}`;
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    for (const id of ids) {
      const sessionId = this.#id({ space, id });
      this.#delete.run(sessionId);
      await inChunks(count, (start, n) => this.#insert(sessionId, payloadsFrom(start, n)));
    }
  }

  async turn(session: SessionRef, window: number | undefined, batch: Batch): Promise<void> {
    if (window === undefined) await this.readAll(session);
    else await this.readLast(session, window);
    await this.append(session, batch);
  }

  async append(session: SessionRef, batch: Batch): Promise<void> {
    this.#insert(this.#id(session), batch.payloads);
  }

  async readLast(session: SessionRef, n: number): Promise<number> {
    return (this.#last.all(this.#id(session), n) as string[]).reverse().length;
  }

  async readAll(session: SessionRef): Promise<number> {
    return this.#all.all(this.#id(session)).length;
  }

  async dropSpace(space: string): Promise<void> {
    this.db.prepare("DELETE FROM floor WHERE session_id >= ? AND session_id < ?").run(`${space}:`, `${space};`);
  }
}

export function sqliteTargets(config: BenchConfig): BackendTargets {
  const root = join(config.dir, "sqlite");
  mkdirSync(root, { recursive: true });
  const store = new SqliteChatHistoryStore({ path: join(root, "adapter.db") });
  const floor = new SqliteFloor(join(root, "floor.db"));
  return {
    backend: "sqlite",
    targets: [...adapterTargets("sqlite", store, "SqliteChatHistoryStore"), floor],
    server: `SQLite ${floor.db.prepare("SELECT sqlite_version()").pluck().get() as string} (better-sqlite3, WAL, synchronous=NORMAL)`,
    async setup() {},
    async cleanup() {},
    async close() {
      await store.close();
      floor.db.close();
    },
  };
}

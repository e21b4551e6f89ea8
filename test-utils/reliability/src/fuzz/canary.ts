import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { BackendSpec } from "../backends.js";

/**
 * Data a store must never touch: planted next to its namespace (a sibling file, a foreign table,
 * foreign keys, a foreign collection) before a hostile run, and checked after it. `check` also
 * lists what the namespace itself holds that the adapter's layout does not explain.
 */
export interface ForeignCanary {
  /** Names an injection would aim at (table names, keys), for targetedFragments(). */
  readonly targets: readonly string[];
  plant(): Promise<void>;
  /** Problems found; empty when everything outside the namespace is as planted. */
  check(): Promise<string[]>;
  remove(): Promise<void>;
}

const VALUE = (ns: string) => `canary-${ns}-do-not-touch`;

export function foreignCanary(spec: BackendSpec): ForeignCanary {
  switch (spec.name) {
    case "file":
      return fileCanary(spec);
    case "sqlite":
      return sqliteCanary(spec);
    case "postgres":
      return postgresCanary(spec);
    case "redis":
      return redisCanary(spec);
    case "mongodb":
      return mongoCanary(spec);
  }
}

/** Every file under `dir`, relative to it. */
function walk(dir: string, base = dir): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [`${relative(base, path)}/`, ...walk(path, base)] : [relative(base, path)];
  });
}

/** Names the file store may create: `none` or `u<enc>` folders holding `s<enc>` files (plus temporaries and locks). */
const FILE_LAYOUT = /^(none|u[bh][a-z0-9]+)\/(s[bh][a-z0-9]+(\.jsonl|\.meta\.json|\.lock)(\.\d+-[0-9a-f]+\.tmp)?)?$/;

function fileCanary(spec: BackendSpec): ForeignCanary {
  // location = <tmp>/chat-history-reliability/<ns>/file: the namespace folder and its parent are ours to check.
  const nsDir = dirname(spec.location);
  const planted: Record<string, string> = {
    [join(nsDir, "canary.txt")]: VALUE(spec.namespace),
    [join(nsDir, "file-canary", "inner.txt")]: VALUE(spec.namespace),
    [join(nsDir, "none")]: VALUE(spec.namespace),
    [join(dirname(nsDir), `${spec.namespace}-sibling.txt`)]: VALUE(spec.namespace),
  };
  return {
    targets: ["canary.txt", "file-canary", "none", `${spec.namespace}-sibling.txt`],
    async plant() {
      for (const [path, text] of Object.entries(planted)) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
    },
    async check() {
      const problems: string[] = [];
      for (const [path, text] of Object.entries(planted)) {
        let now: string | undefined;
        try {
          now = readFileSync(path, "utf8");
        } catch {
          now = undefined;
        }
        if (now !== text) problems.push(`${path} changed or vanished`);
      }
      const expectedOutside = new Set(["canary.txt", "file-canary/", "file-canary/inner.txt", "none", "file/"]);
      for (const entry of walk(nsDir)) {
        if (entry.startsWith("file/") && entry !== "file/") {
          const inner = entry.slice("file/".length);
          if (!FILE_LAYOUT.test(inner)) problems.push(`unexpected entry in the store folder: ${inner}`);
        } else if (!expectedOutside.has(entry) && !entry.startsWith("sqlite/")) {
          problems.push(`new entry next to the store folder: ${entry}`);
        }
      }
      return problems;
    },
    async remove() {
      rmSync(join(dirname(nsDir), `${spec.namespace}-sibling.txt`), { force: true });
      rmSync(join(nsDir, "canary.txt"), { force: true });
      rmSync(join(nsDir, "none"), { force: true });
      rmSync(join(nsDir, "file-canary"), { recursive: true, force: true });
    },
  };
}

function sqliteCanary(spec: BackendSpec): ForeignCanary {
  const path = join(spec.location, "chat.db");
  const tables = ["x", `${spec.namespace}canary`, "chat_history_messages"];
  const open = async () => {
    const Database = (await import("better-sqlite3")).default;
    mkdirSync(spec.location, { recursive: true });
    const db = new Database(path, { timeout: 10_000 });
    return db;
  };
  return {
    targets: tables,
    async plant() {
      const db = await open();
      try {
        for (const t of tables) {
          db.exec(`CREATE TABLE IF NOT EXISTS "${t}" (k TEXT, v TEXT)`);
          db.prepare(`INSERT INTO "${t}" VALUES (?, ?)`).run("k", VALUE(spec.namespace));
        }
      } finally {
        db.close();
      }
    },
    async check() {
      const db = await open();
      try {
        const problems: string[] = [];
        for (const t of tables) {
          try {
            const rows = db.prepare(`SELECT k, v FROM "${t}"`).all() as Array<{ k: string; v: string }>;
            if (rows.length !== 1 || rows[0]?.v !== VALUE(spec.namespace)) problems.push(`table ${t} changed`);
          } catch (error) {
            problems.push(`table ${t} unreadable: ${(error as Error).message}`);
          }
        }
        const names = (db.prepare("SELECT name FROM sqlite_master").all() as Array<{ name: string }>).map(
          (r) => r.name,
        );
        for (const name of names) {
          if (
            !tables.includes(name) &&
            !name.startsWith(`${spec.namespace}_`) &&
            !name.startsWith("sqlite_autoindex_")
          ) {
            problems.push(`unexpected schema object ${name}`);
          }
        }
        return problems;
      } finally {
        db.close();
      }
    },
    async remove() {
      // The database file goes with the namespace folder.
    },
  };
}

async function withPg<T>(url: string, fn: (client: import("pg").Client) => Promise<T>): Promise<T> {
  const pg = (await import("pg")).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function postgresCanary(spec: BackendSpec): ForeignCanary {
  const table = `${spec.namespace}canary`;
  const ours = new Set([`${spec.namespace}_messages`, `${spec.namespace}_sessions`, table]);
  return {
    targets: [table, `public.${table}`, `${spec.namespace}_messages`],
    async plant() {
      await withPg(spec.location, async (c) => {
        await c.query(`CREATE TABLE "${table}" (k text, v text)`);
        await c.query(`INSERT INTO "${table}" VALUES ('k', $1)`, [VALUE(spec.namespace)]);
      });
    },
    async check() {
      return withPg(spec.location, async (c) => {
        const problems: string[] = [];
        try {
          const { rows } = await c.query(`SELECT k, v FROM "${table}"`);
          if (rows.length !== 1 || rows[0]?.v !== VALUE(spec.namespace)) problems.push(`table ${table} changed`);
        } catch (error) {
          problems.push(`table ${table} unreadable: ${(error as Error).message}`);
        }
        const { rows } = await c.query<{ name: string }>(
          "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE starts_with(table_name, $1)",
          [spec.namespace],
        );
        for (const { name } of rows) {
          if (!ours.has(name.replace(/^public\./, ""))) problems.push(`unexpected table ${name}`);
        }
        return problems;
      });
    },
    async remove() {
      await withPg(spec.location, (c) => c.query(`DROP TABLE IF EXISTS "${table}"`));
    },
  };
}

function redisCanary(spec: BackendSpec): ForeignCanary {
  const prefix = `rel-${spec.namespace}`;
  // Global names (`foo`, `*`) get values unique to this run, so a run can tell its own canary apart.
  const keys = ["foo", "*", "{", prefix, `${prefix}x:{a}:msgs`, `${prefix}-canary`, `${prefix}:canary`];
  const layout = new RegExp(`^${prefix.replace(/[-]/g, "\\-")}:\\{(u:)?[A-Za-z0-9_-]+\\}:(msgs|seq|meta|sessions)$`);
  const withRedis = async <T>(fn: (r: import("ioredis").Redis) => Promise<T>): Promise<T> => {
    const { Redis } = await import("ioredis");
    const client = new Redis(spec.location);
    try {
      return await fn(client);
    } finally {
      client.disconnect();
    }
  };
  return {
    targets: keys,
    async plant() {
      await withRedis(async (r) => {
        for (const key of keys) await r.set(key, VALUE(spec.namespace));
      });
    },
    async check() {
      return withRedis(async (r) => {
        const problems: string[] = [];
        for (const key of keys) {
          if ((await r.get(key)) !== VALUE(spec.namespace)) problems.push(`key ${JSON.stringify(key)} changed`);
        }
        let cursor = "0";
        do {
          const [next, found] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
          cursor = next;
          for (const key of found) {
            if (!keys.includes(key) && !layout.test(key)) problems.push(`unexpected key ${JSON.stringify(key)}`);
          }
        } while (cursor !== "0");
        return problems;
      });
    },
    async remove() {
      await withRedis(async (r) => {
        // Only delete a global canary while it still holds this run's value.
        for (const key of keys) {
          if ((await r.get(key)) === VALUE(spec.namespace)) await r.del(key);
        }
      });
    },
  };
}

function mongoCanary(spec: BackendSpec): ForeignCanary {
  const collection = `${spec.namespace}canary`;
  const ours = new Set([`${spec.namespace}_messages`, `${spec.namespace}_sessions`, collection]);
  const withMongo = async <T>(fn: (db: import("mongodb").Db) => Promise<T>): Promise<T> => {
    const { MongoClient } = await import("mongodb");
    const client = new MongoClient(spec.location);
    try {
      return await fn(client.db("chat_history_reliability"));
    } finally {
      await client.close();
    }
  };
  return {
    targets: [collection, `${spec.namespace}_messages`],
    async plant() {
      await withMongo(async (db) => {
        await db.collection(collection).insertOne({ k: "k", v: VALUE(spec.namespace) });
      });
    },
    async check() {
      return withMongo(async (db) => {
        const problems: string[] = [];
        const docs = await db
          .collection(collection)
          .find({}, { projection: { _id: 0 } })
          .toArray();
        if (docs.length !== 1 || docs[0]?.v !== VALUE(spec.namespace))
          problems.push(`collection ${collection} changed`);
        const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
        for (const name of names) {
          if (name.startsWith(spec.namespace) && !ours.has(name)) problems.push(`unexpected collection ${name}`);
        }
        return problems;
      });
    },
    async remove() {
      await withMongo(async (db) => {
        await db
          .collection(collection)
          .drop()
          .catch(() => undefined);
      });
    },
  };
}

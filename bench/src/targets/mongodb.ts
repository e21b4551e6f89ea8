import { MongoDBChatMessageHistory } from "@langchain/mongodb";
import { type Collection, MongoClient } from "mongodb";
import { MongoDBChatHistoryStore } from "@chat-history/mongodb";
import { lcStoredFrom, payloadsFrom } from "../messages.js";
import { adapterTargets } from "./adapter.js";
import { type BackendTargets, type Batch, type BenchConfig, type SessionRef, type Target, inChunks } from "./target.js";
import { LangChainPeer } from "./peer.js";

interface FloorDoc {
  s: string;
  q: number;
  p: string;
}

/**
 * Floor: one document per message indexed (s, q); insertMany + find sort/limit. The sequence is
 * kept in memory (read from the collection once per session), which no real store may do: a floor.
 */
class MongoFloor implements Target {
  readonly id = "mongodb/floor";
  readonly backend = "mongodb" as const;
  readonly kind = "floor" as const;
  readonly label = "insertMany + find sort/limit";
  readonly #seq = new Map<string, number>();

  constructor(readonly collection: Collection<FloorDoc>) {}

  #id(session: SessionRef): string {
    return `${session.space}:${session.id}`;
  }

  async #next(sessionId: string, n: number): Promise<number> {
    let last = this.#seq.get(sessionId);
    if (last === undefined) {
      const newest = await this.collection.find({ s: sessionId }).sort({ q: -1 }).limit(1).next();
      last = newest?.q ?? 0;
    }
    this.#seq.set(sessionId, last + n);
    return last + 1;
  }

  async #insert(sessionId: string, payloads: readonly string[]): Promise<void> {
    const first = await this.#next(sessionId, payloads.length);
    await this.collection.insertMany(payloads.map((p, i) => ({ s: sessionId, q: first + i, p })));
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    for (const id of ids) {
      const sessionId = this.#id({ space, id });
      await this.collection.deleteMany({ s: sessionId });
      this.#seq.set(sessionId, 0);
      await inChunks(count, (start, n) => this.#insert(sessionId, payloadsFrom(start, n)));
    }
  }

  async turn(session: SessionRef, window: number | undefined, batch: Batch): Promise<void> {
    if (window === undefined) await this.readAll(session);
    else await this.readLast(session, window);
    await this.append(session, batch);
  }

  async append(session: SessionRef, batch: Batch): Promise<void> {
    await this.#insert(this.#id(session), batch.payloads);
  }

  async readLast(session: SessionRef, n: number): Promise<number> {
    const docs = await this.collection
      .find({ s: this.#id(session) }, { projection: { _id: 0, p: 1 } })
      .sort({ q: -1 })
      .limit(n)
      .toArray();
    return docs.reverse().length;
  }

  async readAll(session: SessionRef): Promise<number> {
    return (
      await this.collection
        .find({ s: this.#id(session) }, { projection: { _id: 0, p: 1 } })
        .sort({ q: 1 })
        .toArray()
    ).length;
  }

  async dropSpace(space: string): Promise<void> {
    await this.collection.deleteMany({ s: { $gte: `${space}:`, $lt: `${space};` } });
  }
}

/**
 * Peer: MongoDBChatMessageHistory keeps a whole session in ONE document ({ sessionId, messages: [...] }),
 * so a session cannot outgrow MongoDB's 16 MiB document limit (about 30,000 of these messages).
 * Seeded by inserting that document.
 */
class MongoPeer extends LangChainPeer implements Target {
  readonly id = "mongodb/peer";
  readonly backend = "mongodb" as const;
  readonly kind = "peer" as const;
  readonly label = "MongoDBChatMessageHistory (@langchain/mongodb)";
  readonly maxSession = 30_000;
  readonly #histories = new Map<string, MongoDBChatMessageHistory>();

  constructor(readonly collection: Collection) {
    super();
  }

  #id(session: SessionRef): string {
    return `${session.space}:${session.id}`;
  }

  protected override history(session: SessionRef): MongoDBChatMessageHistory {
    const id = this.#id(session);
    let history = this.#histories.get(id);
    if (!history) {
      // @langchain/mongodb is typed against mongodb 6; the collection object works with either.
      history = new MongoDBChatMessageHistory({ collection: this.collection as never, sessionId: id });
      this.#histories.set(id, history);
    }
    return history;
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    for (const id of ids) {
      const sessionId = this.#id({ space, id });
      await this.collection.deleteMany({ sessionId });
      await this.collection.insertOne({ sessionId, messages: lcStoredFrom(0, count) });
    }
  }

  async dropSpace(space: string): Promise<void> {
    await this.collection.deleteMany({ sessionId: { $gte: `${space}:`, $lt: `${space};` } });
  }
}

export function mongodbTargets(config: BenchConfig & { mongodbUrl: string }): BackendTargets {
  const client = new MongoClient(config.mongodbUrl);
  const db = client.db();
  const store = new MongoDBChatHistoryStore({ client, collectionName: `${config.prefix}_adapter` });
  const floor = new MongoFloor(db.collection<FloorDoc>(`${config.prefix}_floor`));
  const peerCollection = db.collection(`${config.prefix}_lc`);
  const dropAll = async () => {
    for (const c of await db
      .listCollections({ name: { $regex: `^${config.prefix}_` } }, { nameOnly: true })
      .toArray()) {
      await db.dropCollection(c.name);
    }
  };
  const targets: BackendTargets = {
    backend: "mongodb",
    targets: [...adapterTargets("mongodb", store, "MongoDBChatHistoryStore"), floor, new MongoPeer(peerCollection)],
    async setup() {
      await dropAll();
      await store.migrate();
      await floor.collection.createIndex({ s: 1, q: 1 }, { unique: true });
      await peerCollection.createIndex({ sessionId: 1 });
      const info = await db.admin().serverInfo();
      targets.server = `MongoDB ${String(info.version)}`;
    },
    async cleanup() {
      await dropAll();
    },
    async close() {
      await store.close();
      await client.close();
    },
  };
  return targets;
}

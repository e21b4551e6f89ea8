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
  decodeSessionCursor,
  encodeSessionCursor,
} from "@chat-history/core";
import { type Collection, type Db, MongoClient, type MongoClientOptions, ObjectId } from "mongodb";
import { type BatchDoc, type SessionDoc, isLive, liveFilter, toSessionInfo } from "./documents.js";
import { isDuplicateKey, mapMongoError } from "./errors.js";
import { type CollectionNames, assertDatabaseName, collectionNames, sessionDocId } from "./keys.js";
import { removeExpired, sweepOrphans, trimToNewest } from "./maintenance.js";
import { readRecords } from "./read-query.js";
import { createIndexes } from "./schema.js";

export interface MongoDBStoreOptions extends BaseStoreOptions {
  /** A client you manage: the store never closes it. */
  client?: MongoClient | undefined;
  /** A connection string: the store opens its own client and closes it in close(). */
  uri?: string | undefined;
  /** Passed to the client the store opens from `uri`. */
  clientOptions?: MongoClientOptions | undefined;
  /** Database name; defaults to the one in the connection string (or the driver's default, "test"). */
  dbName?: string | undefined;
  /** Collection prefix: `<prefix>_sessions` and `<prefix>_messages` (default "chat_history"). */
  collectionName?: string | undefined;
  /** Create the indexes on first use (default true). Turn off where indexes are managed by hand. */
  autoMigrate?: boolean | undefined;
}

/**
 * Latest expiry stored: the end of year 9999. Past 8.64e15 ms a JavaScript Date is invalid (BSON
 * then stores 1970, expiring the session at once), and drivers such as PyMongo cannot decode dates
 * after year 9999 by default.
 */
const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An append retries its session upsert when it meets an expired session it must restart (or a racing upsert). */
const UPSERT_ATTEMPTS = 4;

/**
 * nativeTtl is false: expired sessions are hidden at once, but MongoDB's TTL monitor removes session
 * documents only every ~60 s and message batches are removed by prune(), so physical removal lags.
 */
export const MONGODB_CAPABILITIES: StoreCapabilities = Object.freeze({
  nativeTtl: false,
  crossProcess: true,
  persistent: true,
});

export class MongoDBChatHistoryStore extends BaseChatHistoryStore {
  readonly capabilities: StoreCapabilities = MONGODB_CAPABILITIES;
  readonly collections: CollectionNames;
  readonly #client: MongoClient;
  readonly #ownsClient: boolean;
  readonly #sessions: Collection<SessionDoc>;
  readonly #messages: Collection<BatchDoc>;
  readonly #db: Db;
  readonly #autoMigrate: boolean;
  #ready: Promise<void> | undefined;

  constructor(options: MongoDBStoreOptions) {
    super(options);
    if ((options.client === undefined) === (options.uri === undefined)) {
      throw new InvalidOptionError("client", "pass exactly one of `client` (yours) or `uri` (the store's own)");
    }
    if (options.dbName !== undefined) assertDatabaseName(options.dbName);
    this.collections = collectionNames(options.collectionName);
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new MongoClient(options.uri as string, options.clientOptions);
    this.#db = this.#client.db(options.dbName);
    this.#sessions = this.#db.collection<SessionDoc>(this.collections.sessions);
    this.#messages = this.#db.collection<BatchDoc>(this.collections.messages);
    this.#autoMigrate = options.autoMigrate ?? true;
  }

  /** Creates the indexes (idempotent). Runs once per store before the first call unless autoMigrate is false. */
  migrate(): Promise<void> {
    this.#ready ??= createIndexes(this.#db, this.collections).catch((error: unknown) => {
      this.#ready = undefined; // a later call tries again
      throw error;
    });
    return this.#ready;
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      if (this.#autoMigrate) await this.migrate();
      return await work();
    } catch (error) {
      throw mapMongoError(error);
    }
  }

  async #liveSession(key: SessionKey): Promise<SessionDoc | undefined> {
    const doc = await this.#sessions.findOne({ _id: { $eq: sessionDocId(key) } });
    return doc && isLive(doc, Date.now()) ? doc : undefined;
  }

  async #countRecords(gens: ObjectId[]): Promise<Map<string, number>> {
    const counts = await this.#messages
      .aggregate<{ _id: ObjectId; n: number }>([
        { $match: { gen: { $in: gens } } },
        { $group: { _id: "$gen", n: { $sum: { $size: "$payloads" } } } },
      ])
      .toArray();
    return new Map(counts.map((c) => [c._id.toHexString(), c.n]));
  }

  /** Reserves `count` sequence numbers in one atomic upsert, restarting the session if it had expired. */
  async #reserve(key: SessionKey, count: number, ttlMs: number | undefined, now: Date): Promise<SessionDoc> {
    const id = sessionDocId(key);
    const set: Partial<SessionDoc> = { updatedAt: now };
    if (ttlMs !== undefined) set.expiresAt = new Date(Math.min(now.getTime() + ttlMs, MAX_DATE_MS));
    for (let attempt = 1; ; attempt++) {
      try {
        const doc = await this.#sessions.findOneAndUpdate(
          { _id: id, ...liveFilter(now) },
          {
            $inc: { lastSeq: count },
            $set: set,
            $setOnInsert: { sessionId: key.sessionId, userId: key.userId ?? null, createdAt: now, gen: new ObjectId() },
          },
          { upsert: true, returnDocument: "after" },
        );
        if (doc) return doc;
      } catch (error) {
        // The document exists but is expired (so the filter missed it), or another writer upserted first.
        if (!isDuplicateKey(error) || attempt >= UPSERT_ATTEMPTS) throw error;
        await removeExpired(this.#sessions, this.#messages, id, now);
      }
    }
  }

  protected doAppend(key: SessionKey, payloads: readonly string[], options: AppendOptions): Promise<AppendResult> {
    return this.#run(async () => {
      const session = await this.#reserve(key, payloads.length, options.ttlMs, new Date());
      const lastSeq = session.lastSeq;
      const firstSeq = lastSeq - payloads.length + 1;
      // A batch larger than the cap keeps only its newest records; no need to write the rest.
      const kept = options.maxMessages === undefined ? payloads : payloads.slice(-options.maxMessages);
      const doc: BatchDoc = {
        sessionKey: session._id,
        gen: session.gen,
        seq: lastSeq - kept.length + 1,
        last: lastSeq,
        payloads: [...kept],
      };
      await this.#messages.insertOne(doc);
      if (options.maxMessages !== undefined && lastSeq > options.maxMessages) {
        await trimToNewest(this.#messages, session.gen, options.maxMessages);
      }
      return { firstSeq, lastSeq };
    });
  }

  protected doRead(key: SessionKey, query: ReadQuery): Promise<StoredRecord[]> {
    return this.#run(async () => {
      const session = await this.#liveSession(key);
      return session ? readRecords(this.#messages, session.gen, query) : [];
    });
  }

  protected doCount(key: SessionKey): Promise<number> {
    return this.#run(async () => {
      const session = await this.#liveSession(key);
      if (!session) return 0;
      return (await this.#countRecords([session.gen])).get(session.gen.toHexString()) ?? 0;
    });
  }

  protected doGetSession(key: SessionKey): Promise<SessionInfo | undefined> {
    return this.#run(async () => {
      const session = await this.#liveSession(key);
      if (!session) return undefined;
      const counts = await this.#countRecords([session.gen]);
      return toSessionInfo(session, counts.get(session.gen.toHexString()) ?? 0);
    });
  }

  protected doListSessions(
    userId: string | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<SessionPage> {
    return this.#run(async () => {
      const conditions: Record<string, unknown>[] = [{ userId: { $eq: userId ?? null } }, liveFilter(new Date())];
      if (cursor !== undefined) {
        const after = decodeSessionCursor(cursor);
        const at = new Date(after.updatedAt);
        conditions.push({
          $or: [{ updatedAt: { $lt: at } }, { updatedAt: { $eq: at }, sessionId: { $lt: after.sessionId } }],
        });
      }
      const docs = await this.#sessions
        .find({ $and: conditions }, { sort: { updatedAt: -1, sessionId: -1 }, limit: limit + 1 })
        .toArray();
      const page = docs.slice(0, limit);
      const counts = page.length > 0 ? await this.#countRecords(page.map((d) => d.gen)) : new Map<string, number>();
      const sessions = page.map((d) => toSessionInfo(d, counts.get(d.gen.toHexString()) ?? 0));
      const last = sessions[sessions.length - 1];
      return { sessions, nextCursor: docs.length > limit && last ? encodeSessionCursor(last) : undefined };
    });
  }

  protected doClear(key: SessionKey): Promise<void> {
    return this.#run(async () => {
      const now = new Date();
      // A new generation hides the old messages at once; appends still in flight for the old one land unseen.
      const before = await this.#sessions.findOneAndUpdate(
        { _id: { $eq: sessionDocId(key) }, ...liveFilter(now) },
        { $set: { gen: new ObjectId(), lastSeq: 0, updatedAt: now } },
        { returnDocument: "before" },
      );
      if (before) await this.#messages.deleteMany({ gen: before.gen });
    });
  }

  protected doDeleteSession(key: SessionKey): Promise<boolean> {
    return this.#run(async () => {
      const gone = await this.#sessions.findOneAndDelete({ _id: { $eq: sessionDocId(key) } });
      if (!gone) return false;
      await this.#messages.deleteMany({ gen: gone.gen });
      return isLive(gone, Date.now());
    });
  }

  protected doPrune(): Promise<number> {
    return this.#run(async () => {
      const now = new Date();
      let removed = 0;
      const expired = this.#sessions.find({ expiresAt: { $lte: now } }, { projection: { _id: 1 } });
      for await (const { _id } of expired) {
        if (await removeExpired(this.#sessions, this.#messages, _id, now)) removed++;
      }
      // Sessions the TTL monitor already removed count too: their messages are only now gone.
      return removed + (await sweepOrphans(this.#sessions, this.#messages));
    });
  }

  protected async doClose(): Promise<void> {
    if (this.#ownsClient) await this.#client.close();
  }

  /** Records physically stored for a session in any generation, expired or not (for tests and audits). */
  async rawRecordCount(key: SessionKey): Promise<number> {
    const [row] = await this.#messages
      .aggregate<{ n: number }>([
        { $match: { sessionKey: { $eq: sessionDocId(key) } } },
        { $group: { _id: null, n: { $sum: { $size: "$payloads" } } } },
      ])
      .toArray();
    return row?.n ?? 0;
  }
}

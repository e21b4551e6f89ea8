import { readdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
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
  assertPositiveInt,
  decodeSessionCursor,
  encodeSessionCursor,
  isAfterCursor,
} from "@chat-history/core";
import { removeFile } from "./file-ops.js";
import { type LockTiming, SessionQueue, withFileLock } from "./lock.js";
import { type SessionMeta, belongsTo, isExpired, newMeta, readMeta, readMetaPooled, writeMeta } from "./meta.js";
import { META_SUFFIX, type SessionPaths, pathsFromMetaFile, sessionPaths, userDir } from "./names.js";
import { appendBatch, countRecords, queryRecords } from "./records-file.js";

export interface FileChatHistoryStoreOptions extends BaseStoreOptions {
  /** Folder holding the sessions; created on first write. Everything the store writes stays inside it. */
  directory: string;
  /** fsync every append and metadata write before it resolves (survives power loss; slower). Default false. */
  fsync?: boolean | undefined;
  /** Longest wait for a session's lock before failing with StoreUnavailableError. Default 30,000 ms. */
  lockTimeoutMs?: number | undefined;
  /** A lock older than this is taken as left by a crashed process (one on this host is detected at once). Default 10,000 ms. */
  lockStaleMs?: number | undefined;
}

/**
 * Reads this many metadata files at a time when listing, to stay well under open-file limits, and
 * counts the messages of as many sessions between two yields to the event loop.
 */
const SCAN_BATCH = 64;

/**
 * One append-only JSON-lines file per session plus a small metadata file, under a folder per
 * user. Appends take a per-session lock file, so several processes may share the directory.
 */
export class FileChatHistoryStore extends BaseChatHistoryStore {
  readonly capabilities: StoreCapabilities = { nativeTtl: false, crossProcess: true, persistent: true };
  readonly directory: string;
  readonly #fsync: boolean;
  readonly #lockTiming: LockTiming;
  readonly #queue = new SessionQueue();

  constructor(options: FileChatHistoryStoreOptions) {
    super(options);
    if (typeof options?.directory !== "string" || options.directory.length === 0) {
      throw new InvalidOptionError("directory", "must be a non-empty path");
    }
    assertPositiveInt("lockTimeoutMs", options.lockTimeoutMs);
    assertPositiveInt("lockStaleMs", options.lockStaleMs);
    this.directory = resolve(options.directory);
    this.#fsync = options.fsync ?? false;
    this.#lockTiming = { timeoutMs: options.lockTimeoutMs ?? 30_000, staleMs: options.lockStaleMs ?? 10_000 };
  }

  /** Same session, one writer at a time: in this process through the queue, across processes through the lock file. */
  #exclusive<T>(paths: SessionPaths, fn: () => Promise<T>): Promise<T> {
    return this.#queue.run(paths.id, () => withFileLock(paths.lock, paths.dir, this.#lockTiming, fn));
  }

  async #liveMeta(paths: SessionPaths, key: SessionKey, now = Date.now()): Promise<SessionMeta | undefined> {
    const meta = await readMeta(paths.meta);
    return meta && belongsTo(meta, key) && !isExpired(meta, now) ? meta : undefined;
  }

  protected async doAppend(
    key: SessionKey,
    payloads: readonly string[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const paths = sessionPaths(this.directory, key);
    return this.#exclusive(paths, async () => {
      const now = Date.now();
      let meta = await this.#liveMeta(paths, key, now);
      // A new session, or an expired one starting over: drop any leftover records first, so
      // that the new metadata never makes them visible again.
      const isNew = meta === undefined;
      if (!meta) {
        await removeFile(paths.records);
        meta = newMeta(key, now);
      }
      // The metadata file is rewritten only when it changes for more than the time of this write,
      // which readers take from the records file itself (see withLastWrite).
      if (isNew || options.ttlMs !== undefined) {
        meta = { ...meta, updatedAt: now };
        if (options.ttlMs !== undefined) meta.expiresAt = now + options.ttlMs;
        await writeMeta(paths.meta, meta, this.#fsync);
      }
      return appendBatch(paths.records, payloads, key.sessionId, {
        fsync: this.#fsync,
        maxMessages: options.maxMessages,
      });
    });
  }

  protected async doRead(key: SessionKey, query: ReadQuery): Promise<StoredRecord[]> {
    const paths = sessionPaths(this.directory, key);
    if (!(await this.#liveMeta(paths, key))) return [];
    return queryRecords(paths.records, query, key.sessionId);
  }

  protected async doCount(key: SessionKey): Promise<number> {
    const paths = sessionPaths(this.directory, key);
    if (!(await this.#liveMeta(paths, key))) return 0;
    return countRecords(paths.records, key.sessionId);
  }

  protected async doGetSession(key: SessionKey): Promise<SessionInfo | undefined> {
    const paths = sessionPaths(this.directory, key);
    const meta = await this.#liveMeta(paths, key);
    return meta && this.#info(await withLastWrite(meta, paths), paths);
  }

  async #info(meta: SessionMeta, paths: SessionPaths): Promise<SessionInfo> {
    return {
      sessionId: meta.sessionId,
      userId: meta.userId,
      messageCount: await countRecords(paths.records, meta.sessionId),
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      expiresAt: meta.expiresAt,
    };
  }

  protected async doListSessions(
    userId: string | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<SessionPage> {
    const after = cursor === undefined ? undefined : decodeSessionCursor(cursor);
    const now = Date.now();
    const matching = (await this.#scan(userDir(this.directory, userId)))
      .filter(({ meta }) => meta.userId === userId && !isExpired(meta, now))
      .filter(({ meta }) => after === undefined || isAfterCursor(after, meta.updatedAt, meta.sessionId))
      .sort((a, b) => b.meta.updatedAt - a.meta.updatedAt || compareDesc(a.meta.sessionId, b.meta.sessionId));
    const page: SessionInfo[] = [];
    // Counting reads each records file's tail with small synchronous calls (fd-io.ts): a page may
    // hold thousands of sessions, so they are counted a group at a time with the event loop free
    // in between, and never with more than one records file open.
    for (let i = 0; i < limit && i < matching.length; i += SCAN_BATCH) {
      if (i > 0) await yieldToEventLoop();
      for (const { meta, paths } of matching.slice(i, Math.min(i + SCAN_BATCH, limit))) {
        page.push(await this.#info(meta, paths));
      }
    }
    const last = page[page.length - 1];
    return { sessions: page, nextCursor: matching.length > limit && last ? encodeSessionCursor(last) : undefined };
  }

  /** Every session's metadata in one user folder. */
  async #scan(dir: string): Promise<Array<{ meta: SessionMeta; paths: SessionPaths }>> {
    const names = (await readdirIfExists(dir)).filter((name) => name.endsWith(META_SUFFIX));
    const found: Array<{ meta: SessionMeta; paths: SessionPaths }> = [];
    for (let i = 0; i < names.length; i += SCAN_BATCH) {
      const batch = names.slice(i, i + SCAN_BATCH).map(async (name) => {
        const paths = pathsFromMetaFile(dir, name);
        const meta = await readMetaPooled(paths.meta);
        if (meta) found.push({ meta: await withLastWrite(meta, paths), paths });
      });
      await Promise.all(batch);
    }
    return found;
  }

  protected async doClear(key: SessionKey): Promise<void> {
    const paths = sessionPaths(this.directory, key);
    await this.#exclusive(paths, async () => {
      const meta = await this.#liveMeta(paths, key);
      if (!meta) return;
      // Unlinked rather than truncated: a reader holding the old file still reads it whole.
      await removeFile(paths.records);
      await writeMeta(paths.meta, { ...meta, updatedAt: Date.now() }, this.#fsync);
    });
  }

  protected async doDeleteSession(key: SessionKey): Promise<boolean> {
    const paths = sessionPaths(this.directory, key);
    return this.#exclusive(paths, async () => {
      const existed = (await this.#liveMeta(paths, key)) !== undefined;
      // Metadata first: the session vanishes from listings at once, and records without
      // metadata are dropped by the next append.
      await removeFile(paths.meta);
      await removeFile(paths.records);
      return existed;
    });
  }

  protected async doPrune(): Promise<number> {
    let removed = 0;
    for (const dirName of await readdirIfExists(this.directory)) {
      const dir = resolve(this.directory, dirName);
      const now = Date.now();
      for (const { meta, paths } of await this.#scan(dir)) {
        if (!isExpired(meta, now)) continue;
        const gone = await this.#exclusive(paths, async () => {
          // Checked again under the lock: another process may have revived it meanwhile.
          const current = await readMeta(paths.meta);
          if (!current || !isExpired(current, Date.now())) return false;
          await removeFile(paths.meta);
          await removeFile(paths.records);
          return true;
        });
        if (gone) removed++;
      }
    }
    return removed;
  }

  protected async doClose(): Promise<void> {
    // Nothing is held open between calls; let queued writes finish.
    await this.#queue.idle();
  }
}

function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
}

/**
 * The session's last write: the later of the metadata's `updatedAt` (creation, TTL change, clear) and
 * the records file's modification time (every append), so an append need not rewrite the metadata.
 */
async function withLastWrite(meta: SessionMeta, paths: SessionPaths): Promise<SessionMeta> {
  try {
    const modified = Math.floor((await stat(paths.records)).mtimeMs);
    return modified > meta.updatedAt ? { ...meta, updatedAt: modified } : meta;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return meta;
    throw error;
  }
}

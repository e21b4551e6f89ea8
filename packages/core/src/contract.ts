/**
 * The store contract: what an adapter implements. Messages reach a store already encoded
 * (JSON text from the codec), so an adapter never sees LangChain classes.
 */

/** A session is addressed by its id within an optional user; (user A, "s1") and (user B, "s1") never meet. */
export interface SessionKey {
  sessionId: string;
  userId?: string | undefined;
}

/** One stored message: its per-session sequence number (assigned by the store) and its encoded text. */
export interface StoredRecord {
  seq: number;
  payload: string;
}

/**
 * Which records to read, always returned in ascending sequence order.
 * - `{}`: all of them.
 * - `{ last: n }`: the newest n.
 * - `{ before: seq, limit: n }`: the n records just before `seq` (paging back).
 * - `{ after: seq, limit: n }`: the n records just after `seq` (paging forward).
 */
export interface ReadQuery {
  last?: number | undefined;
  before?: number | undefined;
  after?: number | undefined;
  limit?: number | undefined;
}

export interface AppendOptions {
  /** The session expires this long after this write (sliding). Without it an existing expiry is kept. */
  ttlMs?: number | undefined;
  /** After this write, keep only the newest `maxMessages` records of the session. */
  maxMessages?: number | undefined;
}

export interface AppendResult {
  /** Sequence numbers of the first and last record written; the batch is contiguous. */
  firstSeq: number;
  lastSeq: number;
}

export interface SessionInfo {
  sessionId: string;
  userId?: string | undefined;
  messageCount: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  expiresAt?: number | undefined;
}

export interface ListSessionsQuery {
  /** Lists the sessions of this user only; without it, the sessions that have no user. */
  userId?: string | undefined;
  limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

export interface SessionPage {
  /** Most recently written first. */
  sessions: SessionInfo[];
  nextCursor?: string | undefined;
}

/** What a store does natively; the conformance suite reads these instead of adapter names. */
export interface StoreCapabilities {
  /** Expired sessions disappear by themselves; otherwise they are hidden from reads and removed by `prune()`. */
  nativeTtl: boolean;
  /** Several processes may share the same storage and append to one session safely. */
  crossProcess: boolean;
  /** Data outlives the store object (a new store over the same storage sees it). */
  persistent: boolean;
}

export interface ChatHistoryStore {
  readonly capabilities: StoreCapabilities;
  /** Appends a batch atomically and contiguously, after every record already in the session. */
  append(key: SessionKey, payloads: readonly string[], options?: AppendOptions): Promise<AppendResult>;
  read(key: SessionKey, query?: ReadQuery): Promise<StoredRecord[]>;
  count(key: SessionKey): Promise<number>;
  getSession(key: SessionKey): Promise<SessionInfo | undefined>;
  listSessions(query?: ListSessionsQuery): Promise<SessionPage>;
  /** Removes the session's messages; the session stays listed with no messages. */
  clear(key: SessionKey): Promise<void>;
  /** Removes the session and its messages. Resolves true when there was one. */
  deleteSession(key: SessionKey): Promise<boolean>;
  /** Physically removes expired sessions; resolves the number removed (0 where the backend expires natively). */
  prune(): Promise<number>;
  close(): Promise<void>;
}

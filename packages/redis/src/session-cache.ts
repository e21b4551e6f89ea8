import type { SessionKey } from "@chat-history/core";
import { type SessionKeys, sessionKeys } from "./keys.js";

/** What a store remembers about a session it used recently. */
export interface CachedSession {
  readonly keys: SessionKeys;
  /**
   * The seq the session's next message gets if no other writer comes first, from this store's last
   * append (0: not known). Only a hint: the append script checks it and numbers the messages itself
   * when it is wrong.
   */
  nextSeq: number;
  /**
   * Whether the last append got the seqs nextSeq predicted. When it did not, another writer is active,
   * and appends send bare payloads (the script numbers them, no worse than a wrong guess) until a
   * prediction holds again.
   */
  predicted: boolean;
}

/** Sessions a store remembers, per generation (so at most twice this many). */
export const SESSION_CACHE_GENERATION = 512;

/**
 * Longest tag worth remembering. Ids of up to 512 characters make tags of several KiB; those few
 * are encoded on every call instead, so the cache stays small: at most 2 × 512 entries of about
 * 5 × (prefix + 1 KiB) characters.
 */
const MAX_CACHED_MEMBER = 1024;

/**
 * Recently used sessions, so a read or append does not JSON-encode and base64url the ids again
 * (about 0.8 µs a call) and an append can number its messages. Two generations approximate LRU
 * without reordering on a hit: new entries go into `young`; when it is full it becomes `old` and
 * the previous `old` is dropped; a hit in `old` moves into `young`, so sessions in use survive.
 */
export class SessionCache {
  #young = new Map<string, CachedSession>();
  #old = new Map<string, CachedSession>();

  constructor(
    readonly prefix: string,
    readonly generation: number = SESSION_CACHE_GENERATION,
  ) {}

  get(key: SessionKey): CachedSession {
    // Unambiguous: without a user the id starts with "-", with one it starts with the user id's
    // length, so a user id can never run into the session id ("a" + "bc" vs "ab" + "c").
    const id = key.userId === undefined ? `-${key.sessionId}` : `${key.userId.length}:${key.userId}${key.sessionId}`;
    const young = this.#young.get(id);
    if (young !== undefined) return young;
    const old = this.#old.get(id);
    if (old !== undefined) this.#old.delete(id);
    const entry = old ?? { keys: sessionKeys(this.prefix, key), nextSeq: 0, predicted: true };
    if (entry.keys.member.length <= MAX_CACHED_MEMBER) {
      if (this.#young.size >= this.generation) {
        this.#old = this.#young;
        this.#young = new Map();
      }
      this.#young.set(id, entry);
    }
    return entry;
  }

  /** Entries held: at most 2 × generation. */
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}

import type { BaseMessage } from "@langchain/core/messages";

export type Backend = "file" | "sqlite" | "postgres" | "redis" | "mongodb";

/**
 * - adapter: our store through the LangChain class (`store.history(id, { window })`), codec included;
 * - adapter-store: the same store through its store API (encoded payloads in, records out);
 * - floor: the raw driver doing the least the operation needs, on encoded payloads;
 * - peer: LangChain's own store for the backend.
 */
export type Kind = "adapter" | "adapter-store" | "floor" | "peer";

/** A session in a space: a space is a group of sessions seeded together (a file, a table of the peers). */
export interface SessionRef {
  space: string;
  id: string;
}

/** The same messages twice: as LangChain messages and as encoded payloads, prepared outside the timer. */
export interface Batch {
  messages: BaseMessage[];
  payloads: string[];
}

export interface Target {
  /** "postgres/adapter", "redis/peer-community", ... */
  readonly id: string;
  readonly backend: Backend;
  readonly kind: Kind;
  /** Human name for the tables. */
  readonly label: string;
  /** Largest session it can hold, when it has a limit. */
  readonly maxSession?: number;
  /** (Re)creates these sessions, each holding exactly `count` messages. */
  seed(space: string, ids: readonly string[], count: number): Promise<void>;
  /** A chat turn: read the newest `window` (all when undefined; peers always read all), then append the batch. */
  turn(session: SessionRef, window: number | undefined, batch: Batch): Promise<void>;
  /** One append call carrying the whole batch. */
  append(session: SessionRef, batch: Batch): Promise<void>;
  /** Reads the newest n; a peer that cannot reads everything and slices. Resolves how many it got. */
  readLast(session: SessionRef, n: number): Promise<number>;
  /** Reads the whole session. */
  readAll(session: SessionRef): Promise<number>;
  /** Forgets a space (frees what it holds); called once no workload needs it. */
  dropSpace(space: string): Promise<void>;
}

/** The targets of one backend, sharing connections. `setup` and `cleanup` run only in the main process. */
export interface BackendTargets {
  backend: Backend;
  targets: Target[];
  /** Versions or facts about the server, for the report. */
  server?: string;
  setup(): Promise<void>;
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

export interface BenchConfig {
  /** Scratch folder for the file and SQLite targets. */
  dir: string;
  postgresUrl: string;
  redisUrl: string;
  mongodbUrl?: string | undefined;
  /** Every key, table and collection the benchmark creates starts with this. */
  prefix: string;
}

export const SEED_BATCH = 1000;

/** Calls `write(start, count)` over `total` in chunks of SEED_BATCH. */
export async function inChunks(
  total: number,
  write: (start: number, count: number) => Promise<void> | void,
): Promise<void> {
  for (let start = 0; start < total; start += SEED_BATCH) await write(start, Math.min(SEED_BATCH, total - start));
}

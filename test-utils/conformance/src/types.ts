import type {
  ChatHistory,
  ChatHistoryOptions,
  ChatHistoryStore,
  SessionKey,
  StoreCapabilities,
} from "@chat-history/core";

/** A store plus the history factory every BaseChatHistoryStore provides. */
export interface ConformantStore extends ChatHistoryStore {
  history(sessionId: string, options?: ChatHistoryOptions): ChatHistory;
}

/** Handed to every hook: a namespace no other test uses (lowercase letters and digits, starts with a letter). */
export interface StoreContext {
  namespace: string;
}

/** Raw reads that bypass the adapter's own read path, so persistence is checked apart from it. */
export interface StoreInspector {
  /** Records physically present for the session, expired or not. */
  countRecords(key: SessionKey): Promise<number>;
}

export interface ConformanceOptions<S extends ConformantStore = ConformantStore> {
  /** Shown in test names. */
  name: string;
  /**
   * What the adapter claims (usually the store class's `capabilities`). Decides which variant of a test is
   * registered (e.g. native expiry vs. prune), so nothing is skipped at run time.
   */
  capabilities: StoreCapabilities;
  /** Runs once before the suite (find or start the database). */
  setup?: () => Promise<void>;
  /** Runs once after the suite. */
  teardown?: () => Promise<void>;
  /** A fresh store; the same namespace twice means the same storage (two processes, or a restart). */
  createStore: (ctx: StoreContext) => S | Promise<S>;
  /** Defaults to `store.close()`; also the place to drop the namespace's tables or keys. */
  destroyStore?: (store: S, ctx: StoreContext) => Promise<void>;
  /**
   * A store whose table / prefix / collection name is `name`, as a user would pass it. It must throw
   * InvalidOptionError (when built or on first use) for an unsafe name. Omit where the adapter takes no such name.
   */
  createStoreNamed?: (name: string, ctx: StoreContext) => S | Promise<S>;
  inspect?: (ctx: StoreContext) => StoreInspector;
  /** Skips the whole suite with this reason (a backend that is not available and not required). */
  skip?: string | undefined;
  /** Per-test timeout; server backends may need more than the default. */
  timeoutMs?: number;
  /**
   * Scales the heavy tests (1,000-message orders, property runs) down for slow backends such as an
   * emulator; 1 is the full suite. Never below what each test needs to mean something.
   */
  scale?: number;
}

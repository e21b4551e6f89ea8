import type { BaseChatHistoryStore, ChatHistory, SessionKey } from "@chat-history/core";
import { payloadsFrom } from "../messages.js";
import { type Backend, type Batch, type SessionRef, type Target, inChunks } from "./target.js";

/** Sessions of the two adapter targets never meet: the kind is part of the session id. */
function keyOf(kind: string, session: SessionRef): SessionKey {
  return { sessionId: `${kind}:${session.space}:${session.id}` };
}

abstract class AdapterBase {
  readonly #spaces = new Map<string, Set<string>>();

  constructor(
    readonly backend: Backend,
    readonly store: BaseChatHistoryStore,
    readonly label: string,
    readonly afterSeed: () => Promise<void>,
  ) {}

  abstract readonly kind: "adapter" | "adapter-store";

  get id(): string {
    return `${this.backend}/${this.kind}`;
  }

  /** Seeded through the store's own batch append, 1,000 messages a call. */
  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    for (const id of ids) {
      const key = keyOf(this.kind, { space, id });
      await this.store.deleteSession(key);
      await inChunks(count, (start, n) => this.store.append(key, payloadsFrom(start, n)).then(() => undefined));
    }
    await this.afterSeed();
    const known = this.#spaces.get(space) ?? new Set<string>();
    for (const id of ids) known.add(id);
    this.#spaces.set(space, known);
  }

  async dropSpace(space: string): Promise<void> {
    for (const id of this.#spaces.get(space) ?? []) await this.store.deleteSession(keyOf(this.kind, { space, id }));
    this.#spaces.delete(space);
  }

  protected key(session: SessionRef): SessionKey {
    return keyOf(this.kind, session);
  }
}

/** Our store as an application uses it: the LangChain history class, encoding and decoding included. */
export class AdapterTarget extends AdapterBase implements Target {
  readonly kind = "adapter" as const;
  readonly #histories = new Map<string, ChatHistory>();

  history(session: SessionRef, window: number | undefined): ChatHistory {
    const name = `${session.space}\u0001${session.id}\u0001${window ?? "all"}`;
    let history = this.#histories.get(name);
    if (!history) {
      history = this.store.history(this.key(session).sessionId, window === undefined ? {} : { window });
      this.#histories.set(name, history);
    }
    return history;
  }

  async turn(session: SessionRef, window: number | undefined, batch: Batch): Promise<void> {
    const history = this.history(session, window);
    await history.getMessages();
    await history.addMessages(batch.messages);
  }

  async append(session: SessionRef, batch: Batch): Promise<void> {
    await this.history(session, undefined).addMessages(batch.messages);
  }

  async readLast(session: SessionRef, n: number): Promise<number> {
    return (await this.history(session, n).getMessages()).length;
  }

  async readAll(session: SessionRef): Promise<number> {
    return (await this.history(session, undefined).getMessages()).length;
  }
}

/** The same store through its store API: what the adapter itself costs, without the codec. */
export class AdapterStoreTarget extends AdapterBase implements Target {
  readonly kind = "adapter-store" as const;

  async turn(session: SessionRef, window: number | undefined, batch: Batch): Promise<void> {
    const key = this.key(session);
    await this.store.read(key, window === undefined ? {} : { last: window });
    await this.store.append(key, batch.payloads);
  }

  async append(session: SessionRef, batch: Batch): Promise<void> {
    await this.store.append(this.key(session), batch.payloads);
  }

  async readLast(session: SessionRef, n: number): Promise<number> {
    return (await this.store.read(this.key(session), { last: n })).length;
  }

  async readAll(session: SessionRef): Promise<number> {
    return (await this.store.read(this.key(session))).length;
  }
}

/** `afterSeed` runs once a seeding is done (PostgreSQL: ANALYZE, as autovacuum would in a running database). */
export function adapterTargets(
  backend: Backend,
  store: BaseChatHistoryStore,
  name: string,
  afterSeed: () => Promise<void> = async () => {},
): Target[] {
  return [
    new AdapterTarget(backend, store, `${name}.history()`, afterSeed),
    new AdapterStoreTarget(backend, store, `${name} store API`, afterSeed),
  ];
}

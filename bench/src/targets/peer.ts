import type { BaseMessage } from "@langchain/core/messages";
import type { Batch, SessionRef, Target } from "./target.js";

/** The part of a LangChain store the workloads use, called the way RunnableWithMessageHistory calls it. */
export interface PeerHistory {
  getMessages(): Promise<unknown[]>;
  addMessages(messages: BaseMessage[]): Promise<void>;
}

/**
 * The workloads of every peer: a peer has no window and no store API, so a turn reads everything and a
 * last-N read slices what it read. Subclasses say how a session's history is made (and kept).
 */
export abstract class LangChainPeer implements Pick<Target, "turn" | "append" | "readLast" | "readAll"> {
  protected abstract history(session: SessionRef): PeerHistory | Promise<PeerHistory>;

  async turn(session: SessionRef, _window: number | undefined, batch: Batch): Promise<void> {
    const history = await this.history(session);
    await history.getMessages();
    await history.addMessages(batch.messages);
  }

  async append(session: SessionRef, batch: Batch): Promise<void> {
    await (await this.history(session)).addMessages(batch.messages);
  }

  async readLast(session: SessionRef, n: number): Promise<number> {
    return (await (await this.history(session)).getMessages()).slice(-n).length;
  }

  async readAll(session: SessionRef): Promise<number> {
    return (await (await this.history(session)).getMessages()).length;
  }
}

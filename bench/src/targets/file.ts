import { appendFile, mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FileSystemChatMessageHistory } from "@langchain/community/stores/message/file_system";
import { FileChatHistoryStore } from "@chat-history/file";
import { lcStoredFrom, payloadsFrom } from "../messages.js";
import { adapterTargets } from "./adapter.js";
import type { BackendTargets, Batch, BenchConfig, SessionRef, Target } from "./target.js";
import { LangChainPeer } from "./peer.js";

/** Floor: one JSON-lines file per session, appendFile to write, a positioned read of the tail to read. */
class FileFloor implements Target {
  readonly id = "file/floor";
  readonly backend = "file" as const;
  readonly kind = "floor" as const;
  readonly label = "appendFile JSON lines + read the tail";

  constructor(readonly root: string) {}

  path(session: SessionRef): string {
    return join(this.root, session.space, `${session.id}.jsonl`);
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    await mkdir(join(this.root, space), { recursive: true });
    const text = count === 0 ? "" : `${payloadsFrom(0, count).join("\n")}\n`;
    for (const id of ids) await writeFile(this.path({ space, id }), text);
  }

  async turn(session: SessionRef, window: number | undefined, batch: Batch): Promise<void> {
    if (window === undefined) await this.readAll(session);
    else await this.readLast(session, window);
    await this.append(session, batch);
  }

  async append(session: SessionRef, batch: Batch): Promise<void> {
    await appendFile(this.path(session), `${batch.payloads.join("\n")}\n`);
  }

  /** Reads 16 KiB chunks from the end until n whole lines are in. */
  async readLast(session: SessionRef, n: number): Promise<number> {
    const fh = await open(this.path(session), "r");
    try {
      const { size } = await fh.stat();
      let pos = size;
      let tail = Buffer.alloc(0);
      let lines: string[] = [];
      while (pos > 0) {
        const len = Math.min(16 * 1024, pos);
        pos -= len;
        const chunk = Buffer.alloc(len);
        await fh.read(chunk, 0, len, pos);
        tail = Buffer.concat([chunk, tail]);
        lines = tail.toString("utf8").split("\n");
        // The first piece may be a partial line unless the file start was reached; the last is "".
        if (lines.length - 2 >= n || pos === 0) break;
      }
      return lines.slice(0, -1).slice(-n).length;
    } finally {
      await fh.close();
    }
  }

  async readAll(session: SessionRef): Promise<number> {
    const text = await readFile(this.path(session), "utf8");
    return text.split("\n").length - 1;
  }

  async dropSpace(space: string): Promise<void> {
    await rm(join(this.root, space), { recursive: true, force: true });
  }
}

type FileHistoryClass = typeof FileSystemChatMessageHistory;

interface PeerSpace {
  Ctor: FileHistoryClass;
  histories: Map<string, FileSystemChatMessageHistory>;
}

/**
 * Peer: FileSystemChatMessageHistory keeps one module-level copy of one JSON file per process.
 * Each space therefore gets its own file and its own fresh instance of the module (imported
 * under a distinct URL), holding only that space's sessions: the best case for this store.
 * Seeding writes the file in the store's format; `init()` then loads it, untimed.
 */
class FilePeer extends LangChainPeer implements Target {
  readonly id = "file/peer";
  readonly backend = "file" as const;
  readonly kind = "peer" as const;
  readonly label = "FileSystemChatMessageHistory (community)";
  readonly #spaces = new Map<string, PeerSpace>();
  #loads = 0;

  constructor(readonly root: string) {
    super();
  }

  file(space: string): string {
    return join(this.root, `${space}.json`);
  }

  /** A fresh module instance for the space (a distinct URL is a distinct module). */
  async #space(space: string): Promise<PeerSpace> {
    let found = this.#spaces.get(space);
    if (!found) {
      const url = `${import.meta.resolve("@langchain/community/stores/message/file_system")}?space=${space}&load=${++this.#loads}`;
      const module = (await import(url)) as { FileSystemChatMessageHistory: FileHistoryClass };
      found = { Ctor: module.FileSystemChatMessageHistory, histories: new Map() };
      this.#spaces.set(space, found);
    }
    return found;
  }

  protected override async history(session: SessionRef): Promise<FileSystemChatMessageHistory> {
    const space = await this.#space(session.space);
    let history = space.histories.get(session.id);
    if (!history) {
      history = new space.Ctor({ sessionId: session.id, filePath: this.file(session.space) });
      space.histories.set(session.id, history);
    }
    return history;
  }

  async seed(space: string, ids: readonly string[], count: number): Promise<void> {
    await this.#release(space);
    await mkdir(this.root, { recursive: true });
    const sessions: Record<string, { messages: unknown[] }> = {};
    for (const id of ids) sessions[id] = { messages: lcStoredFrom(0, count) };
    await writeFile(this.file(space), JSON.stringify({ "": sessions }));
    for (const id of ids) await (await this.history({ space, id })).getMessages();
  }

  /** Empties the old module instance's copy (it can never be unloaded) so its memory is freed. */
  async #release(space: string): Promise<void> {
    const found = this.#spaces.get(space);
    if (!found) return;
    this.#spaces.delete(space);
    const [any] = found.histories.values();
    await any?.clearAllSessions();
  }

  async dropSpace(space: string): Promise<void> {
    await this.#release(space);
    await rm(this.file(space), { force: true });
  }
}

export function fileTargets(config: BenchConfig): BackendTargets {
  const root = join(config.dir, "file");
  const store = new FileChatHistoryStore({ directory: join(root, "adapter") });
  return {
    backend: "file",
    targets: [
      ...adapterTargets("file", store, "FileChatHistoryStore"),
      new FileFloor(join(root, "floor")),
      new FilePeer(join(root, "peer")),
    ],
    server: "local disk",
    async setup() {
      await rm(root, { recursive: true, force: true });
    },
    async cleanup() {
      await rm(root, { recursive: true, force: true });
    },
    async close() {
      await store.close();
    },
  };
}

import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { BaseChatHistoryStore } from "@chat-history/core";

export type StoreSpec = { kind: "sqlite"; path: string } | { kind: "file"; directory: string };

export interface OpenedStore {
  store: BaseChatHistoryStore;
  /** What to tell the user: the kind of store and where its data lives. */
  label: string;
}

export const DEFAULT_STORE = "sqlite:./.chat-history-demo/chat.db";

/**
 * Reads `sqlite:<path>` or `file:<directory>`. Relative paths resolve from `baseDir`, which the
 * caller sets to where the user typed the command (pnpm runs scripts from the package folder).
 */
export function parseStoreSpec(spec: string, baseDir: string): StoreSpec {
  const colon = spec.indexOf(":");
  const kind = colon === -1 ? spec : spec.slice(0, colon);
  const location = colon === -1 ? "" : spec.slice(colon + 1);
  if (location === "")
    throw new Error(`--store ${JSON.stringify(spec)}: expected sqlite:<path.db> or file:<directory>`);
  const absolute = isAbsolute(location) ? location : resolve(baseDir, location);
  if (kind === "sqlite") return { kind, path: absolute };
  if (kind === "file") return { kind, directory: absolute };
  throw new Error(
    `--store ${JSON.stringify(spec)}: unknown store "${kind}" (use sqlite:<path.db> or file:<directory>)`,
  );
}

/** Each adapter is imported only when chosen, so the file store never loads the native SQLite driver. */
export async function openStore(spec: StoreSpec): Promise<OpenedStore> {
  if (spec.kind === "sqlite") {
    // The driver creates the database file but not the folders above it.
    mkdirSync(dirname(spec.path), { recursive: true });
    const { SqliteChatHistoryStore } = await import("@chat-history/sqlite");
    return { store: new SqliteChatHistoryStore({ path: spec.path }), label: `SQLite database ${spec.path}` };
  }
  const { FileChatHistoryStore } = await import("@chat-history/file");
  return {
    store: new FileChatHistoryStore({ directory: spec.directory }),
    label: `JSON-lines files in ${spec.directory}`,
  };
}

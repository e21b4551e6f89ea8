import { rm } from "node:fs/promises";
import { join } from "node:path";
import { runConformance } from "@chat-history/conformance";
import { afterAll } from "vitest";
import { FileChatHistoryStore } from "../src/index.js";
import { rawLineCount, tempDirectory } from "./helpers.js";

const root = await tempDirectory("conformance");
afterAll(root.remove);

/** Each namespace is a subfolder of one temporary folder. */
const directoryOf = (namespace: string) => join(root.dir, namespace);

runConformance({
  name: "file",
  capabilities: { nativeTtl: false, crossProcess: true, persistent: true },
  createStore: ({ namespace }) => new FileChatHistoryStore({ directory: directoryOf(namespace) }),
  destroyStore: async (store, { namespace }) => {
    await store.close();
    await rm(directoryOf(namespace), { recursive: true, force: true });
  },
  inspect: ({ namespace }) => ({ countRecords: (key) => rawLineCount(directoryOf(namespace), key) }),
});

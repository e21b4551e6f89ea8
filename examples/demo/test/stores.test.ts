import { describe, expect, it } from "vitest";
import { DEFAULT_STORE, parseStoreSpec } from "../src/stores.js";

describe("--store", () => {
  it("resolves relative locations from the directory the command was typed in", () => {
    expect(parseStoreSpec(DEFAULT_STORE, "/home/ada/repo")).toEqual({
      kind: "sqlite",
      path: "/home/ada/repo/.chat-history-demo/chat.db",
    });
    expect(parseStoreSpec("file:../chats", "/home/ada/repo")).toEqual({ kind: "file", directory: "/home/ada/chats" });
  });

  it("keeps absolute locations, colons and all", () => {
    expect(parseStoreSpec("sqlite:/tmp/a:b.db", "/x")).toEqual({ kind: "sqlite", path: "/tmp/a:b.db" });
  });

  it("refuses unknown kinds and missing locations", () => {
    expect(() => parseStoreSpec("postgres:nope", "/x")).toThrow(/unknown store "postgres"/);
    expect(() => parseStoreSpec("sqlite:", "/x")).toThrow(/expected sqlite:<path.db> or file:<directory>/);
    expect(() => parseStoreSpec("file", "/x")).toThrow(/expected/);
  });
});

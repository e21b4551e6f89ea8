import type { BaseChatHistoryStore, ChatHistory, SessionInfo } from "@chat-history/core";
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BackendSpec, backendSpecs, openStore } from "../../src/backends.js";
import { destroyAll, freshSpec } from "../../src/fuzz/namespace.js";
import { fingerprints } from "@chat-history/conformance";
import { services } from "../../src/services.js";

/** The scopes that meet on one session id: two users and "no user". */
const SCOPES = [
  ["alice", "alice"],
  ["bob", "bob"],
  ["no user", undefined],
] as const;
type ScopeName = (typeof SCOPES)[number][0];

const RUNS: Record<BackendSpec["name"], number> = { file: 25, sqlite: 25, postgres: 25, redis: 25, mongodb: 8 };

async function withStore(
  name: BackendSpec["name"],
  body: (store: BaseChatHistoryStore) => Promise<void>,
): Promise<void> {
  const spec = freshSpec(name, "isolation");
  const store = await openStore(spec);
  try {
    await body(store);
  } finally {
    await store.close();
    await destroyAll(spec);
  }
}

function said(scope: string, n: number): BaseMessage[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? new HumanMessage(`${scope} asks ${i}`)
      : new AIMessage({ content: `${scope} hears ${i}`, id: `${scope}-${i}` }),
  );
}

/** The same session id opened in each scope, each holding its own messages. */
async function sameIdInEveryScope(store: BaseChatHistoryStore, sessionId: string, sizes: Record<ScopeName, number>) {
  const histories = {} as Record<ScopeName, ChatHistory>;
  const written = {} as Record<ScopeName, BaseMessage[]>;
  for (const [scope, userId] of SCOPES) {
    histories[scope] = store.history(sessionId, { userId });
    written[scope] = said(scope, sizes[scope]);
    await histories[scope].addMessages(written[scope]);
  }
  return { histories, written };
}

async function listAll(store: BaseChatHistoryStore, userId: string | undefined, limit: number): Promise<SessionInfo[]> {
  const all: SessionInfo[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await store.listSessions({ userId, limit, cursor });
    all.push(...page.sessions);
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  return all;
}

describe.each(backendSpecs(services(), "names"))("isolation by user on $name", ({ name, skip }) => {
  const title = (what: string) => (skip ? `${what} (skipped: ${skip})` : what);

  it.skipIf(skip !== "")(
    title("reads, windows, pages, counts and info of one session id see only the caller's scope"),
    async () => {
      await withStore(name, async (store) => {
        const sizes = { alice: 5, bob: 3, "no user": 4 };
        const { histories, written } = await sameIdInEveryScope(store, "shared", sizes);
        for (const [scope, userId] of SCOPES) {
          const h = histories[scope];
          expect(fingerprints(await h.getMessages())).toEqual(fingerprints(written[scope]));
          expect(fingerprints(await store.history("shared", { userId, window: 2 }).getMessages())).toEqual(
            fingerprints(written[scope].slice(-2)),
          );
          expect(await h.count()).toBe(sizes[scope]);
          const info = await h.info();
          expect(info?.userId).toBe(userId);
          expect(info?.messageCount).toBe(sizes[scope]);
          // Seq cursors are per session: any cursor only ever pages through the caller's own records.
          const all = await h.getPage({ after: 0, limit: 100 });
          expect(fingerprints(all.messages)).toEqual(fingerprints(written[scope]));
          for (const cursor of [0, 1, 2, 3, 4, 5, 6, 100]) {
            const forward = await h.getPage({ after: cursor, limit: 100 });
            const back = await h.getPage({ before: cursor, limit: 100 });
            for (const page of [forward, back]) {
              const mine = new Set(fingerprints(written[scope]).map((f) => JSON.stringify(f)));
              for (const f of fingerprints(page.messages)) expect(mine.has(JSON.stringify(f))).toBe(true);
            }
          }
          expect(await store.read({ sessionId: "shared", userId }, { last: 100 })).toHaveLength(sizes[scope]);
        }
        // A user who never wrote sees nothing under the same id.
        const carol = store.history("shared", { userId: "carol" });
        expect(await carol.getMessages()).toEqual([]);
        expect(await carol.count()).toBe(0);
        expect(await carol.info()).toBeUndefined();
        expect((await carol.getPage({ after: 0, limit: 10 })).messages).toEqual([]);
      });
    },
  );

  it.skipIf(skip !== "")(
    title("clear and delete in one scope leave the same session id in the others whole"),
    async () => {
      await withStore(name, async (store) => {
        const sizes = { alice: 4, bob: 2, "no user": 3 };
        const { histories, written } = await sameIdInEveryScope(store, "shared", sizes);
        const unchanged = async (scopes: ScopeName[]) => {
          for (const scope of scopes) {
            expect(fingerprints(await histories[scope].getMessages()), scope).toEqual(fingerprints(written[scope]));
            expect((await histories[scope].info())?.messageCount).toBe(sizes[scope]);
          }
        };
        // Strangers first: a user who never wrote, and clear/delete calls in scopes that hold nothing.
        const carol = store.history("shared", { userId: "carol" });
        await carol.clear();
        expect(await carol.delete()).toBe(false);
        expect(await carol.info()).toBeUndefined();
        await unchanged(["alice", "bob", "no user"]);

        await histories.alice.clear();
        expect(await histories.alice.count()).toBe(0);
        expect((await histories.alice.info())?.messageCount).toBe(0);
        await unchanged(["bob", "no user"]);

        expect(await histories["no user"].delete()).toBe(true);
        expect(await histories["no user"].info()).toBeUndefined();
        await unchanged(["bob"]);
        expect((await histories.alice.info())?.messageCount).toBe(0);

        expect(await histories["no user"].delete()).toBe(false);
        await unchanged(["bob"]);
        expect(await histories.bob.delete()).toBe(true);
        expect((await store.listSessions({ userId: "alice" })).sessions.map((s) => s.sessionId)).toEqual(["shared"]);
      });
    },
  );

  it.skipIf(skip !== "")(
    title("listSessions pages only the caller's sessions, and no cursor reaches another scope"),
    async () => {
      await withStore(name, async (store) => {
        const owned: Record<ScopeName, string[]> = {
          alice: ["s0", "s1", "s2", "s3", "s4", "s5", "s6"],
          bob: ["s1", "s3", "s5", "b1", "b2"],
          "no user": ["s0", "s2", "n1"],
        };
        for (const [scope, userId] of SCOPES) {
          for (const id of owned[scope]) await store.history(id, { userId }).addMessages(said(scope, 1));
        }
        for (const [scope, userId] of SCOPES) {
          for (const limit of [1, 2, 3, 50]) {
            const listed = await listAll(store, userId, limit);
            expect(listed.map((s) => s.sessionId).sort(), `${scope} limit ${limit}`).toEqual([...owned[scope]].sort());
            for (const s of listed) expect(s.userId).toBe(userId);
          }
        }
        // A cursor taken from Alice's listing, handed to Bob's and to "no user": still only their own sessions.
        const first = await store.listSessions({ userId: "alice", limit: 2 });
        expect(first.nextCursor).toBeDefined();
        for (const [scope, userId] of SCOPES) {
          const page = await store.listSessions({ userId, limit: 50, cursor: first.nextCursor });
          for (const s of page.sessions) {
            expect(s.userId).toBe(userId);
            expect(owned[scope]).toContain(s.sessionId);
          }
        }
        expect((await store.listSessions({ userId: "carol" })).sessions).toEqual([]);
      });
    },
  );

  it.skipIf(skip !== "")(
    title("maxMessages trimming in one scope does not trim the same session id elsewhere"),
    async () => {
      await withStore(name, async (store) => {
        const sizes = { alice: 10, bob: 10, "no user": 10 };
        const { histories, written } = await sameIdInEveryScope(store, "shared", sizes);
        const capped = store.history("shared", { userId: "alice", maxMessages: 3 });
        const extra = said("alice-late", 2);
        await capped.addMessages(extra);
        expect(fingerprints(await capped.getMessages())).toEqual(fingerprints([...written.alice, ...extra].slice(-3)));
        for (const scope of ["bob", "no user"] as const) {
          expect(fingerprints(await histories[scope].getMessages())).toEqual(fingerprints(written[scope]));
          expect(await histories[scope].count()).toBe(10);
        }
        // And the other way round: a cap in "no user" leaves both users alone.
        await store.history("shared", { maxMessages: 1 }).addMessages(said("none-late", 1));
        expect(await histories["no user"].count()).toBe(1);
        expect(await histories.bob.count()).toBe(10);
        expect(await histories.alice.count()).toBe(3);
      });
    },
  );

  it.skipIf(skip !== "")(
    title("TTL expiry of one user's session does not touch the same session id elsewhere"),
    async () => {
      await withStore(name, async (store) => {
        const sizes = { alice: 2, bob: 3, "no user": 4 };
        const { histories, written } = await sameIdInEveryScope(store, "shared", sizes);
        // Bob also keeps a long TTL, to show that only the short one expires.
        await store.history("shared", { userId: "bob", ttlMs: 3_600_000 }).addMessages([]);
        const shortLived = store.history("shared", { userId: "alice", ttlMs: 300 });
        await shortLived.addMessages(said("alice-ttl", 1));
        // Bounded wait for Alice's session to expire (no timing assertion: just until it is gone).
        for (let i = 0; i < 100 && (await histories.alice.info()) !== undefined; i++)
          await new Promise((r) => setTimeout(r, 100));
        expect(await histories.alice.info()).toBeUndefined();
        expect(await histories.alice.getMessages()).toEqual([]);
        expect(await histories.alice.count()).toBe(0);
        expect((await store.listSessions({ userId: "alice" })).sessions).toEqual([]);

        await store.prune();
        for (const scope of ["bob", "no user"] as const) {
          expect(fingerprints(await histories[scope].getMessages()), scope).toEqual(fingerprints(written[scope]));
          expect((await histories[scope].info())?.messageCount).toBe(sizes[scope]);
          expect(
            (await store.listSessions({ userId: SCOPES.find(([s]) => s === scope)?.[1] })).sessions.map(
              (s) => s.sessionId,
            ),
          ).toEqual(["shared"]);
        }
        // Alice starts over cleanly; the others still untouched.
        await histories.alice.addMessages(said("alice-again", 1));
        expect(fingerprints(await histories.alice.getMessages())).toEqual(fingerprints(said("alice-again", 1)));
        expect(await histories.bob.count()).toBe(3);
      });
    },
  );

  it.skipIf(skip !== "")(
    title("ids built to collide across the user/session boundary stay apart (fuzzed)"),
    async () => {
      // Characters that layouts use as separators or quoting, so (user, session) pairs could alias.
      const piece = fc.constantFrom(
        "a",
        "b",
        ":",
        "/",
        "\\",
        '"',
        ",",
        "[",
        "]",
        "{",
        "}",
        "u",
        "null",
        "none",
        "\t",
        "%",
        ".",
        "..",
      );
      const id = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join(""));
      const key = fc.record({ sessionId: id, userId: fc.option(id, { nil: undefined }) });
      const keys = fc.uniqueArray(key, {
        minLength: 2,
        maxLength: 8,
        selector: (k) => JSON.stringify([k.userId ?? null, k.sessionId]),
      });
      await withStore(name, async (store) => {
        await fc.assert(
          fc.asyncProperty(keys, async (list) => {
            const marker = (i: number) => [new HumanMessage(`marker ${i} ${JSON.stringify(list[i])}`)];
            for (const [i, k] of list.entries())
              await store.history(k.sessionId, { userId: k.userId }).addMessages(marker(i));
            try {
              for (const [i, k] of list.entries()) {
                const h = store.history(k.sessionId, { userId: k.userId });
                expect(fingerprints(await h.getMessages())).toEqual(fingerprints(marker(i)));
                expect(await h.count()).toBe(1);
              }
              for (const userId of new Set(list.map((k) => k.userId))) {
                const expected = list
                  .filter((k) => k.userId === userId)
                  .map((k) => k.sessionId)
                  .sort();
                expect((await listAll(store, userId, 3)).map((s) => s.sessionId).sort()).toEqual(expected);
              }
            } finally {
              for (const k of list) await store.history(k.sessionId, { userId: k.userId }).delete();
            }
          }),
          { numRuns: RUNS[name] },
        );
      });
    },
  );
});

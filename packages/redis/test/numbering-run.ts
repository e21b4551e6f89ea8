import type { SessionKey } from "@chat-history/core";
import type { Cluster, Redis } from "ioredis";
import { expect } from "vitest";
import { RedisChatHistoryStore } from "../src/index.js";
import { sessionKeys } from "../src/keys.js";
import { dropPrefix, unique } from "./helpers.js";

/** Payloads the list format must carry untouched: tabs (even right after digits), braces, nothing JSON-like. */
const TRICKY = ['"plain"', "7\t8", "\t", "\tlead", "12\t\t", '{"t":"\t"}', "😀\t{x}", "x".repeat(2_000)];

/**
 * A store sends an append's elements already numbered from the seq it expects, and the script keeps
 * them only if that guess holds. Two stores over two clients take turns, race, delete and recreate
 * one session, so every path is taken: a first append (bare payloads), a right guess, a stale one
 * (renumbered by the script), bare payloads again after a miss, batches over 1,000 elements (pushed
 * in chunks). Whatever the path, the list must hold exactly "<seq>\t<payload>", contiguous from 1.
 */
export async function numbersEveryElementWhoeverWritesFirst(connect: () => Redis | Cluster): Promise<void> {
  const prefix = unique("numbering");
  const clients = [connect(), connect()];
  const [a, b] = clients.map((client) => new RedisChatHistoryStore({ client, prefix })) as [
    RedisChatHistoryStore,
    RedisChatHistoryStore,
  ];
  const key: SessionKey = { sessionId: "turns\t{1}", userId: "u" };
  const expected = new Map<number, string>();
  let counter = 0;
  const batch = (n: number) =>
    Array.from({ length: n }, () => {
      counter++;
      return `${TRICKY[counter % TRICKY.length]}#${counter}`;
    });
  const append = async (store: RedisChatHistoryStore, n: number) => {
    const payloads = batch(n);
    const { firstSeq, lastSeq } = await store.append(key, payloads);
    expect(lastSeq - firstSeq + 1).toBe(n);
    payloads.forEach((payload, i) => expected.set(firstSeq + i, payload));
  };
  const expectList = async () => {
    const seqs = [...expected.keys()].sort((x, y) => x - y);
    const raw = await (clients[0] as Redis | Cluster).lrange(sessionKeys(prefix, key).msgs, 0, -1);
    expect(raw).toEqual(seqs.map((seq) => `${seq}\t${expected.get(seq)}`));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] as number) + i));
    expect(await a.read(key)).toEqual(seqs.map((seq) => ({ seq, payload: expected.get(seq) })));
  };
  try {
    await append(a, 3); // nothing known yet: bare payloads
    await append(a, 2); // guessed right
    await append(b, 2); // b knows nothing: bare payloads
    await append(a, 4); // a's guess is stale: renumbered by the script
    await append(a, 1); // after a miss: bare payloads
    await append(a, 1); // guessing again, and right
    await append(b, 2_500); // b's guess is stale, and the batch is pushed in chunks
    await append(b, 2_500); // right guess, in chunks
    await Promise.all(Array.from({ length: 20 }, (_, i) => append(i % 3 === 0 ? b : a, 1 + (i % 4))));
    await expectList();

    // Deleted by one store while the other still expects the old seqs: numbering starts again at 1.
    expect(await b.deleteSession(key)).toBe(true);
    expected.clear();
    await append(a, 3);
    await append(a, 2);
    await append(b, 1);
    expect([...expected.keys()].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    await expectList();
  } finally {
    await a.close();
    await b.close();
    await dropPrefix(clients[0] as Redis | Cluster, prefix);
    await Promise.all(clients.map((client) => client.quit()));
  }
}

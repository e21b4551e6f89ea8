import type { Check } from "./checks.js";

/** Fixed prose of the report; the explanations of misses are keyed by check id (checks.ts). */

export const HOW_TO_RUN = `## How to run

\`\`\`sh
pnpm bench            # full run (about 10 minutes): writes bench/results/latest.json, docs/benchmarks.md and docs/benchmarks-turn-latency.svg
pnpm bench --quick    # sessions of 10, 1,000 and 10,000, fewer samples: under two minutes, prints the tables (CI)
pnpm bench --report-only            # rebuild the tables (and, for a full run, the docs) from the last results file
pnpm bench --backends=postgres,redis --workloads=turn,read-last   # a subset (does not touch docs/)
\`\`\`

| variable | default | |
|---|---|---|
| \`CHAT_HISTORY_BENCH_POSTGRES_URL\` | \`postgres://postgres@127.0.0.1:5432/test\` | tables \`chbench_*\`, dropped before and after |
| \`CHAT_HISTORY_BENCH_REDIS_URL\` | \`redis://127.0.0.1:6379/9\` | keys \`chbench:*\` in database 9, deleted before and after |
| \`CHAT_HISTORY_BENCH_MONGODB_URL\` | unset: the MongoDB rows are not run | collections \`chbench_*\`, dropped before and after |

File and SQLite targets work in a scratch folder under the system temp directory, removed at the end. Run it on a quiet machine: every case is sampled round-robin with the others of its backend, so noise hits the adapter, the floor and the peer alike and the ratios hold up better than the absolute figures.`;

export const METHOD = `## Method

- **Targets.** *adapter*: our store through the LangChain class, \`store.history(id, { window })\`, codec included: what an application calls. *adapter (store API)*: the same store through \`append\`/\`read\` with encoded payloads: what the adapter itself costs. *floor*: the raw driver doing the least the operation needs on the same encoded payloads (file: \`appendFile\` of JSON lines, read the tail; SQLite: better-sqlite3, WAL, synchronous=NORMAL like the adapter, a \`(session_id, seq)\` primary key, prepared INSERTs in one transaction, \`ORDER BY seq DESC LIMIT n\`; PostgreSQL: a table keyed \`(session_id, seq)\`, one \`INSERT ... unnest\` per batch with the next seq computed in it, an indexed last-N SELECT; Redis: \`RPUSH\` + \`LRANGE -n -1\`; MongoDB: \`insertMany\` + \`find\` sort/limit). The floors neither decode nor keep session metadata, so the store API is the fair comparison with them; the history rows add our codec. *peer*: LangChain.js's store, called as \`RunnableWithMessageHistory\` calls it. LangChain.js has no SQLite history.
- **Seeding.** Sessions are written before the clock starts: ours and the floors through their own batch writes (1,000 messages a call), the peers by writing their storage format directly (the JSON file, rows of \`{...data, type}\` jsonb, LPUSHed JSON, one document), because their own \`addMessages\` would take hours at 100,000 messages (the file store rewrites the whole file for every message).
- **Session lengths.** Each workload runs on sessions holding 10, 1,000, 10,000 and 100,000 messages beforehand. Turns add 2 messages each; a session is re-seeded (untimed) once it has grown by more than 5% (at least 2 messages), so a 10-message session is restored after every turn. Appends start from exactly the given length and grow it by the messages appended, as the workload says.
- **Fairness to the peers.** \`FileSystemChatMessageHistory\` keeps one module-level copy of one file per process; each group of sessions gets its own file and a fresh module instance, loaded before timing (so its reads come from memory, its writes rewrite the file). The community \`PostgresChatMessageHistory\` table has no index on \`session_id\`; each group of sessions gets its own table, so a session is never slowed by others' rows. Both are the best case for those stores; PEERS.md measures the shared-table case.
- **PostgreSQL statistics.** Every table (ours, the floor's, the peer's) is analyzed after seeding, as autovacuum would have done in a database that has been running. Without it (a table just filled, before autovacuum's first analyze) the planner read a whole session for our last-N read: a bitmap scan of all 10,000 rows and a top-N sort, 9.7 ms instead of 0.07 ms, while the floor's query kept its index scan. The cause was in \`readBetween\` (\`packages/postgres/src/statements.ts\`): both seq bounds come from the sessions row through InitPlans, unknown at plan time, so with no statistics the two-sided range was estimated at 3 rows and a sort looked free. It now bounds only the near side inside the LIMITed, index-ordered subquery and applies the far side to its output (exact: the newest n rows at or below hi hold every live row the query wants), which keeps the backward index scan on an unanalyzed table (0.067 ms).
- **Connections.** PostgreSQL: one \`pg.Pool\` (10 connections) shared by adapter, floor and peer. Redis: one ioredis connection shared by adapter, floor and the community store; \`@langchain/redis\` uses its own node-redis client (one, shared).
- **Statistics.** After a warm-up, the cases of one workload, backend and session length are sampled round-robin (one sample of each in turn) until each has its sample count or has spent its time budget (at least 3 samples; fewer at 100,000 messages, where a peer's turn takes seconds). Median and p99 (nearest rank; with few samples p99 is the maximum). Ratios divide medians of the same run.
- **Memory.** Peak RSS of a child process doing the one read: the kernel's high-water mark, and RSS sampled every 2 ms during the read.`;

interface Cause {
  /** Which missed checks this cause explains. */
  explains: (check: Check) => boolean;
  text: string;
}

const is = (check: Check, pattern: RegExp) => pattern.test(check.id);

/**
 * Causes found by profiling (--cpu-prof) and timing splits of each adapter apart from the run;
 * the figures quoted here come from those splits. Printed only for goals this run missed.
 */
const CAUSES: Cause[] = [
  {
    explains: (c) => is(c, /^flat:/) || is(c, /:history$/) || is(c, /^peer:.*:turn:all$/),
    text: '**Decoding (all adapters, `packages/core/src/codec.ts`, `fromStoredMessage`).** Turning stored records back into LangChain messages is most of what a history adds to the store API (the floors return raw strings). The first full run found `fromStoredMessage` copying each record twice and writing back all 13 optional fields: 75-90 ms per 10,000 messages against 21 ms for LangChain\'s own `mapStoredMessagesToChatMessages`. It now copies once and writes back only the fields a constructor changed: about 20 ms per 10,000 (measured apart from the run), on a par with LangChain. What is left of the history/floor gap is `JSON.parse` and building message objects, which no floor does. The flatness goal is also measured against a 10-message session, where the window holds only the 10-12 messages there are: from 1,000 messages on, the window holds 40 and the turn stays flat (the "at 1,000" rows of the flatness table).',
  },
  {
    explains: (c) => is(c, /^floor:file:append/) || is(c, /^peer:file\/peer:append/),
    text: '**File store appends (`packages/file/src/store.ts` `doAppend`, `records-file.ts`, `fd-io.ts`).** An append takes the lock file, reads the metadata, opens the records file, reads a 4 KiB tail to find the last seq, writes, closes and releases: the same calls as before, but those that touch a few KiB of a local file are now synchronous (a few µs each) instead of round trips through the libuv thread pool (40-200 µs each on this machine). The floor uses `fs.promises.appendFile`, so ratios below 1x come from that choice, not from doing less: the store still numbers, locks and keeps metadata. What is left on 50-message batches is encoding: each payload is `JSON.stringify`d into its line (`{"s":seq,"p":payload}`), so the history row also pays the codec twice over what the floor writes. The synchronous calls block the event loop for their duration, which on a slow or network disk can be long (package README, Limits).',
  },
  {
    explains: (c) => is(c, /^floor:file:read-last/) || is(c, /^peer:file\/peer:read-last/),
    text: "**File store reads (`packages/file/src/store.ts` `doRead`, `lines.ts`).** A last-N read is one synchronous tail read sized to the window (about n KiB), and each line is unwrapped by its known prefix with only the payload string going through `JSON.parse`. The peer answers reads from the module-level copy it loaded once and never re-reads the file, so on a 10-message session it does no I/O and no parsing at all; that copy is also what makes it lose other processes' writes (PEERS.md). Our history row there is the read (about 25 µs) plus decoding 10 messages.",
  },
  {
    explains: (c) => is(c, /^floor:sqlite:append/),
    text: "**SQLite appends (`packages/sqlite/src/store.ts` `#appendNow`).** Each append also reads and updates the session row (seq counter, count, `updated_at` for `listSessions`), so every commit writes two B-tree pages to the WAL (messages and sessions) where the floor writes one; adding one UPDATE of another table to the floor's transaction costs it 25-40% on its own. Folding the SELECT and the UPDATE into one `UPDATE ... RETURNING last_seq, expires_at` with positional parameters measured no faster; the remaining gap is the price of the session row, which keeps seq assignment O(1) and safe across processes and `listSessions` indexed.",
  },
  {
    explains: (c) => is(c, /^floor:sqlite:read-last/),
    text: "**SQLite reads (`packages/sqlite/src/store.ts` `#readNow`).** A read is now two statements in one deferred transaction (one snapshot, no lock a writer waits on): the session row as an array (liveness, `last_seq`, count), then only the payloads of the seq range the query selects, plucked, with each seq derived as `from + i` (a session's records are exactly `(last_seq - count, last_seq]`, kept so by every write; `packages/sqlite/src/range.ts`). That took the store API's last-20 read from 29-46 µs to 10-17 µs, against the floor's 9-15 µs, which returns no seqs. What is left between the history row and the floor is decoding (see above).",
  },
  {
    explains: (c) => is(c, /^flat:postgres/) || (is(c, /^(floor|peer):postgres.*append/) && c.at >= 100_000),
    text: "**PostgreSQL appends scanned the whole table on a large session (`packages/postgres/src/statements.ts`, `append`); fixed.** In the first full run the append's `capped` and `stale` DELETEs compared seq with values the planner could not know, so once one session held most of an analyzed table both became sequential scans (57 ms per 2-message append at 100,000 rows, 170 ms per windowed turn). They now run only when they can delete something: `capped` when a cap is given (`$8::bigint IS NOT NULL`, folded at plan time), `stale` when the upsert restarted the session (`(SELECT created_at FROM s) = now`), both One-Time Filters that skip the scan. The windowed turn at 100,000 messages is now 0.74x of its value at 10. What remains against the floor at 100,000 is the session-row upsert every append makes.",
  },
  {
    explains: (c) => is(c, /^floor:postgres:/) || is(c, /^peer:postgres\/peer:/),
    text: "**PostgreSQL round trips (`packages/postgres/src/store.ts` `#query`, `prepared.ts`).** Statements are now named (`chh_<operation>_<hash of the text>`), so pg parses and plans each once per connection instead of on every call (`preparedStatements: false` keeps them unnamed for PgBouncer in transaction mode). That took the last-20 read through the store API from 0.33-0.50 ms to 0.23-0.29 ms and single appends from about 1.5x the floor to 0.9-1.2x in a split. What is left: the append is one statement with five parts (the session-row upsert that reserves the seq range, the insert, the gated cap and restart deletes) against the floor's single INSERT, and on this two-core machine the server shares the CPU with the client, so the 50-session run measures CPU more than the database.",
  },
  {
    explains: (c) =>
      is(c, /^floor:redis:append/) || is(c, /^peer:redis\/.*:append/) || is(c, /^peer:redis\/.*:concurrent/),
    text: "**Redis appends (`packages/redis/src/store.ts` `doAppend`, `scripts.ts` `APPEND`).** On a standalone server an append is now one script call that also updates the user's sorted set (on a Cluster that set lives in another slot and gets its own ZADD), writes the session's ids only on its first append, and pushes elements the client already numbered from the seq it expects (renumbered in the script when another writer came first). That halved the script's server time for 50 messages (113-148 µs to 61-67 µs back to back; RPUSH 8-12 µs) and took a single append through the store API from 77-80 µs to 51-54 µs in a side-by-side split (floor 27-29 µs). What is left is the fixed cost of running a Lua script (about 30 µs of server time when calls are spaced out) and the HGET/HSET of the session's metadata that `listSessions` and `getSession` need; a bare RPUSH keeps no seq, no metadata and no listing.",
  },
  {
    explains: (c) =>
      is(c, /^floor:redis:read-last/) || is(c, /^peer:redis\/.*:read-last/) || is(c, /^peer:redis\/.*:turn:window/),
    text: "**Redis reads (`packages/redis/src/store.ts` `doRead`, `records.ts`).** The server work is the same LRANGE as the floor (2.2 µs each); the session's keys are now cached (`session-cache.ts`, at most 1,024 sessions), so what is left client-side is splitting each element on its tab and parsing its seq, then the history class decoding the messages (see decoding). On sessions of 10 messages a peer's \"read everything\" returns the same 10 messages, so there is nothing for a windowed read to save.",
  },
  {
    explains: (c) => is(c, /^mem:/),
    text: "**Reading a whole session holds it twice (`packages/core/src/history.ts`, `ChatHistory.getMessages`).** The store returns every record as a string (`{ seq, payload }`; the payloads alone are about 44 MB at 100,000 messages) and the history then builds every message, so the peak holds the strings and the messages. Releasing each record as it is decoded was tried and measured no lower (+157.6 MB against +154.3 MB for SQLite): V8 reclaims the released strings only at its next old-generation collection, after the read. The peers hold one copy because their drivers parse straight into objects (jsonb in pg) or they keep no strings; a window of 40 adds nothing measurable, which is what a chat turn uses.",
  },
];

export function notesFor(missed: readonly Check[]): string[] {
  return CAUSES.filter((cause) => missed.some((c) => cause.explains(c))).map((cause) => cause.text);
}

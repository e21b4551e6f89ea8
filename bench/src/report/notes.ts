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
    text: "**File store appends (`packages/file/src/store.ts` `doAppend`, `records-file.ts` `appendBatch`).** One append is about eight file-system calls through the libuv thread pool: create and later unlink the lock file (`lock.ts` `withFileLock`), read the metadata file, then open the records file, `fstat`, read a 16 KiB tail to find the last seq, write, close. The floor's `appendFile` is three (open, write, close) and has no seq, no lock and no metadata, so 1.3x is out of reach for an append that is cross-process safe and numbered. The first full run also rewrote the metadata file on every append (four more calls); it is now written only when a session is created, cleared or given a TTL, and `updatedAt` comes from the records file's modification time, which took the single-append ratio from about 7.7x to about 4.8x. Still possible: reading a 4 KiB tail first instead of 16 KiB (a record is about 500 bytes). The peer wins single appends on short sessions because it writes a small whole file from its in-memory copy and takes no lock (which is also why it loses messages with several processes, PEERS.md); from 1,000 messages on it rewrites everything and falls far behind.",
  },
  {
    explains: (c) => is(c, /^floor:file:read-last/) || is(c, /^peer:file\/peer:read-last/),
    text: '**File store reads (`packages/file/src/store.ts` `doRead`).** Before the tail read, `#liveMeta` opens, reads and parses the metadata file to check expiry (3 extra thread-pool calls), and each record line is `JSON.parse`d to unwrap `{"s":seq,"p":payload}`. A fix is to `stat` the metadata file and reuse a parsed copy while its mtime and size are unchanged (one call instead of three). The peer answers reads from the module-level copy it loaded once and never re-reads the file, so on a 10-message session it does no I/O at all; that copy is also what makes it lose other processes\' writes.',
  },
  {
    explains: (c) => is(c, /^floor:sqlite:append/),
    text: "**SQLite appends (`packages/sqlite/src/store.ts` `#appendNow`).** Each append also reads and updates the session row (seq counter, count, `updated_at` for `listSessions`), so every commit writes two B-tree pages to the WAL (messages and sessions) where the floor writes one; adding one UPDATE of another table to the floor's transaction costs it 25-40% on its own. Folding the SELECT and the UPDATE into one `UPDATE ... RETURNING last_seq, expires_at` with positional parameters measured no faster; the remaining gap is the price of the session row, which keeps seq assignment O(1) and safe across processes and `listSessions` indexed.",
  },
  {
    explains: (c) => is(c, /^floor:sqlite:read-last/),
    text: "**SQLite reads (`packages/sqlite/src/statements.ts` `readDescending`, `store.ts` `doRead`).** The statement returns `{ seq, payload }` row objects (+11 µs for 20 rows against plucking strings), checks liveness with an `EXISTS` subquery on the sessions table, binds named parameters from a spread object, and the rows are then mapped to new objects: 38-48 µs against the floor's 13-14 µs. Reading the session row once (`SELECT last_seq, expires_at`, raw) and then plucking only the payloads (`.pluck()`, positional parameters, `seq <= last_seq ORDER BY seq DESC LIMIT ?`), deriving each seq as `last_seq - i` (records are contiguous, `(last_seq - count, last_seq]`), measured 23 µs: about 1.7x the floor, which returns no seq at all.",
  },
  {
    explains: (c) => is(c, /^flat:postgres/) || (is(c, /^(floor|peer):postgres.*append/) && c.at >= 100_000),
    text: "**PostgreSQL appends scanned the whole table on a large session (`packages/postgres/src/statements.ts`, `append`); fixed.** In the first full run the append's `capped` and `stale` DELETEs compared seq with values the planner could not know, so once one session held most of an analyzed table both became sequential scans (57 ms per 2-message append at 100,000 rows, 170 ms per windowed turn). They now run only when they can delete something: `capped` when a cap is given (`$8::bigint IS NOT NULL`, folded at plan time), `stale` when the upsert restarted the session (`(SELECT created_at FROM s) = now`), both One-Time Filters that skip the scan. The windowed turn at 100,000 messages is now 0.74x of its value at 10. What remains against the floor at 100,000 is the session-row upsert every append makes.",
  },
  {
    explains: (c) => is(c, /^floor:postgres:/) || is(c, /^peer:postgres\/peer:/),
    text: "**PostgreSQL statements are parsed and planned on every call (`packages/postgres/src/store.ts` `#query`).** All statements are sent unnamed (for PgBouncer in transaction mode), so each call pays parse and plan: about 0.24 ms for the last-N read (execution is 0.13 ms) and more for the append's five-part CTE, on a server that shares the two cores with the client. Giving each statement a name (`this.pool.query({ name: \"<prefix>_<operation>\", text, values })`) so that pg prepares it once per connection took the last-20 read from 390-490 µs to 210-430 µs in a split; make it the default and keep unnamed statements behind an option (`preparedStatements: false`) for PgBouncer. The peer's single-row INSERT is simpler to plan than our append, which is why it wins single appends and, on this CPU-bound box, the 50-session run.",
  },
  {
    explains: (c) =>
      is(c, /^floor:redis:append/) || is(c, /^peer:redis\/.*:append/) || is(c, /^peer:redis\/.*:concurrent/),
    text: "**Redis appends (`packages/redis/src/store.ts` `doAppend`, `scripts.ts` `APPEND`).** An append is two commands (the Lua script and a ZADD to the user's sorted set) against the floor's one RPUSH, and the script itself costs the server 26 µs for one message and 142 µs for 50 (RPUSH: 1.7 and 25 µs; `INFO commandstats`): it builds a new `\"<seq>\\t<payload>\"` string per message with `string.format` and concatenation, and makes 5-7 `redis.call`s (INCRBY, RPUSH, HGET, HSETNX, HSET, PTTL). Fixes: on a standalone client (not Cluster) pass the sorted-set key to the script and ZADD inside it (one command, one round trip instead of two); set `sessionId`/`userId` only on a session's first append (when INCRBY returns n) instead of on every append. The per-message string building could go only with a format change (the seq kept once per session, each element's seq derived from its list index). The server cost of a Lua call keeps 1.3x of a bare RPUSH out of reach.",
  },
  {
    explains: (c) =>
      is(c, /^floor:redis:read-last/) || is(c, /^peer:redis\/.*:read-last/) || is(c, /^peer:redis\/.*:turn:window/),
    text: "**Redis reads (`packages/redis/src/store.ts` `doRead`, `records.ts`).** The server work is the same LRANGE as the floor (2.2 µs each); the difference is client-side: the key is rebuilt on every call (`sessionKeys`: JSON.stringify and base64url of the ids, twice), each element is split on its tab and its seq parsed, and the history class then decodes the messages (see decoding). Caching the session's keys per (userId, sessionId) in the history object, or passing them down, removes the first part. On sessions of 10 messages a peer's \"read everything\" returns the same 10 messages, so there is nothing for a windowed read to save.",
  },
  {
    explains: (c) => is(c, /^mem:/),
    text: "**Reading a whole session holds it twice (`packages/core/src/history.ts`, `ChatHistory.getMessages` / `#decode`).** The store returns every record (`{ seq, payload }`, the payload strings alone are about 44 MB at 100,000 messages) and `#decode` builds every message while the whole records array is still referenced, so the peak holds both, plus the garbage of the codec's double copy (see decoding); the store API alone and the floors add 60-90 MB, the messages another 110-130 MB. Releasing each record as it is decoded (`records[i] = undefined`, or decoding page by page with `{ after, limit }` reads of a few thousand) and the codec fix bring it down toward the peers'; a window of 40 adds nothing measurable.",
  },
];

export function notesFor(missed: readonly Check[]): string[] {
  return CAUSES.filter((cause) => missed.some((c) => cause.explains(c))).map((cause) => cause.text);
}

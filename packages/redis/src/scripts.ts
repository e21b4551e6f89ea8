import type { Cluster, Redis } from "ioredis";

/**
 * Lua scripts, run with EVALSHA through ioredis `defineCommand` (EVAL the first time on a connection
 * and again after NOSCRIPT, e.g. once the server restarted). A script is atomic and one round trip, and
 * works on a cluster because every key it names there shares the session's hash tag.
 */

/**
 * KEYS: msgs, seq, meta, and on a standalone server the user's sorted set (on a cluster it lives in
 * another slot and gets its own ZADD). ARGV: now, ttlMs (0 keeps the current expiry), maxMessages
 * (0: no cap), sessionId, userId ('' for none), the session's member in the sorted set, numberedFrom,
 * then the n elements. Returns { firstSeq, lastSeq }.
 *
 * Each list element is "<seq>\t<payload>": the list always holds one contiguous run of seqs. Making
 * those strings in Lua costs the server about 0.8 µs a message (a new string each), so a client that
 * knows the session's next seq sends the elements numbered from it (numberedFrom > 0); they are
 * pushed as they are when it is right, and renumbered here when another writer came first.
 * numberedFrom 0: the elements are bare payloads, numbered here.
 */
const APPEND = `
local n = #ARGV - 7
local last = redis.call('INCRBY', KEYS[2], n)
local first = last - n + 1
local numbered = tonumber(ARGV[7])
local length, created
if numbered == first then
  for from = 8, #ARGV, 1000 do
    local to = math.min(from + 999, #ARGV)
    length = redis.call('RPUSH', KEYS[1], unpack(ARGV, from, to))
    if created == nil then created = length == to - from + 1 end
  end
else
  local chunk = {}
  for i = 1, n do
    local payload = ARGV[7 + i]
    if numbered > 0 then payload = string.sub(payload, string.find(payload, '\\t', 1, true) + 1) end
    chunk[#chunk + 1] = string.format('%d', first + i - 1) .. '\\t' .. payload
    if #chunk == 1000 or i == n then
      length = redis.call('RPUSH', KEYS[1], unpack(chunk))
      if created == nil then created = length == #chunk end
      chunk = {}
    end
  end
end
local cap = tonumber(ARGV[3])
if cap > 0 and length > cap then redis.call('LTRIM', KEYS[1], -cap, -1) end
local previous = redis.call('HGET', KEYS[3], 'updatedAt')
if previous then
  -- updatedAt never goes back, whatever the writers' clocks say
  if tonumber(ARGV[1]) > tonumber(previous) then redis.call('HSET', KEYS[3], 'updatedAt', ARGV[1]) end
elseif ARGV[5] ~= '' then
  -- the session's first write (or first since it expired or was deleted): the ids never change after
  redis.call('HSET', KEYS[3], 'createdAt', ARGV[1], 'updatedAt', ARGV[1], 'sessionId', ARGV[4], 'userId', ARGV[5])
else
  redis.call('HSET', KEYS[3], 'createdAt', ARGV[1], 'updatedAt', ARGV[1], 'sessionId', ARGV[4])
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
elseif previous and (created or last == n) then
  -- a list or counter this write created (a list emptied by clear) takes the session's remaining lifetime
  local remaining = redis.call('PTTL', KEYS[3])
  if remaining > 0 then
    redis.call('PEXPIRE', KEYS[1], remaining)
    redis.call('PEXPIRE', KEYS[2], remaining)
  end
end
if KEYS[4] then redis.call('ZADD', KEYS[4], 'GT', ARGV[1], ARGV[6]) end
return {first, last}
`;

/**
 * KEYS: msgs. ARGV: after, before, limit (-1 / -1 / 0 when absent). The list is a contiguous seq
 * range, so a seq maps to index seq - firstSeq; same semantics as core's selectRecords.
 */
const READ_RANGE = `
local len = redis.call('LLEN', KEYS[1])
if len == 0 then return {} end
local first = tonumber(string.match(redis.call('LINDEX', KEYS[1], 0), '^(%d+)'))
if not first then return redis.error_reply('CORRUPT first element has no sequence number') end
local after, before, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local from, to = 0, len
if after >= 0 then from = math.max(from, after - first + 1) end
if before >= 0 then to = math.min(to, before - first) end
if to <= from then return {} end
if limit > 0 then
  if before >= 0 and after < 0 then from = math.max(from, to - limit) else to = math.min(to, from + limit) end
end
return redis.call('LRANGE', KEYS[1], from, to - 1)
`;

/** KEYS: msgs, meta. Returns [createdAt, updatedAt, count, pttl], or nil when the session does not exist. */
const SESSION_INFO = `
local meta = redis.call('HMGET', KEYS[2], 'createdAt', 'updatedAt')
if not meta[1] then return false end
return {meta[1], meta[2], redis.call('LLEN', KEYS[1]), redis.call('PTTL', KEYS[2])}
`;

/** KEYS: msgs, meta. ARGV: now. Drops the messages, keeps seq, meta and expiry. Returns 1 if the session exists. */
const CLEAR = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('DEL', KEYS[1])
local previous = tonumber(redis.call('HGET', KEYS[2], 'updatedAt') or '0')
redis.call('HSET', KEYS[2], 'updatedAt', string.format('%d', math.max(tonumber(ARGV[1]), previous)))
return 1
`;

/** KEYS: a user's sorted set. ARGV: member, score seen. Removes the member only if nobody re-listed it since. */
const UNLIST_IF_UNCHANGED = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`;

type Arg = string | number;

/** The commands defineCommand adds; named so they cannot clash with a user's own. */
export interface ScriptCommands {
  /** 3 keys (msgs, seq, meta) or 4 (and the user's sorted set), then the ARGV of APPEND. */
  chatHistoryAppend(numberOfKeys: 3 | 4, ...keysAndArgs: Arg[]): Promise<[number, number]>;
  chatHistoryReadRange(msgs: string, after: Arg, before: Arg, limit: Arg): Promise<string[]>;
  chatHistorySessionInfo(msgs: string, meta: string): Promise<[string, string, number, number] | null>;
  chatHistoryClear(msgs: string, meta: string, now: Arg): Promise<number>;
  chatHistoryUnlistIfUnchanged(sessions: string, member: string, score: Arg): Promise<number>;
}

export type ScriptedClient = (Redis | Cluster) & ScriptCommands;

const prepared = new WeakSet<object>();

/** Registers the scripts on a client once; calling it again for the same client does nothing. */
export function withScripts(client: Redis | Cluster): ScriptedClient {
  if (!prepared.has(client)) {
    // No fixed numberOfKeys: the sorted set is a key of the script on a standalone server only.
    client.defineCommand("chatHistoryAppend", { lua: APPEND });
    client.defineCommand("chatHistoryReadRange", { numberOfKeys: 1, lua: READ_RANGE });
    client.defineCommand("chatHistorySessionInfo", { numberOfKeys: 2, lua: SESSION_INFO });
    client.defineCommand("chatHistoryClear", { numberOfKeys: 2, lua: CLEAR });
    client.defineCommand("chatHistoryUnlistIfUnchanged", { numberOfKeys: 1, lua: UNLIST_IF_UNCHANGED });
    prepared.add(client);
  }
  return client as ScriptedClient;
}

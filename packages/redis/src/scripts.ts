import type { Cluster, Redis } from "ioredis";

/**
 * Lua scripts, run with EVALSHA through ioredis `defineCommand`. A script is atomic and one round
 * trip, and works on a cluster because every key it names shares the session's hash tag.
 */

/**
 * KEYS: msgs, seq, meta. ARGV: now, ttlMs (0 keeps the current expiry), maxMessages (0: no cap),
 * sessionId, userId ('' for none), then the payloads. Returns { firstSeq, lastSeq }.
 * Each list element is "<seq>\t<payload>": the list always holds one contiguous run of seqs.
 */
const APPEND = `
local n = #ARGV - 5
local last = redis.call('INCRBY', KEYS[2], n)
local first = last - n + 1
local chunk = {}
for i = 1, n do
  chunk[#chunk + 1] = string.format('%d', first + i - 1) .. '\\t' .. ARGV[5 + i]
  if #chunk == 1000 or i == n then
    redis.call('RPUSH', KEYS[1], unpack(chunk))
    chunk = {}
  end
end
local cap = tonumber(ARGV[3])
if cap > 0 then redis.call('LTRIM', KEYS[1], -cap, -1) end
local now = tonumber(ARGV[1])
local previous = tonumber(redis.call('HGET', KEYS[3], 'updatedAt') or '0')
redis.call('HSETNX', KEYS[3], 'createdAt', ARGV[1])
redis.call('HSET', KEYS[3], 'updatedAt', string.format('%d', math.max(now, previous)), 'sessionId', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], 'userId', ARGV[5]) end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
else
  -- keys this write created (a list emptied by clear) take the session's remaining lifetime
  local remaining = redis.call('PTTL', KEYS[3])
  if remaining > 0 then
    redis.call('PEXPIRE', KEYS[1], remaining)
    redis.call('PEXPIRE', KEYS[2], remaining)
  end
end
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
  chatHistoryAppend(msgs: string, seq: string, meta: string, ...args: Arg[]): Promise<[number, number]>;
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
    client.defineCommand("chatHistoryAppend", { numberOfKeys: 3, lua: APPEND });
    client.defineCommand("chatHistoryReadRange", { numberOfKeys: 1, lua: READ_RANGE });
    client.defineCommand("chatHistorySessionInfo", { numberOfKeys: 2, lua: SESSION_INFO });
    client.defineCommand("chatHistoryClear", { numberOfKeys: 2, lua: CLEAR });
    client.defineCommand("chatHistoryUnlistIfUnchanged", { numberOfKeys: 1, lua: UNLIST_IF_UNCHANGED });
    prepared.add(client);
  }
  return client as ScriptedClient;
}

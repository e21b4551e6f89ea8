export { DEFAULT_PREFIX, REDIS_CLIENT_DEFAULTS, RedisChatHistoryStore, type RedisStoreOptions } from "./store.js";
export { RedisChatMessageHistory, type RedisChatMessageHistoryOptions } from "./history.js";
export { sessionKeys, userSessionsKey, type SessionKeys } from "./keys.js";
export { mapRedisError } from "./errors.js";

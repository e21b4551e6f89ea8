export { DEFAULT_PREFIX, RedisChatHistoryStore, type RedisStoreOptions } from "./store.js";
export { RedisChatMessageHistory, type RedisChatMessageHistoryOptions } from "./history.js";
export { sessionKeys, userSessionsKey, type SessionKeys } from "./keys.js";
export { mapRedisError } from "./errors.js";

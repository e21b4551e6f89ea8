export { SqliteChatHistoryStore, type SqliteStoreOptions } from "./store.js";
export { SqliteChatMessageHistory, type SqliteChatMessageHistoryOptions } from "./history.js";
export type { ConnectionOptions, SynchronousMode } from "./connection.js";
export { DEFAULT_TABLE_PREFIX, sqliteSchemaSql } from "./schema.js";

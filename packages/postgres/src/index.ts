export { POSTGRES_POOL_DEFAULTS, PostgresChatHistoryStore, type PostgresStoreOptions } from "./store.js";
export { PostgresChatMessageHistory, type PostgresChatMessageHistoryOptions } from "./history.js";
export { postgresSchemaSql, type SchemaSqlOptions } from "./ddl.js";
export { isUnavailable } from "./errors.js";

export { MONGODB_CAPABILITIES, MongoDBChatHistoryStore, type MongoDBStoreOptions } from "./store.js";
export { MongoDBChatMessageHistory, type MongoDBChatMessageHistoryOptions } from "./history.js";
export { DEFAULT_COLLECTION_PREFIX, collectionNames, type CollectionNames } from "./keys.js";
export { MESSAGE_INDEXES, SESSION_INDEXES, createIndexes } from "./schema.js";
export type { BatchDoc, SessionDoc } from "./documents.js";

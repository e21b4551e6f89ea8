export type {
  AppendOptions,
  AppendResult,
  ChatHistoryStore,
  ListSessionsQuery,
  ReadQuery,
  SessionInfo,
  SessionKey,
  SessionPage,
  StoreCapabilities,
  StoredRecord,
} from "./contract.js";
export { BaseChatHistoryStore, type BaseStoreOptions } from "./base-store.js";
export { ChatHistory, type ChatHistoryOptions, type MessagePage, dropOrphanToolResults } from "./history.js";
export {
  CODEC_VERSION,
  type StoredMessageType,
  type StoredMessageV1,
  decodeMessage,
  encodeMessage,
  fromStoredMessage,
  toStoredMessage,
} from "./codec.js";
export * from "./errors.js";
export { LIMITS } from "./limits.js";
export { MemoryChatHistoryStore } from "./memory-store.js";
export { selectRecords, selectSeqRange } from "./select-records.js";
export { type SessionCursor, decodeSessionCursor, encodeSessionCursor, isAfterCursor } from "./session-cursor.js";
export { assertIdentifier, assertKeyPrefix, assertSessionId, assertUserId, assertPositiveInt } from "./validate.js";

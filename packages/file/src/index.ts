export { FileChatHistoryStore, type FileChatHistoryStoreOptions } from "./store.js";
export { FileChatMessageHistory, type FileChatMessageHistoryOptions } from "./history.js";

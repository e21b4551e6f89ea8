import { ChatHistoryError, StoreUnavailableError } from "@chat-history/core";

/** Replies that mean "not now", not "never": the server is loading, failing over or busy. */
const TRANSIENT_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|BUSY|MOVED|ASK)\b/;

/** What ioredis and Node raise when the server cannot be reached or the connection dropped. */
const CONNECTION_MESSAGE =
  /Connection is closed|Stream isn't writeable|connect E|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|Command timed out|None of startup nodes|Failed to refresh slots cache|Cluster isn't ready|Too many Cluster redirections/;
const CONNECTION_ERROR_NAMES = new Set(["MaxRetriesPerRequestError", "ClusterAllFailedError"]);

/** Turns a failure from the client into StoreUnavailableError (retryable) when it is about reaching Redis. */
export function mapRedisError(error: unknown): unknown {
  if (error instanceof ChatHistoryError || !(error instanceof Error)) return error;
  const transient =
    CONNECTION_ERROR_NAMES.has(error.name) ||
    (error.name === "ReplyError" ? TRANSIENT_REPLY.test(error.message) : CONNECTION_MESSAGE.test(error.message));
  return transient ? new StoreUnavailableError(`redis: ${error.message}`, error) : error;
}

/** The server (or a proxy in front of shards) refused a command whose keys are in different slots. */
export function isCrossSlot(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError" && error.message.startsWith("CROSSSLOT");
}

/** Runs a call against Redis, mapping connection failures. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapRedisError(error);
  }
}

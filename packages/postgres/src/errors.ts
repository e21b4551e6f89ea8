import { StoreUnavailableError } from "@chat-history/core";

/** Socket-level failures: the server was not reached, or the connection died mid-call. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** SQLSTATEs that mean "the server is going away or cannot take you now". */
const SERVER_CODES = new Set(["57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006"]);

/** pg's own messages for connections that ended or never came (they carry no code). */
const DRIVER_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Query read timeout/i;

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || SERVER_CODES.has(code))) return true;
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true;
  return DRIVER_MESSAGES.test(error.message);
}

/** Connection failures become the retryable StoreUnavailableError; anything else is rethrown as is. */
export function mapPgError(error: unknown): unknown {
  if (isUnavailable(error)) {
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code : String(error);
    return new StoreUnavailableError(`PostgreSQL is unavailable: ${reason}`, error);
  }
  return error;
}

import { LIMITS, type ReadQuery } from "@chat-history/core";
import { isValidId } from "./arbitraries.js";

/**
 * What core documents as acceptable, restated independently of core's own validators, so the
 * fuzz can say "this must be accepted" or "this must be refused" for every input.
 */

export function isPositiveInt(value: unknown, max = Number.MAX_SAFE_INTEGER): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= max;
}

export function isSeqCursor(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

export function isValidKey(key: unknown): boolean {
  if (key === null || typeof key !== "object") return false;
  const { sessionId, userId } = key as { sessionId?: unknown; userId?: unknown };
  return isValidId(sessionId) && (userId === undefined || isValidId(userId));
}

export function isValidReadQuery(query: ReadQuery): boolean {
  const maxRead = LIMITS.maxPageSize * 100;
  if (query.last !== undefined && !isPositiveInt(query.last, maxRead)) return false;
  if (query.limit !== undefined && !isPositiveInt(query.limit, maxRead)) return false;
  if (query.before !== undefined && !isSeqCursor(query.before)) return false;
  if (query.after !== undefined && !isSeqCursor(query.after)) return false;
  return !(query.last !== undefined && (query.before !== undefined || query.after !== undefined));
}

export interface HistoryOptionValues {
  window?: unknown;
  ttlMs?: unknown;
  maxMessages?: unknown;
}

export function areValidHistoryOptions(options: HistoryOptionValues): boolean {
  return (
    (options.window === undefined || isPositiveInt(options.window, LIMITS.maxPageSize * 100)) &&
    (options.ttlMs === undefined || isPositiveInt(options.ttlMs)) &&
    (options.maxMessages === undefined || isPositiveInt(options.maxMessages))
  );
}

/** UTF-8 bytes of both ids of a key: PostgreSQL's index refuses keys of roughly 2,700 bytes and more. */
export function keyBytes(sessionId: string, userId: string | undefined): number {
  return Buffer.byteLength(sessionId, "utf8") + Buffer.byteLength(userId ?? "", "utf8");
}

import { InvalidOptionError } from "./errors.js";
import { idProblem } from "./validate.js";

/** Position in a newest-first session listing: ordered by (updatedAt DESC, sessionId DESC). */
export interface SessionCursor {
  updatedAt: number;
  sessionId: string;
}

export function encodeSessionCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.sessionId]), "utf8").toString("base64url");
}

export function decodeSessionCursor(text: string): SessionCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    // Only what a store hands out: a whole-millisecond time and a valid session id, so adapters can
    // pass both straight to their backend.
    if (
      Array.isArray(value) &&
      Number.isSafeInteger(value[0]) &&
      value[0] >= 0 &&
      (value[1] === "" || idProblem(value[1]) === undefined)
    ) {
      return { updatedAt: value[0], sessionId: value[1] };
    }
  } catch {
    // reported below
  }
  throw new InvalidOptionError("cursor", "is not a cursor this store returned");
}

/** True when a session at (updatedAt, sessionId) comes after the cursor in newest-first order. */
export function isAfterCursor(cursor: SessionCursor, updatedAt: number, sessionId: string): boolean {
  return updatedAt < cursor.updatedAt || (updatedAt === cursor.updatedAt && sessionId < cursor.sessionId);
}

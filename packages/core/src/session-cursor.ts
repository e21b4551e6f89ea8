import { InvalidOptionError } from "./errors.js";

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
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string") {
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

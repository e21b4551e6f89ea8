import { InvalidOptionError, InvalidSessionIdError, InvalidUserIdError } from "./errors.js";
import { LIMITS } from "./limits.js";

/** Why a value is not a valid session or user id, or undefined when it is. */
export function idProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string, got ${typeof value}`;
  if (value.length === 0) return "must not be empty";
  if (value.length > LIMITS.maxIdLength) return `is ${value.length} characters; the limit is ${LIMITS.maxIdLength}`;
  if (value.includes("\u0000")) return "must not contain NUL (\\u0000)";
  if (!value.isWellFormed()) return "must be well-formed UTF-16 (no lone surrogates)";
  return undefined;
}

/** Any non-empty well-formed string up to LIMITS.maxIdLength without NUL: `/`, `..`, `:`, `{}` and emoji included. */
export function assertSessionId(value: unknown): asserts value is string {
  const problem = idProblem(value);
  if (problem) throw new InvalidSessionIdError(`session id ${problem}`);
}

export function assertUserId(value: unknown): asserts value is string | undefined {
  if (value === undefined) return;
  const problem = idProblem(value);
  if (problem) throw new InvalidUserIdError(`user id ${problem}`);
}

/** A positive whole number (window sizes, caps, page sizes), or undefined. */
export function assertPositiveInt(option: string, value: unknown, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidOptionError(option, `must be a whole number from 1 to ${max}, got ${String(value)}`);
  }
}

/** A non-negative whole number (cursors), or undefined. */
export function assertCursor(option: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(option, `must be a non-negative whole number, got ${String(value)}`);
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Table, schema and collection names: letters, digits and `_`, starting with a letter or `_`,
 * at most 63 characters (PostgreSQL's limit). Adapters quote them as well; this keeps names portable.
 */
export function assertIdentifier(option: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !IDENTIFIER.test(value)) {
    throw new InvalidOptionError(
      option,
      `must match ${IDENTIFIER.source} (letters, digits, underscore), got ${JSON.stringify(value)}`,
    );
  }
}

const KEY_PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Key prefixes (Redis): no braces, spaces, glob characters or control characters. */
export function assertKeyPrefix(option: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || !KEY_PREFIX.test(value)) {
    throw new InvalidOptionError(
      option,
      `must match ${KEY_PREFIX.source} (letters, digits, _ . : -), got ${JSON.stringify(value)}`,
    );
  }
}

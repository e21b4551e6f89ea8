import { inspect } from "node:util";
import { ChatHistoryError } from "@chat-history/core";

/** What happened to each hostile call: done, refused with a typed error, or something else (a bug). */
export class Tally {
  tried = 0;
  accepted = 0;
  rejected = 0;
  escaped = 0;
  readonly codes = new Map<string, number>();

  add(other: Tally): void {
    this.tried += other.tried;
    this.accepted += other.accepted;
    this.rejected += other.rejected;
    this.escaped += other.escaped;
    for (const [code, n] of other.codes) this.codes.set(code, (this.codes.get(code) ?? 0) + n);
  }

  summary(backend: string): string {
    const codes = [...this.codes].map(([code, n]) => `${code} ${n}`).join(", ");
    return `hostile ${backend}: ${this.tried} inputs tried, ${this.accepted} accepted, ${this.rejected} rejected (typed), ${this.escaped} escaped${codes ? ` [${codes}]` : ""}`;
  }
}

/** An error that is not a ChatHistoryError reached the caller: the property fails on it. */
export class EscapedError extends Error {
  constructor(what: string, cause: unknown) {
    super(
      `${what} threw an untyped error: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`,
      {
        cause,
      },
    );
    this.name = "EscapedError";
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ChatHistoryError };

/**
 * Runs one call with hostile input and files its outcome. A typed rejection is returned for the
 * caller to check; anything else is rethrown as EscapedError.
 */
export async function attempt<T>(tally: Tally, what: string, call: () => T | Promise<T>): Promise<Outcome<T>> {
  tally.tried++;
  try {
    const value = await call();
    tally.accepted++;
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ChatHistoryError) {
      tally.rejected++;
      tally.codes.set(error.code, (tally.codes.get(error.code) ?? 0) + 1);
      return { ok: false, error };
    }
    tally.escaped++;
    throw new EscapedError(what, error);
  }
}

/** A readable, bounded rendering of a hostile value for failure messages (never throws). */
export function show(value: unknown): string {
  return inspect(value, { depth: 3, maxStringLength: 120, maxArrayLength: 10, breakLength: Number.POSITIVE_INFINITY });
}

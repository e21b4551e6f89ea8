/** Documented limits, enforced before anything is written. */
export const LIMITS = {
  /** Longest session or user id, in UTF-16 code units. */
  maxIdLength: 512,
  /** Default largest encoded message, in UTF-8 bytes (adapters may lower it for their backend). */
  maxMessageBytes: 8 * 1024 * 1024,
  /** Largest `limit` for one page of sessions or messages. */
  maxPageSize: 10_000,
} as const;

/** Every error this library throws on purpose is a `ChatHistoryError` with a stable `code`. */
export type ChatHistoryErrorCode =
  | "INVALID_SESSION_ID"
  | "INVALID_USER_ID"
  | "INVALID_MESSAGE"
  | "MESSAGE_TOO_LARGE"
  | "INVALID_OPTION"
  | "CORRUPT_RECORD"
  | "STORE_CLOSED"
  | "STORE_UNAVAILABLE"
  | "UNSUPPORTED";

export class ChatHistoryError extends Error {
  readonly code: ChatHistoryErrorCode;
  /** True when the same call may succeed if retried later (e.g. the server was unreachable). */
  readonly retryable: boolean;

  constructor(code: ChatHistoryErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

export class InvalidSessionIdError extends ChatHistoryError {
  constructor(message: string) {
    super("INVALID_SESSION_ID", message);
  }
}

export class InvalidUserIdError extends ChatHistoryError {
  constructor(message: string) {
    super("INVALID_USER_ID", message);
  }
}

/** A message that cannot be stored without losing something (circular, BigInt, function, ...). */
export class InvalidMessageError extends ChatHistoryError {
  /** Position of the offending message in the batch, and the path inside it. */
  readonly index: number | undefined;
  readonly path: string | undefined;

  constructor(message: string, details?: { index?: number; path?: string; cause?: unknown }) {
    super("INVALID_MESSAGE", message, { cause: details?.cause });
    this.index = details?.index;
    this.path = details?.path;
  }
}

export class MessageTooLargeError extends ChatHistoryError {
  readonly bytes: number;
  readonly limit: number;

  constructor(bytes: number, limit: number, index: number) {
    super("MESSAGE_TOO_LARGE", `message ${index} of the batch is ${bytes} bytes encoded; the limit is ${limit}`);
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** A store option that is unsafe or out of range (a table name, a prefix, a TTL, a window...). */
export class InvalidOptionError extends ChatHistoryError {
  readonly option: string;

  constructor(option: string, message: string) {
    super("INVALID_OPTION", `${option}: ${message}`);
    this.option = option;
  }
}

/** A stored record that cannot be decoded. Names the session and the record's sequence number. */
export class CorruptRecordError extends ChatHistoryError {
  readonly sessionId: string;
  readonly seq: number;

  constructor(sessionId: string, seq: number, reason: string, cause?: unknown) {
    super("CORRUPT_RECORD", `record ${seq} of session ${JSON.stringify(sessionId)} cannot be read: ${reason}`, {
      cause,
    });
    this.sessionId = sessionId;
    this.seq = seq;
  }
}

export class StoreClosedError extends ChatHistoryError {
  constructor() {
    super("STORE_CLOSED", "the store is closed");
  }
}

/** The backend could not be reached or timed out; the call had no effect or an unknown one. */
export class StoreUnavailableError extends ChatHistoryError {
  constructor(message: string, cause?: unknown) {
    super("STORE_UNAVAILABLE", message, { cause, retryable: true });
  }
}

export class UnsupportedOperationError extends ChatHistoryError {
  constructor(message: string) {
    super("UNSUPPORTED", message);
  }
}

import {
  AIMessage,
  AIMessageChunk,
  type BaseMessage,
  ChatMessage,
  ChatMessageChunk,
  FunctionMessage,
  FunctionMessageChunk,
  HumanMessage,
  HumanMessageChunk,
  SystemMessage,
  SystemMessageChunk,
  ToolMessage,
  ToolMessageChunk,
  isBaseMessageChunk,
} from "@langchain/core/messages";
import { CorruptRecordError, InvalidMessageError, MessageTooLargeError } from "./errors.js";
import { assertJsonSafe } from "./json-safe.js";
import { LIMITS } from "./limits.js";

/** The current stored-record format. Older versions stay readable by newer releases. */
export const CODEC_VERSION = 1;

export type StoredMessageType = "human" | "ai" | "system" | "tool" | "function" | "generic";

/** Format 1 of a stored message: the message's own fields, empty ones left out. */
export interface StoredMessageV1 {
  v: 1;
  type: StoredMessageType;
  /** Present when the message was a chunk class (e.g. AIMessageChunk); it is restored as one. */
  chunk?: true;
  content: unknown;
  id?: string;
  name?: string;
  additional_kwargs?: Record<string, unknown>;
  response_metadata?: Record<string, unknown>;
  tool_calls?: unknown[];
  invalid_tool_calls?: unknown[];
  tool_call_chunks?: unknown[];
  usage_metadata?: unknown;
  tool_call_id?: string;
  artifact?: unknown;
  status?: string;
  metadata?: unknown;
  role?: string;
}

const TYPES = new Set<string>(["human", "ai", "system", "tool", "function", "generic"]);
const OPTIONAL_FIELDS = [
  "id",
  "name",
  "additional_kwargs",
  "response_metadata",
  "tool_calls",
  "invalid_tool_calls",
  "tool_call_chunks",
  "usage_metadata",
  "tool_call_id",
  "artifact",
  "status",
  "metadata",
  "role",
] as const;

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/** Reads a message's fields from the instance (not toDict), so fields set after construction are kept. */
export function toStoredMessage(message: BaseMessage, index = 0): StoredMessageV1 {
  if (message === null || typeof message !== "object" || typeof message.type !== "string") {
    throw new InvalidMessageError(`message ${index} is not a LangChain message`, { index });
  }
  const type = message.type;
  if (!TYPES.has(type)) {
    throw new InvalidMessageError(`message ${index} has type ${JSON.stringify(type)}, which is not a chat message`, {
      index,
    });
  }
  const source = message as unknown as Record<string, unknown>;
  const record: StoredMessageV1 = { v: 1, type: type as StoredMessageType, content: message.content };
  if (isBaseMessageChunk(message)) record.chunk = true;
  for (const field of OPTIONAL_FIELDS) {
    const value = source[field];
    if (!isEmpty(value)) (record as unknown as Record<string, unknown>)[field] = value;
  }
  // Chunks derive tool_calls from tool_call_chunks on read; storing them too would be redundant.
  if (record.tool_call_chunks) {
    delete record.tool_calls;
    delete record.invalid_tool_calls;
  }
  return record;
}

/** Encodes a message to the JSON text adapters store. Throws InvalidMessageError / MessageTooLargeError. */
export function encodeMessage(message: BaseMessage, index = 0, maxBytes: number = LIMITS.maxMessageBytes): string {
  const record = toStoredMessage(message, index);
  if (typeof record.content !== "string" && !Array.isArray(record.content)) {
    throw new InvalidMessageError(`message ${index} content must be a string or an array of content blocks`, {
      index,
      path: "$.content",
    });
  }
  assertJsonSafe(record, index);
  const text = JSON.stringify(record);
  // Fast path: UTF-8 is at most 3 bytes per UTF-16 unit, so short texts need no exact count.
  if (text.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > maxBytes) throw new MessageTooLargeError(bytes, maxBytes, index);
  }
  return text;
}

type Fields = Record<string, unknown>;

const CONSTRUCTORS: Record<StoredMessageType, [new (f: never) => BaseMessage, new (f: never) => BaseMessage]> = {
  human: [HumanMessage, HumanMessageChunk],
  ai: [AIMessage, AIMessageChunk],
  system: [SystemMessage, SystemMessageChunk],
  tool: [ToolMessage, ToolMessageChunk],
  function: [FunctionMessage, FunctionMessageChunk],
  generic: [ChatMessage, ChatMessageChunk],
};

/** Builds the message class back from a stored record, then sets each stored field exactly as it was. */
export function fromStoredMessage(record: StoredMessageV1): BaseMessage {
  const pair = CONSTRUCTORS[record.type];
  const Ctor = record.chunk ? pair[1] : pair[0];
  // `fields` is a fresh object, so a constructor that rewrites its argument cannot touch `record`.
  const { v: _v, type: _t, chunk: _c, ...fields } = record;
  const message = new Ctor(fields as never) as unknown as Fields;
  const stored = record as unknown as Fields;
  // Constructors may rewrite what they were given (e.g. v1 output blocks); restore the stored
  // values verbatim, touching only the fields that came back different.
  for (const field in stored) {
    if (field === "v" || field === "type" || field === "chunk") continue;
    if ((field === "tool_calls" || field === "invalid_tool_calls") && record.tool_call_chunks) continue;
    if (message[field] !== stored[field]) message[field] = stored[field];
  }
  return message as unknown as BaseMessage;
}

/** Decodes stored JSON text. Throws CorruptRecordError naming the session and sequence number. */
export function decodeMessage(text: string, sessionId: string, seq: number): BaseMessage {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new CorruptRecordError(sessionId, seq, "not valid JSON", error);
  }
  if (record === null || typeof record !== "object") throw new CorruptRecordError(sessionId, seq, "not an object");
  const { v, type } = record as { v?: unknown; type?: unknown };
  if (v !== CODEC_VERSION) {
    throw new CorruptRecordError(sessionId, seq, `unknown format version ${JSON.stringify(v)}`);
  }
  if (typeof type !== "string" || !TYPES.has(type)) {
    throw new CorruptRecordError(sessionId, seq, `unknown message type ${JSON.stringify(type)}`);
  }
  try {
    return fromStoredMessage(record as StoredMessageV1);
  } catch (error) {
    throw new CorruptRecordError(sessionId, seq, "its fields do not form a message", error);
  }
}

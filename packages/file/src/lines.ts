import { readAt } from "./fd-io.js";

/**
 * One record per line: `{"s":<seq>,"p":<payload as a JSON string>}`. Every line of a batch but
 * its last also carries `"m":1` ("more follows"), so a batch cut short by a crash, or caught
 * half-written by a reader, is recognised and dropped whole: appends stay all-or-nothing.
 */
export interface RecordLine {
  seq: number;
  payload: string;
  more: boolean;
}

/** The whole batch as one buffer, so it reaches the file in one write. */
export function encodeBatch(firstSeq: number, payloads: readonly string[]): Buffer {
  const last = payloads.length - 1;
  const lines = payloads.map(
    (payload, i) => `{"s":${firstSeq + i},${i < last ? '"m":1,' : ""}"p":${JSON.stringify(payload)}}\n`,
  );
  return Buffer.from(lines.join(""), "utf8");
}

/** Parses one line; undefined when it is not a record this store wrote. */
export function parseLine(text: string): RecordLine | undefined {
  return parseAsWritten(text) ?? parseAnyShape(text);
}

const HEAD = '{"s":';
const MORE_THEN_PAYLOAD = ',"m":1,"p":';
const PAYLOAD = ',"p":';

/**
 * The shape `encodeBatch` writes, without building an object per line: the seq is read off the
 * prefix and only the payload's string literal goes through JSON.parse, which also proves that it
 * is one whole string running up to the closing brace. A line this accepts is valid JSON that
 * `parseAnyShape` reads to the same record; anything else (a leading zero, a 16-digit seq, other
 * key orders or spacing) is left to `parseAnyShape`, so both accept exactly the same lines.
 */
function parseAsWritten(text: string): RecordLine | undefined {
  if (!text.startsWith(HEAD) || text.charCodeAt(text.length - 1) !== 0x7d) return undefined;
  const digitsStart = HEAD.length;
  let i = digitsStart;
  while (isDigit(text.charCodeAt(i))) i++;
  // 1 to 15 digits without a leading zero: a positive safe integer, as JSON writes it.
  if (i === digitsStart || i - digitsStart > 15 || text.charCodeAt(digitsStart) === 0x30) return undefined;
  const seq = Number(text.slice(digitsStart, i));
  let more = false;
  if (text.startsWith(MORE_THEN_PAYLOAD, i)) {
    more = true;
    i += MORE_THEN_PAYLOAD.length;
  } else if (text.startsWith(PAYLOAD, i)) {
    i += PAYLOAD.length;
  } else {
    return undefined;
  }
  if (text.charCodeAt(i) !== 0x22) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(text.slice(i, -1));
  } catch {
    return undefined;
  }
  return typeof payload === "string" ? { seq, payload, more } : undefined;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39; // NaN past the end of the string is not
}

/** Any JSON line with a positive safe-integer `s` and a string `p`: the plain rule `parseAsWritten` must agree with. */
export function parseAnyShape(text: string): RecordLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const { s, p, m } = value as { s?: unknown; p?: unknown; m?: unknown };
  if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 1 || typeof p !== "string") return undefined;
  return { seq: s, payload: p, more: m === 1 };
}

const HEAD_BYTES = 40;

/** Sequence number of the first line, read from the first bytes only (`s` is always written first). */
export async function readFirstSeq(fd: number): Promise<number | undefined> {
  const buf = await readAt(fd, HEAD_BYTES, 0);
  const match = /^\{"s":(\d+)[,}]/.exec(buf.toString("latin1"));
  return match ? Number(match[1]) : undefined;
}

export interface RawLine {
  text: string;
  /** Byte offset just past the line's newline. */
  end: number;
}

/**
 * First read from the end when only the last record is wanted (an append's last seq, a count):
 * a record is about half a kilobyte, so one 4 KiB read almost always holds it.
 */
export const LAST_RECORD_CHUNK = 4 * 1024;
/** First read for other queries; a `last: n` query sizes its own (see `firstChunkFor`). */
export const DEFAULT_FIRST_CHUNK = 16 * 1024;
const MAX_CHUNK = 1024 * 1024;

/**
 * Calls `visit` with the complete lines from the end of the file backwards until it returns false,
 * reading chunks at positions (the first `firstChunk` bytes, then doubling), so that a last-N read
 * costs what the N lines weigh, not the file. Bytes after the last newline (a torn write) are never
 * visited. `visit` runs synchronously between reads, so a chunk costs one read and no per-line await.
 */
export async function eachLineBackward(
  fd: number,
  size: number,
  firstChunk: number,
  visit: (line: RawLine) => boolean,
): Promise<void> {
  let pos = size;
  let carry: Buffer[] = [];
  /** Offset of the newline that ends the line being assembled; -1 while still in the torn tail. */
  let newlineAt = -1;
  let chunk = firstChunk;
  while (pos > 0) {
    const len = Math.min(chunk, pos);
    chunk = Math.min(chunk * 2, MAX_CHUNK);
    pos -= len;
    const buf = await readAt(fd, len, pos);
    let end = len;
    while (end > 0) {
      const i = buf.lastIndexOf(10, end - 1);
      if (i < 0) break;
      if (newlineAt >= 0 && !visit({ text: joinText(buf.subarray(i + 1, end), carry), end: newlineAt + 1 })) return;
      carry = [];
      newlineAt = pos + i;
      end = i;
    }
    if (newlineAt >= 0 && end > 0) carry.unshift(buf.subarray(0, end));
  }
  if (newlineAt >= 0) visit({ text: joinText(Buffer.alloc(0), carry), end: newlineAt + 1 });
}

function joinText(head: Buffer, rest: Buffer[]): string {
  return (rest.length === 0 ? head : Buffer.concat([head, ...rest])).toString("utf8");
}

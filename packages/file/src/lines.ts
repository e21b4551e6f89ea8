import type { FileHandle } from "node:fs/promises";

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
export async function readFirstSeq(fh: FileHandle): Promise<number | undefined> {
  const buf = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
  const match = /^\{"s":(\d+)[,}]/.exec(buf.toString("latin1", 0, bytesRead));
  return match ? Number(match[1]) : undefined;
}

export interface RawLine {
  text: string;
  /** Byte offset just past the line's newline. */
  end: number;
}

/** The first read from the end is small (a window of recent messages fits); later ones grow. */
const FIRST_CHUNK = 16 * 1024;
const MAX_CHUNK = 1024 * 1024;

/**
 * Complete lines from the end of the file backwards, reading chunks at positions so that a
 * last-N read costs what the N lines weigh, not the file. Bytes after the last newline (a
 * torn write) are never yielded.
 */
export async function* linesBackward(fh: FileHandle, size: number): AsyncGenerator<RawLine> {
  let pos = size;
  let carry: Buffer[] = [];
  /** Offset of the newline that ends the line being assembled; -1 while still in the torn tail. */
  let newlineAt = -1;
  let chunk = FIRST_CHUNK;
  while (pos > 0) {
    const len = Math.min(chunk, pos);
    chunk = Math.min(chunk * 2, MAX_CHUNK);
    pos -= len;
    // Zero-filled: if the file shrank under us, the missing bytes read as zeros, never as newlines.
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, pos);
    let end = len;
    while (end > 0) {
      const i = buf.lastIndexOf(10, end - 1);
      if (i < 0) break;
      if (newlineAt >= 0) {
        yield { text: joinText(buf.subarray(i + 1, end), carry), end: newlineAt + 1 };
      }
      carry = [];
      newlineAt = pos + i;
      end = i;
    }
    if (newlineAt >= 0 && end > 0) carry.unshift(buf.subarray(0, end));
  }
  if (newlineAt >= 0) yield { text: joinText(Buffer.alloc(0), carry), end: newlineAt + 1 };
}

function joinText(head: Buffer, rest: Buffer[]): string {
  return (rest.length === 0 ? head : Buffer.concat([head, ...rest])).toString("utf8");
}

import { fsync, openSync, read, readSync, write, writeSync } from "node:fs";
import { promisify } from "node:util";

/**
 * Reads and writes up to this size are synchronous calls; larger ones go through the thread pool.
 * An async call costs a round trip through libuv's pool (tens of microseconds, measured as most of
 * an append's time), while a small read or write of a local file in the page cache takes a few
 * microseconds, less than that round trip itself. Large transfers, fsync and anything that waits
 * (lock retries) stay asynchronous, so a call never holds the event loop for more than a small copy.
 */
export const SMALL_IO = 64 * 1024;

const readAsync = promisify(read);
const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);

/** Opens with `flags`; undefined when the file does not exist (only meaningful without O_CREAT). */
export function openIfExists(path: string, flags: string): number | undefined {
  try {
    return openSync(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * `length` bytes at `position`. Bytes past the end of the file (it may shrink under a reader when
 * a writer cuts off a torn tail) read as zeros, never as newlines.
 */
export async function readAt(fd: number, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const n =
      length - filled <= SMALL_IO
        ? readSync(fd, buf, filled, length - filled, position + filled)
        : (await readAsync(fd, buf, filled, length - filled, position + filled)).bytesRead;
    if (n === 0) break;
    filled += n;
  }
  if (filled < length) buf.fill(0, filled);
  return buf;
}

/** Writes all of `data` at the file's current position (its end, for a file opened to append). */
export async function writeAll(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const rest = data.length - offset;
    offset +=
      rest <= SMALL_IO ? writeSync(fd, data, offset, rest) : (await writeAsync(fd, data, offset, rest)).bytesWritten;
  }
}

/** A disk flush can take milliseconds: always through the thread pool. */
export function syncToDisk(fd: number): Promise<void> {
  return fsyncAsync(fd);
}

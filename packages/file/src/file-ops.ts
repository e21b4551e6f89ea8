import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";

/** Write to a temporary file next to the target, then rename: the target is never half-written. */
export async function writeFileAtomic(path: string, data: Buffer | string, fsync: boolean): Promise<void> {
  const temp = `${path}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  try {
    const fh = await open(temp, "wx");
    try {
      await fh.writeFile(data);
      if (fsync) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
  } catch (error) {
    await removeFile(temp).catch(() => undefined);
    throw error;
  }
}

/** Unlinks a file; one that is already gone is fine. */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

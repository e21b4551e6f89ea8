import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** What a killed writer left in a file store's directory, before any other process touched it. */
export interface FileLeftovers {
  /** Records files that end in a half-written line or an unfinished batch. */
  tornTails: number;
  /** Lock files still there: the kill landed while the writer held a session's lock. */
  locks: number;
  /** Temporary files of an atomic write (write, then rename) that never got renamed. */
  tempFiles: number;
}

/**
 * Looks at the file backend's raw files (JSON lines; every line of a batch but the last has "m":1),
 * so a test can show that kills really landed inside appends and that the next writer repaired them.
 */
export function fileLeftovers(dir: string): FileLeftovers {
  const found: FileLeftovers = { tornTails: 0, locks: 0, tempFiles: 0 };
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (name.endsWith(".lock")) found.locks++;
    if (name.endsWith(".tmp")) found.tempFiles++;
    if (!name.endsWith(".jsonl")) continue;
    const text = readFileSync(join(dir, name), "utf8");
    const lastLine = text.slice(text.lastIndexOf("\n", text.length - 2) + 1);
    if (text.length > 0 && (!text.endsWith("\n") || lastLine.includes('"m":1,'))) found.tornTails++;
  }
  return found;
}

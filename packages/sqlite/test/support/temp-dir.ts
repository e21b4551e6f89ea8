import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A private directory for this test file's databases, removed after the file's tests. */
export function useTempDir(): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), "chat-history-sqlite-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name: string) => join(dir, name);
}

let counter = 0;
/** Unique per call, so tests never share a file or a session even when run in parallel. */
export function uniqueName(label: string): string {
  counter += 1;
  return `${label}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

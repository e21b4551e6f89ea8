import { randomBytes } from "node:crypto";

/** A fresh namespace (lowercase letters and digits, starting with a letter) so tests never share storage. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
}

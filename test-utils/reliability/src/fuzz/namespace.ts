import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { type BackendSpec, backendSpecs, destroyNamespace } from "../backends.js";
import { services } from "../services.js";

/** A spec of one backend on a fresh namespace (`<prefix><10 hex digits>`: lowercase letters and digits). */
export function freshSpec(name: BackendSpec["name"], prefix: string): BackendSpec {
  const namespace = `${prefix}${randomBytes(5).toString("hex")}`;
  return backendSpecs(services(), namespace).find((s) => s.name === name) as BackendSpec;
}

/** destroyNamespace, plus the namespace's own folder that file and SQLite specs live in. */
export async function destroyAll(spec: BackendSpec): Promise<void> {
  await destroyNamespace(spec);
  if (spec.name === "file" || spec.name === "sqlite") rmSync(dirname(spec.location), { recursive: true, force: true });
}

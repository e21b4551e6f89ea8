import type { TestProject } from "vitest/node";
import { resolveService, type ServiceSpec } from "./resolve.js";

/**
 * Builds a vitest globalSetup that resolves one service once per run and provides
 * `{ url, skip }` under `key` (read it in tests with `inject(key)`).
 */
export function serviceGlobalSetup(spec: ServiceSpec, key: string) {
  return async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
    const resolved = await resolveService(spec);
    const provide = project.provide as (k: string, v: unknown) => void;
    if ("skip" in resolved) {
      provide(key, { url: "", skip: resolved.skip });
      return undefined;
    }
    provide(key, { url: resolved.url, skip: "" });
    return resolved.stop;
  };
}

/** What serviceGlobalSetup provides. */
export interface ProvidedService {
  url: string;
  skip: string;
}

import { afterAll, beforeAll, describe } from "vitest";
import { createHarness } from "./harness.js";
import { badInputSuite } from "./suites/bad-input.js";
import { concurrencySuite } from "./suites/concurrency.js";
import { expirySuite } from "./suites/expiry.js";
import { langchainSuite } from "./suites/langchain.js";
import { lifecycleSuite } from "./suites/lifecycle.js";
import { orderingSuite } from "./suites/ordering.js";
import { propertySuite } from "./suites/property.js";
import { roundTripSuite } from "./suites/roundtrip.js";
import { sessionSuite } from "./suites/sessions.js";
import { windowSuite } from "./suites/windows.js";
import type { ConformanceOptions, ConformantStore } from "./types.js";

export type { ConformanceOptions, ConformantStore, StoreContext, StoreInspector } from "./types.js";
export { EchoChatModel } from "./fake-model.js";
export { fingerprint, fingerprints } from "./compare.js";
export { newNamespace, newSessionId } from "./harness.js";

const SUITES = [
  roundTripSuite,
  orderingSuite,
  windowSuite,
  sessionSuite,
  expirySuite,
  badInputSuite,
  concurrencySuite,
  lifecycleSuite,
  langchainSuite,
  propertySuite,
];

/**
 * Registers the whole contract as vitest tests. Every test opens its own store on a fresh namespace,
 * so tests pass alone, shuffled and in parallel.
 */
export function runConformance<S extends ConformantStore>(options: ConformanceOptions<S>): void {
  const harness = createHarness(options);
  const body = () => {
    if (options.setup) beforeAll(options.setup, 120_000);
    if (options.teardown) afterAll(options.teardown, 120_000);
    for (const suite of SUITES) suite(harness as never);
  };
  const title = `conformance: ${options.name}`;
  if (options.skip) describe.skip(`${title} (skipped: ${options.skip})`, body);
  else describe(title, { timeout: harness.timeout }, body);
}

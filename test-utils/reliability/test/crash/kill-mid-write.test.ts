import { afterEach, describe, expect, it } from "vitest";
import { BACKEND_NAMES, type BackendSpec, backendSpecs, destroyNamespace } from "../../src/backends.js";
import { services } from "../../src/services.js";
import { uniqueNamespace } from "../../src/workers/namespace.js";
import { killLeftoverWorkers } from "../../src/workers/spawn.js";
import { type CrashPlan, NO_FAULTS, faultsOf, runCrashRounds, summaryLine } from "./scenario.js";

/**
 * For file and SQLite this is crash safety of the storage itself; for servers it is a client dying
 * in the middle of a request. Either way: what was acknowledged stays, nothing is half there, and
 * the next process carries on without repair.
 */
describe.each(BACKEND_NAMES)("crash mid-write: %s", (backend) => {
  const skip = backendSpecs(services(), "probe").find((s) => s.name === backend)?.skip ?? "";
  let spec: BackendSpec | undefined;

  afterEach(async () => {
    await killLeftoverWorkers();
    if (spec) await destroyNamespace(spec);
    spec = undefined;
  });

  it.skipIf(skip !== "")(
    `a writer SIGKILLed at random moments keeps every acknowledged batch, tears none, and the next writer follows${skip ? ` (skipped: ${skip})` : ""}`,
    async () => {
      spec = backendSpecs(services(), uniqueNamespace("crash")).find((s) => s.name === backend) as BackendSpec;
      const plan: CrashPlan = {
        rounds: 5,
        minDelayMs: 20,
        maxDelayMs: 300,
        largeEvery: 3,
        finalAppends: 20,
        seed: Math.floor(Math.random() * 2 ** 31),
      };
      const outcome = await runCrashRounds(spec, "crash/session:1", plan);
      console.log(summaryLine(backend, plan, outcome));

      expect(faultsOf(outcome, plan)).toEqual(NO_FAULTS);
    },
    90_000,
  );
});

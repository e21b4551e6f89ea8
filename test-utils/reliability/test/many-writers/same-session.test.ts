import { afterEach, describe, expect, it } from "vitest";
import { BACKEND_NAMES, type BackendSpec, backendSpecs, destroyNamespace } from "../../src/backends.js";
import { services } from "../../src/services.js";
import { uniqueNamespace } from "../../src/workers/namespace.js";
import { killLeftoverWorkers } from "../../src/workers/spawn.js";
import { NO_FAULTS, type WritersPlan, faultsOf, runWriters, summaryLine } from "./scenario.js";

const WORKERS = 8;
const APPENDS_PER_WORKER = 250;

describe.each(BACKEND_NAMES)("many writers, one session: %s", (backend) => {
  const skip = backendSpecs(services(), "probe").find((s) => s.name === backend)?.skip ?? "";
  let spec: BackendSpec | undefined;

  afterEach(async () => {
    await killLeftoverWorkers();
    if (spec) await destroyNamespace(spec);
    spec = undefined;
  });

  it.skipIf(skip !== "")(
    `${WORKERS} processes x ${APPENDS_PER_WORKER} appends to the same session lose, duplicate and tear nothing${skip ? ` (skipped: ${skip})` : ""}`,
    async () => {
      spec = backendSpecs(services(), uniqueNamespace("mwone")).find((s) => s.name === backend) as BackendSpec;
      const plan: WritersPlan = {
        workers: WORKERS,
        appendsPerWorker: APPENDS_PER_WORKER,
        sessionIds: ["shared-session"],
        seed: Math.floor(Math.random() * 2 ** 31),
      };
      const outcome = await runWriters(spec, plan);
      console.log(summaryLine("many-writers", backend, plan, outcome));

      expect(faultsOf(outcome)).toEqual(NO_FAULTS);
    },
    90_000,
  );
});

import { runConformance } from "@chat-history/conformance";
import type { Cluster } from "ioredis";
import { inject } from "vitest";
import { conformanceOptions } from "../conformance-options.js";
import { openCluster } from "../helpers.js";

const { url: urls, skip } = inject("redis-cluster");
let cluster: Cluster | undefined;
const shared = () => (cluster ??= openCluster(urls));

// Every store shares one Cluster client the test owns: stores must never close it.
runConformance(
  conformanceOptions("redis-cluster", shared, () => ({ client: shared() }), {
    skip: skip || undefined,
    teardown: async () => {
      await cluster?.quit();
    },
  }),
);

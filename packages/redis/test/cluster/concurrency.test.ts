import { describe, inject, it } from "vitest";
import { appendFromTwoProcessesAndTwoClients } from "../concurrency-run.js";
import { openCluster } from "../helpers.js";

const { url: urls, skip } = inject("redis-cluster");

describe.skipIf(skip)("redis-cluster: concurrent writers", () => {
  it("keeps every batch whole and contiguous with two processes and two clients appending at once", async () => {
    await appendFromTwoProcessesAndTwoClients({ job: { clusterUrls: urls }, connect: () => openCluster(urls) });
  }, 120_000);
});

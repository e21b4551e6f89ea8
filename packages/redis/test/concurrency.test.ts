import { describe, inject, it } from "vitest";
import { appendFromTwoProcessesAndTwoClients } from "./concurrency-run.js";
import { openRedis } from "./helpers.js";

const { url, skip } = inject("redis");

describe.skipIf(skip)("redis: concurrent writers", () => {
  it("keeps every batch whole and contiguous with two processes and two clients appending at once", async () => {
    await appendFromTwoProcessesAndTwoClients({ job: { url }, connect: () => openRedis(url) });
  }, 120_000);
});

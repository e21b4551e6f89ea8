import { runConformance } from "@chat-history/conformance";
import type { Redis } from "ioredis";
import { inject } from "vitest";
import { conformanceOptions } from "./conformance-options.js";
import { openRedis } from "./helpers.js";

const { url, skip } = inject("redis");
let admin: Redis | undefined;

// Each store opens its own connection from the URL and quits it on close().
runConformance(
  conformanceOptions(
    "redis",
    () => (admin ??= openRedis(url)),
    () => ({ url }),
    {
      skip: skip || undefined,
      teardown: async () => {
        await admin?.quit();
      },
    },
  ),
);

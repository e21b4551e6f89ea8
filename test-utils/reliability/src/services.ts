import type { ProvidedService } from "@chat-history/test-services";
import { inject } from "vitest";
import type { Services } from "./backends.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgres: ProvidedService;
    redis: ProvidedService;
    mongodb: ProvidedService & { source: string };
  }
}

/** Reads what the backends' global setups provided. */
export function services(): Services {
  const mongo = inject("mongodb");
  return { postgres: inject("postgres"), redis: inject("redis"), mongodb: { url: mongo.url, skip: mongo.skip } };
}

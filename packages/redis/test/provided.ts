import type { ProvidedService } from "@chat-history/test-services";

declare module "vitest" {
  export interface ProvidedContext {
    redis: ProvidedService;
    "redis-cluster": ProvidedService;
  }
}

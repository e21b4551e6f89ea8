import type { Backend, BackendTargets, BenchConfig } from "./target.js";

export type { Backend, BackendTargets, BenchConfig, Batch, Kind, SessionRef, Target } from "./target.js";

export const BACKENDS: readonly Backend[] = ["file", "sqlite", "postgres", "redis", "mongodb"];

/**
 * Builds a backend's targets; no tables are touched until setup(). Each backend's drivers are
 * imported only when it is used, so a memory child loads one backend, not five.
 */
export async function createBackend(backend: Backend, config: BenchConfig): Promise<BackendTargets> {
  switch (backend) {
    case "file":
      return (await import("./file.js")).fileTargets(config);
    case "sqlite":
      return (await import("./sqlite.js")).sqliteTargets(config);
    case "postgres":
      return (await import("./postgres.js")).postgresTargets(config);
    case "redis":
      return (await import("./redis.js")).redisTargets(config);
    case "mongodb": {
      const url = config.mongodbUrl;
      if (!url) throw new Error("mongodb needs CHAT_HISTORY_BENCH_MONGODB_URL");
      return (await import("./mongodb.js")).mongodbTargets({ ...config, mongodbUrl: url });
    }
  }
}

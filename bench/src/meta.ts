import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, platform, release, totalmem } from "node:os";
import { payloadSizes } from "./messages.js";
import type { Meta } from "./results.js";

const require = createRequire(import.meta.url);

const PACKAGES = [
  "@langchain/core",
  "@langchain/community",
  "@langchain/redis",
  "@langchain/mongodb",
  "pg",
  "ioredis",
  "better-sqlite3",
  "mongodb",
  "@chat-history/core",
  "@chat-history/file",
  "@chat-history/sqlite",
  "@chat-history/postgres",
  "@chat-history/redis",
  "@chat-history/mongodb",
];

/** A package's version as installed here (its package.json, found next to its resolved entry). */
function versionOf(name: string): string {
  try {
    let dir = require.resolve(name);
    for (let i = 0; i < 8; i++) {
      dir = dir.slice(0, dir.lastIndexOf("/"));
      try {
        const pkg = JSON.parse(readFileSync(`${dir}/package.json`, "utf8")) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? "?";
      } catch {
        // keep climbing
      }
    }
  } catch {
    // not installed
  }
  return "?";
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.split(":")[1]?.trim() ?? "?";
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? "?";
}

export function machineMeta(
  mode: Meta["mode"],
  settings: Record<string, unknown>,
  sizes: number[],
): Omit<Meta, "durationMs" | "servers"> {
  const sizesOf = payloadSizes();
  return {
    date: new Date().toISOString(),
    mode,
    machine: {
      nproc: cpus().length,
      cpu: cpuModel(),
      ramGb: Math.round(totalmem() / 1024 ** 3),
      os: `${platform()} ${release()}`,
    },
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)])),
    message: {
      humanBytes: sizesOf.human,
      aiBytes: sizesOf.ai,
      averageBytes: sizesOf.average,
      langchainAverageBytes: sizesOf.lcAverage,
    },
    sizes,
    settings,
  };
}

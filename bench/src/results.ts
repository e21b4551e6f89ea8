import type { Stats } from "./timing.js";
import type { Backend, Kind } from "./targets/index.js";

export type Workload = "turn" | "append" | "read-last" | "concurrent" | "memory";

export interface MemoryFigures {
  /** RSS after connecting, before the read. */
  beforeMb: number;
  /** Highest RSS seen during the read. */
  peakMb: number;
  /** peak - before. */
  deltaMb: number;
  /** Messages the read returned. */
  messages: number;
}

/** One measured (or skipped) cell: a workload variant, on a target, at a session length. */
export interface Row {
  workload: Workload;
  /** turn: "window-40" | "all"; append: "single" | "batch-50"; read-last: "last-20"; concurrent: "window-40"; memory: "all" | "window-40". */
  variant: string;
  backend: Backend;
  target: string;
  kind: Kind;
  label: string;
  /** Messages in the session before the workload. */
  size: number;
  stats?: Stats;
  /** concurrent: turns per second; append: messages per second. */
  throughput?: number;
  memory?: MemoryFigures;
  skipped?: string;
}

export interface Meta {
  date: string;
  mode: "full" | "quick";
  durationMs: number;
  machine: { nproc: number; cpu: string; ramGb: number; os: string };
  node: string;
  packages: Record<string, string>;
  servers: Record<string, string>;
  message: { humanBytes: number; aiBytes: number; averageBytes: number; langchainAverageBytes: number };
  sizes: number[];
  settings: Record<string, unknown>;
}

export interface Results {
  meta: Meta;
  notRun: Array<{ backend: Backend; reason: string }>;
  rows: Row[];
}

import type { Results } from "../results.js";
import type { Backend } from "../targets/index.js";
import { RowIndex } from "./format.js";

/** One goal of the issue, checked on one backend (and peer) from this run's numbers. */
export interface Check {
  /** Stable id, used to attach the explanation of a miss (notes.ts). */
  id: string;
  goal: string;
  backend: Backend;
  /** What was compared. */
  subject: string;
  /** The worst value over the session lengths, and where. */
  value: number;
  at: number;
  limit: number;
  /** "max": value must be <= limit; "min": value must be >= limit. */
  sense: "max" | "min";
  pass: boolean;
}

const FLOOR_OPS = [
  { workload: "append", variant: "single", name: "append, 1 message a call" },
  { workload: "append", variant: "batch-50", name: "append, 50 a call" },
  { workload: "read-last", variant: "last-20", name: "read the last 20" },
] as const;

const PEER_OPS = [
  { workload: "turn", variant: "window-40", peerVariant: "all", name: "turn, window 40 (peer: its turn)" },
  { workload: "turn", variant: "all", peerVariant: "all", name: "turn, no window" },
  { workload: "append", variant: "single", peerVariant: "single", name: "append, 1 message a call" },
  { workload: "append", variant: "batch-50", peerVariant: "batch-50", name: "append, 50 a call" },
  { workload: "read-last", variant: "last-20", peerVariant: "last-20", name: "read the last 20" },
  { workload: "concurrent", variant: "window-40", peerVariant: "window-40", name: "50 sessions at once (p50 latency)" },
] as const;

function worst(values: Array<{ size: number; value: number | undefined }>, sense: "max" | "min") {
  let found: { size: number; value: number } | undefined;
  for (const { size, value } of values) {
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!found || (sense === "max" ? value > found.value : value < found.value)) found = { size, value };
  }
  return found;
}

export function evaluate(results: Results): Check[] {
  const index = new RowIndex(results.rows);
  const checks: Check[] = [];
  const backends = [...new Set(results.rows.map((r) => r.backend))];
  const push = (check: Omit<Check, "pass">) =>
    checks.push({ ...check, pass: check.sense === "max" ? check.value <= check.limit : check.value >= check.limit });

  for (const backend of backends) {
    const adapter = `${backend}/adapter`;
    const store = `${backend}/adapter-store`;
    const floor = `${backend}/floor`;
    // 1. A windowed turn stays flat: largest session against the smallest.
    const turnSizes = index.sizes("turn");
    const small = turnSizes[0];
    const large = turnSizes[turnSizes.length - 1];
    if (small !== undefined && large !== undefined && large > small) {
      const a = index.median("turn", "window-40", adapter, small);
      const b = index.median("turn", "window-40", adapter, large);
      if (a !== undefined && b !== undefined) {
        push({
          id: `flat:${backend}`,
          goal: `windowed turn at ${large.toLocaleString("en-US")} within 1.5x of at ${small}`,
          backend,
          subject: "adapter, window 40",
          value: b / a,
          at: large,
          limit: 1.5,
          sense: "max",
        });
      }
    }
    // 2. Within 1.3x of the floor: the store API (same encoded payloads as the floor) and the history class (codec included).
    for (const op of FLOOR_OPS) {
      for (const [level, target] of [
        ["store", store],
        ["history", adapter],
      ] as const) {
        const sizes = index.sizes(op.workload);
        const w = worst(
          sizes.map((size) => {
            const a = index.median(op.workload, op.variant, target, size);
            const f = index.median(op.workload, op.variant, floor, size);
            return { size, value: a !== undefined && f !== undefined ? a / f : undefined };
          }),
          "max",
        );
        if (!w) continue;
        push({
          id: `floor:${backend}:${op.workload}:${op.variant}:${level}`,
          goal: "within 1.3x of the floor",
          backend,
          subject: `${op.name}: ${level === "store" ? "store API" : "history class (codec included)"} / floor`,
          value: w.value,
          at: w.size,
          limit: 1.3,
          sense: "max",
        });
      }
    }
    // 3. At least as fast as each peer on every workload, and 10x on turns over 10,000 messages.
    const peers = index.targets((r) => r.backend === backend && r.kind === "peer");
    for (const peer of peers) {
      const peerName = peer.label;
      for (const op of PEER_OPS) {
        const sizes = index.sizes(op.workload);
        const w = worst(
          sizes.map((size) => {
            const a = index.get(op.workload, op.variant, adapter, size);
            const p = index.get(op.workload, op.peerVariant, peer.target, size);
            const value = a?.stats && p?.stats ? a.stats.median / p.stats.median : undefined;
            return { size, value };
          }),
          "max",
        );
        if (!w) continue;
        push({
          id: `peer:${peer.target}:${op.workload}:${op.variant}`,
          goal: `at least as fast as ${peerName}`,
          backend,
          subject: `${op.name}: adapter / peer`,
          value: w.value,
          at: w.size,
          limit: 1,
          sense: "max",
        });
      }
      // Memory is a workload too: the peak RSS growth of reading the whole session, ours against the peer's.
      const memory = (target: string) =>
        index.rows.find((r) => r.workload === "memory" && r.variant === "all" && r.target === target);
      const ours = memory(adapter)?.memory;
      const theirs = memory(peer.target)?.memory;
      if (ours && theirs && theirs.deltaMb > 0) {
        push({
          id: `mem:${peer.target}`,
          goal: `no more memory than ${peerName}`,
          backend,
          subject: "read the whole session, peak RSS growth: adapter / peer",
          value: ours.deltaMb / theirs.deltaMb,
          at: memory(adapter)?.size ?? 0,
          limit: 1,
          sense: "max",
        });
      }
      // Our turn as recommended (window 40) against the peer's only turn; without a window both read everything.
      const a = index.median("turn", "window-40", adapter, 10_000);
      const p = index.median("turn", "all", peer.target, 10_000);
      if (a !== undefined && p !== undefined) {
        push({
          id: `tenx:${peer.target}`,
          goal: `10x faster than ${peerName} on a turn over 10,000 messages`,
          backend,
          subject: "turn, window 40: peer / adapter",
          value: p / a,
          at: 10_000,
          limit: 10,
          sense: "min",
        });
      }
    }
  }
  return checks;
}

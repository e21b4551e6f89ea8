import type { Results, Row, Workload } from "../results.js";
import { type Check, evaluate } from "./checks.js";
import { RowIndex, count, latency, ms, rate, ratio, table } from "./format.js";
import { HOW_TO_RUN, METHOD, notesFor } from "./notes.js";

const KIND_ORDER = { adapter: 0, "adapter-store": 1, floor: 2, peer: 3 } as const;

function byKind(a: Row, b: Row): number {
  return (
    a.backend.localeCompare(b.backend) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.target.localeCompare(b.target)
  );
}

function sizeHeader(size: number): string {
  return `${count(size)} msgs`;
}

function kindName(row: Row): string {
  return { adapter: "adapter", "adapter-store": "adapter (store API)", floor: "floor", peer: "peer" }[row.kind];
}

/** Skip reasons collected while building a table, printed as footnotes under it. */
class Footnotes {
  readonly #notes: string[] = [];

  mark(row: Row | undefined): string {
    if (!row) return "–";
    if (!row.skipped) return "";
    const text = `${row.label} at ${count(row.size)}: ${row.skipped}`;
    let i = this.#notes.indexOf(text);
    if (i < 0) i = this.#notes.push(text) - 1;
    return `not run [${i + 1}]`;
  }

  render(): string {
    return this.#notes.length ? `\n\n${this.#notes.map((n, i) => `[${i + 1}] ${n}`).join("  \n")}` : "";
  }
}

function latencyTable(index: RowIndex, workload: Workload, variants: string[], show: (row: Row) => string): string {
  const sizes = index.sizes(workload);
  const notes = new Footnotes();
  const rows = index.rows.filter((r) => r.workload === workload && variants.includes(r.variant));
  const keys = [...new Map(rows.sort(byKind).map((r) => [`${r.target}|${r.variant}`, r])).values()];
  const body = keys.map((r) => [
    r.backend,
    kindName(r),
    r.label,
    r.variant,
    ...sizes.map((size) => {
      const row = index.get(workload, r.variant, r.target, size);
      return notes.mark(row) || (row ? show(row) : "–");
    }),
  ]);
  return table(["backend", "kind", "target", "variant", ...sizes.map(sizeHeader)], body) + notes.render();
}

/** Ratio table: one line per backend (and peer), one column per session length. */
function ratioTable(
  index: RowIndex,
  workload: Workload,
  lines: Array<{
    title: string;
    numerator: (backend: string) => [string, string];
    denominator: (backend: string, peer?: string) => [string, string];
    perPeer?: boolean;
  }>,
): string {
  const sizes = index.sizes(workload);
  const backends = [...new Set(index.rows.filter((r) => r.workload === workload).map((r) => r.backend))];
  const body: string[][] = [];
  for (const backend of backends) {
    const peers = index.targets((r) => r.backend === backend && r.kind === "peer").map((r) => r.target);
    for (const line of lines) {
      for (const peer of line.perPeer ? peers : [undefined]) {
        const [nv, nt] = line.numerator(backend);
        const [dv, dt] = line.denominator(backend, peer);
        const cells = sizes.map((size) => {
          const n = index.median(workload, nv, nt, size);
          const d = index.median(workload, dv, dt, size);
          return n !== undefined && d !== undefined ? ratio(n / d) : "–";
        });
        if (cells.every((c) => c === "–")) continue;
        body.push([
          backend,
          line.title + (peer ? ` (${index.targets((r) => r.target === peer)[0]?.label})` : ""),
          ...cells,
        ]);
      }
    }
  }
  return table(["backend", "ratio (median / median)", ...sizes.map(sizeHeader)], body);
}

function turnSection(index: RowIndex): string {
  const a =
    (v: string) =>
    (b: string): [string, string] => [v, `${b}/adapter`];
  const s =
    (v: string) =>
    (b: string): [string, string] => [v, `${b}/adapter-store`];
  const f =
    (v: string) =>
    (b: string): [string, string] => [v, `${b}/floor`];
  const p = (_b: string, peer?: string): [string, string] => ["all", peer ?? ""];
  return [
    "## 1. A chat turn: getMessages(), then addMessages([human, ai])",
    "Median (p99) in ms. `window-40`: our history with `window: 40` (the floor reads the last 40); `all`: no window (the floor reads everything). A peer has no window: its turn reads everything and appears once, as `all`.",
    latencyTable(index, "turn", ["window-40", "all"], (r) => latency(r.stats)),
    "Ratios from the same run (below 1x: the adapter is faster):",
    ratioTable(index, "turn", [
      { title: "adapter window-40 / floor last-40", numerator: a("window-40"), denominator: f("window-40") },
      { title: "adapter store API window-40 / floor last-40", numerator: s("window-40"), denominator: f("window-40") },
      { title: "adapter all / floor all", numerator: a("all"), denominator: f("all") },
      { title: "adapter window-40 / peer", numerator: a("window-40"), denominator: p, perPeer: true },
      { title: "adapter all / peer", numerator: a("all"), denominator: p, perPeer: true },
    ]),
    "How flat the windowed turn stays (the same adapter, median at each length / median at the shortest and at 1,000):",
    flatnessTable(index),
    "![Turn latency by session length](benchmarks-turn-latency.svg)",
  ].join("\n\n");
}

function flatnessTable(index: RowIndex): string {
  const sizes = index.sizes("turn");
  const body: string[][] = [];
  for (const backend of [...new Set(index.rows.filter((r) => r.workload === "turn").map((r) => r.backend))]) {
    for (const target of [`${backend}/adapter`, `${backend}/adapter-store`, `${backend}/floor`]) {
      const at = (size: number | undefined) =>
        size === undefined ? undefined : index.median("turn", "window-40", target, size);
      for (const base of [sizes[0], 1_000]) {
        const b = at(base);
        if (b === undefined || base === undefined) continue;
        const label = index.targets((r) => r.target === target)[0];
        body.push([
          backend,
          `${label ? kindName(label) : target} / at ${count(base)}`,
          ...sizes.map((size) => (at(size) === undefined ? "–" : ratio((at(size) as number) / b))),
        ]);
      }
    }
  }
  return table(["backend", "window-40 turn", ...sizes.map(sizeHeader)], body);
}

function appendSection(index: RowIndex): string {
  const same =
    (kind: string) =>
    (variant: string) =>
    (b: string): [string, string] => [variant, `${b}/${kind}`];
  const lines = (variant: string) => [
    { title: `store API / floor`, numerator: same("adapter-store")(variant), denominator: same("floor")(variant) },
    { title: `history / floor`, numerator: same("adapter")(variant), denominator: same("floor")(variant) },
    {
      title: `history / peer`,
      numerator: same("adapter")(variant),
      denominator: (_b: string, peer?: string): [string, string] => [variant, peer ?? ""],
      perPeer: true,
    },
  ];
  return [
    "## 2. Appending: 1 message a call, and 50 a call",
    "Median (p99) ms per call, and messages per second. The store API and the floor append the same encoded payloads; the history class (`addMessages`) encodes the messages first; a peer appends one message per round trip (`addMessages` calls `addMessage` in a loop).",
    latencyTable(index, "append", ["single", "batch-50"], (r) => `${latency(r.stats)}; ${rate(r.throughput)}/s`),
    "Ratios, one message a call:",
    ratioTable(index, "append", lines("single")),
    "Ratios, 50 a call:",
    ratioTable(index, "append", lines("batch-50")),
  ].join("\n\n");
}

function readSection(index: RowIndex): string {
  const same =
    (kind: string) =>
    (b: string): [string, string] => ["last-20", `${b}/${kind}`];
  return [
    "## 3. Reading the last 20",
    "Median (p99) ms. The store API returns the 20 newest records; the history class (`window: 20`) also decodes them into messages; a peer reads the whole session and slices.",
    latencyTable(index, "read-last", ["last-20"], (r) => latency(r.stats)),
    ratioTable(index, "read-last", [
      { title: "store API / floor", numerator: same("adapter-store"), denominator: same("floor") },
      { title: "history / floor", numerator: same("adapter"), denominator: same("floor") },
      {
        title: "history / peer",
        numerator: same("adapter"),
        denominator: (_b, peer) => ["last-20", peer ?? ""],
        perPeer: true,
      },
    ]),
  ].join("\n\n");
}

function concurrentSection(index: RowIndex, results: Results): string {
  const settings = results.meta.settings as {
    sessions?: number;
    turnsPerSession?: number;
    concurrentBudgetMs?: number;
  };
  return [
    `## 4. ${settings.sessions ?? 50} sessions chatting at once`,
    `Each session runs turns back to back (up to ${settings.turnsPerSession} each, or until ${((settings.concurrentBudgetMs ?? 0) / 1000).toFixed(1)} s have passed, at least one), all sessions at the same time, one target at a time. Turns per second, then p50 / p99 turn latency in ms. Our adapter uses a window of 40, the floor reads the last 40.`,
    latencyTable(
      index,
      "concurrent",
      ["window-40"],
      (r) => `${rate(r.throughput)}/s; ${ms(r.stats?.median)} / ${ms(r.stats?.p99)}`,
    ),
    "Throughput ratios (above 1x: the adapter does more turns per second):",
    throughputRatios(index),
  ].join("\n\n");
}

function throughputRatios(index: RowIndex): string {
  const sizes = index.sizes("concurrent");
  const body: string[][] = [];
  for (const backend of [...new Set(index.rows.filter((r) => r.workload === "concurrent").map((r) => r.backend))]) {
    const adapter = (size: number) => index.get("concurrent", "window-40", `${backend}/adapter`, size)?.throughput;
    const others = index.targets(
      (r) => r.workload === "concurrent" && r.backend === backend && (r.kind === "floor" || r.kind === "peer"),
    );
    for (const other of others) {
      const cells = sizes.map((size) => {
        const a = adapter(size);
        const o = index.get("concurrent", "window-40", other.target, size)?.throughput;
        return a !== undefined && o !== undefined ? ratio(a / o) : "–";
      });
      body.push([backend, `adapter / ${other.kind === "floor" ? "floor" : other.label}`, ...cells]);
    }
  }
  return table(["backend", "turns/s ratio", ...sizes.map(sizeHeader)], body);
}

function memorySection(index: RowIndex): string {
  const rows = index.rows.filter((r) => r.workload === "memory").sort(byKind);
  const notes = new Footnotes();
  const body = rows.map((r) => {
    const skip = notes.mark(r);
    const m = r.memory;
    return [
      r.backend,
      kindName(r),
      r.label,
      r.variant === "all" ? "the whole session" : "the last 40",
      skip || (m ? m.beforeMb.toFixed(0) : "–"),
      skip || (m ? m.peakMb.toFixed(0) : "–"),
      skip || (m ? `+${m.deltaMb.toFixed(1)}` : "–"),
      skip || (m ? count(m.messages) : "–"),
    ];
  });
  const size = rows[0]?.size ?? 0;
  return [
    `## 5. Memory: reading a ${count(size)}-message session`,
    "Each read runs in a process of its own (node with tsx, connected, the session untouched until the read). RSS in MB: before the read, at its peak, and the difference.",
    table(["backend", "kind", "target", "reads", "RSS before", "peak RSS", "peak - before", "messages"], body) +
      notes.render(),
  ].join("\n\n");
}

function checksSection(checks: Check[]): string {
  const fmt = (c: Check) =>
    c.sense === "min" ? `${ratio(c.value)} (needs ≥ ${c.limit}x)` : `${ratio(c.value)} (needs ≤ ${c.limit}x)`;
  const body = checks.map((c) => [c.pass ? "met" : "**missed**", c.backend, c.goal, c.subject, fmt(c), count(c.at)]);
  const misses = checks.filter((c) => !c.pass);
  const explained = notesFor(misses);
  return [
    "## The goals, checked against this run",
    "Worst value over the session lengths measured, and where it occurred.",
    table(["", "backend", "goal", "compared", "worst", "at msgs"], body),
    `${checks.length - misses.length} of ${checks.length} met.`,
    ...(explained.length ? ["### Why the misses", ...explained.map((n) => `- ${n}`)] : []),
  ].join("\n\n");
}

function header(results: Results): string {
  const m = results.meta;
  const pkgs = Object.entries(m.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  const servers = Object.entries(m.servers)
    .map(([backend, server]) => `${backend}: ${server}`)
    .join("; ");
  const notRun = results.notRun.map((n) => `- **${n.backend}** not run: ${n.reason}`);
  return [
    "# Benchmarks",
    `Every adapter measured beside the raw driver doing the least the operation needs (the **floor**) and LangChain.js's own store for the same backend (the **peer**), in one run, on one machine, against the same servers. Generated by \`pnpm bench\` from \`bench/results/latest.json\`; do not edit by hand.`,
    [
      `- Run: ${m.date.slice(0, 16).replace("T", " ")} UTC, ${m.mode} mode, ${(m.durationMs / 60000).toFixed(1)} minutes`,
      `- Machine: ${m.machine.nproc} cores (${m.machine.cpu}), ${m.machine.ramGb} GB RAM, ${m.machine.os}; Node ${m.node}`,
      `- Servers: ${servers}`,
      `- Packages: ${pkgs}`,
      `- Messages: alternating human (${m.message.humanBytes} bytes stored) and AI replies carrying id, response_metadata and usage_metadata (${m.message.aiBytes} bytes); ${m.message.averageBytes} bytes on average in our format, ${m.message.langchainAverageBytes} in LangChain's stored-message format`,
      ...notRun,
    ].join("\n"),
  ].join("\n\n");
}

export function renderMarkdown(results: Results): string {
  const index = new RowIndex(results.rows);
  const has = (w: Workload) => results.rows.some((r) => r.workload === w);
  const sections = [
    header(results),
    HOW_TO_RUN,
    checksSection(evaluate(results)),
    has("turn") ? turnSection(index) : "",
    has("append") ? appendSection(index) : "",
    has("read-last") ? readSection(index) : "",
    has("concurrent") ? concurrentSection(index, results) : "",
    has("memory") ? memorySection(index) : "",
    METHOD,
  ];
  return `${sections.filter(Boolean).join("\n\n")}\n`;
}

import type { Row, Workload } from "../results.js";
import type { Stats } from "../timing.js";

/** Milliseconds with three significant figures. */
export function ms(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function latency(stats: Stats | undefined): string {
  return stats ? `${ms(stats.median)} (${ms(stats.p99)})` : "–";
}

export function ratio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  if (value >= 100) return `${value.toFixed(0)}x`;
  if (value >= 10) return `${value.toFixed(1)}x`;
  if (value >= 0.1) return `${value.toFixed(2)}x`;
  return `${Number(value.toPrecision(2))}x`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

export function rate(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "–";
  return n >= 100 ? count(Math.round(n)) : n.toFixed(1);
}

export function table(header: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}

/** Looks rows up by what identifies them. */
export class RowIndex {
  readonly #rows = new Map<string, Row>();

  constructor(readonly rows: readonly Row[]) {
    for (const row of rows) this.#rows.set(RowIndex.key(row.workload, row.variant, row.target, row.size), row);
  }

  static key(workload: Workload, variant: string, target: string, size: number): string {
    return `${workload}|${variant}|${target}|${size}`;
  }

  get(workload: Workload, variant: string, target: string, size: number): Row | undefined {
    return this.#rows.get(RowIndex.key(workload, variant, target, size));
  }

  median(workload: Workload, variant: string, target: string, size: number): number | undefined {
    return this.get(workload, variant, target, size)?.stats?.median;
  }

  /** The targets present, in first-seen order. */
  targets(filter: (row: Row) => boolean = () => true): Row[] {
    const seen = new Map<string, Row>();
    for (const row of this.rows) if (filter(row) && !seen.has(row.target)) seen.set(row.target, row);
    return [...seen.values()];
  }

  sizes(workload: Workload): number[] {
    return [...new Set(this.rows.filter((r) => r.workload === workload).map((r) => r.size))].sort((a, b) => a - b);
  }
}

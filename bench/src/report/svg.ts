import type { Results, Row } from "../results.js";

const W = 760;
const H = 440;
const M = { left: 64, right: 250, top: 36, bottom: 48 };
const COLORS: Record<string, string> = {
  file: "#8c564b",
  sqlite: "#2ca02c",
  postgres: "#1f77b4",
  redis: "#d62728",
  mongodb: "#9467bd",
};
const DASH: Record<string, string> = { adapter: "", floor: "2 4", peer: "8 4" };

interface Series {
  name: string;
  color: string;
  dash: string;
  points: Array<{ x: number; y: number }>;
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** adapter (window 40), floor (last 40) and each peer: one line per target, median turn latency. */
function seriesOf(results: Results): Series[] {
  const wanted = (r: Row) =>
    r.workload === "turn" &&
    r.stats !== undefined &&
    (r.kind === "adapter" || r.kind === "floor" ? r.variant === "window-40" : r.kind === "peer");
  const groups = new Map<string, Row[]>();
  for (const row of results.rows.filter(wanted)) groups.set(row.target, [...(groups.get(row.target) ?? []), row]);
  return [...groups.values()].map((rows) => {
    const first = rows[0] as Row;
    const peer = first.target.endsWith("community")
      ? "peer (community)"
      : first.target.endsWith("langchain")
        ? "peer (@langchain/redis)"
        : "peer";
    const role = first.kind === "peer" ? peer : first.kind === "adapter" ? "adapter, window 40" : "floor, last 40";
    return {
      name: `${first.backend} ${role}`,
      color: COLORS[first.backend] ?? "#333",
      dash: DASH[first.kind] ?? "",
      points: rows
        .map((r) => ({ x: r.size, y: r.stats?.median ?? Number.NaN }))
        .filter((p) => Number.isFinite(p.y) && p.y > 0)
        .sort((a, b) => a.x - b.x),
    };
  });
}

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

function label(v: number, unit = ""): string {
  if (v >= 1000) return `${(v / 1000).toLocaleString("en-US")}k${unit}`;
  return `${v}${unit}`;
}

/** A log-log line chart drawn by hand: x = session length, y = median turn latency. */
export function renderSvg(results: Results): string {
  const series = seriesOf(results);
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  const xTicks = decades(Math.min(...xs), Math.max(...xs));
  const yTicks = decades(Math.min(...ys), Math.max(...ys));
  const [x0, x1] = [Math.log10(xTicks[0] as number), Math.log10(xTicks[xTicks.length - 1] as number)];
  const [y0, y1] = [Math.log10(yTicks[0] as number), Math.log10(yTicks[yTicks.length - 1] as number)];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (x: number) => M.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * pw;
  const py = (y: number) => M.top + ph - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.left}" y="20" font-size="14" font-weight="bold">Chat turn latency (median) by session length</text>`,
  ];
  for (const t of xTicks) {
    out.push(`<line x1="${px(t)}" y1="${M.top}" x2="${px(t)}" y2="${M.top + ph}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${px(t)}" y="${M.top + ph + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of yTicks) {
    out.push(`<line x1="${M.left}" y1="${py(t)}" x2="${M.left + pw}" y2="${py(t)}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${M.left - 6}" y="${py(t) + 4}" text-anchor="end">${t >= 1 ? label(t, " ms") : `${t} ms`}</text>`,
    );
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  out.push(
    `<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle">messages in the session (log scale)</text>`,
  );
  out.push(
    `<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">turn latency (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const d = s.points.map((p, k) => `${k ? "L" : "M"}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ");
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    for (const p of s.points)
      out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    const ly = M.top + 8 + i * 16;
    const lx = M.left + pw + 14;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 30}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

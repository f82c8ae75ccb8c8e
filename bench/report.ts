/**
 * Turning samples into results: the median and range per figure and implementation, the table
 * printed after a run (`figure | unit | ebpf | C raw | libbpf | ratio | target`), and the Bencher
 * Metric Format JSON written to `bench/results.json`.
 *
 * @module
 */
import type { Target } from "./topics.js";
import type { Unit } from "./ts/suite.js";

/**
 * Who produced a figure: our library, C through raw syscall(__NR_bpf), C through libbpf, or our
 * raw byte API as the baseline of a TypeScript-only figure.
 */
export type Impl = "ebpf" | "c-raw" | "libbpf" | "ebpf-raw";

/** Implementations in the order results list them. */
const IMPLS: readonly Impl[] = ["ebpf", "c-raw", "libbpf", "ebpf-raw"];

/**
 * Median and range of one figure of one implementation.
 *
 * @example
 * ```ts
 * const s = summarize([3, 1, 2]); // { value: 2, lower: 1, upper: 3, n: 3 }
 * ```
 */
export interface Summary {
  value: number;
  lower: number;
  upper: number;
  n: number;
}

/**
 * Median, minimum and maximum of `samples` (at least one).
 *
 * @example
 * ```ts
 * summarize([4, 1, 3, 2]).value; // 2.5
 * ```
 */
export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const value = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { value, lower: s[0], upper: s[s.length - 1], n: s.length };
}

/**
 * One row of the results: a figure, its unit and target, and a summary per implementation.
 *
 * @example
 * ```ts
 * const row: Row = { name: "map.hash.lookup", unit: "ns/op", target, results: new Map() };
 * ```
 */
export interface Row {
  name: string;
  unit: Unit;
  target: Target;
  results: Map<Impl, Summary>;
}

/** True for units where more is better. */
function isRate(unit: Unit): boolean {
  return unit === "entries/s";
}

/**
 * Our cost relative to the target's C variant (above 1: we are slower), or `undefined` when a side
 * is missing. For rates the ratio is inverted so that it always reads as a cost.
 *
 * @example
 * ```ts
 * const r = ratio(row); // 1.12
 * ```
 */
export function ratio(row: Row): number | undefined {
  const ours = row.results.get("ebpf")?.value;
  if (row.target.against === "absolute") return ours === undefined ? undefined : ours / row.target.max;
  const theirs = row.results.get(row.target.against)?.value;
  if (ours === undefined || theirs === undefined || ours === 0 || theirs === 0) return undefined;
  return isRate(row.unit) ? theirs / ours : ours / theirs;
}

function fmt(unit: Unit, v: number | undefined): string {
  if (v === undefined) return "-";
  if (unit === "entries/s") return `${(v / 1e6).toFixed(2)}M`;
  if (unit === "ms") return v.toFixed(2);
  return v.toFixed(1);
}

/**
 * The results table as text, one line per row, columns padded.
 *
 * @example
 * ```ts
 * console.log(formatTable(rows));
 * ```
 */
export function formatTable(rows: readonly Row[]): string {
  // The column of our raw-API baselines only when a TypeScript-only topic ran.
  const withRaw = rows.some((row) => row.results.has("ebpf-raw"));
  const header = ["figure", "unit", "ebpf", "C raw", "libbpf", ...(withRaw ? ["ebpf raw"] : []), "ratio", "target"];
  const against = { "c-raw": "C raw", libbpf: "libbpf", "ebpf-raw": "ebpf raw" } as const;
  const lines = rows.map((row) => {
    const r = ratio(row);
    const t = row.target;
    // For an absolute target the ratio is ours / max, so both kinds pass at <= 1 of their limit.
    const limit = t.against === "absolute" ? 1 : "ratio" in t ? t.ratio : undefined;
    const mark = r === undefined || limit === undefined ? "" : r <= limit ? " ok" : " MISS";
    return [
      row.name,
      row.unit,
      fmt(row.unit, row.results.get("ebpf")?.value),
      fmt(row.unit, row.results.get("c-raw")?.value),
      fmt(row.unit, row.results.get("libbpf")?.value),
      ...(withRaw ? [fmt(row.unit, row.results.get("ebpf-raw")?.value)] : []),
      r === undefined || t.against === "absolute" ? "-" : `${r.toFixed(2)}x`,
      `${t.against === "absolute" ? `<= ${t.max} ${row.unit}` : "ratio" in t ? `<= ${t.ratio}x ${against[t.against]}` : "none (reference)"}${mark}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...lines.map(line)].join("\n");
}

/** Bencher Metric Format: benchmark -> measure -> value with range. */
export type BMF = Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>>;

/**
 * The rows as Bencher Metric Format: one benchmark per figure and implementation
 * (`map.hash.lookup [ebpf]`), measured as `latency` in ns (ns/op, ms scaled to ns) or `throughput`
 * in entries/s, plus a `ratio` measure on our entries (cost relative to the target's C variant).
 *
 * @example
 * ```ts
 * writeFileSync("bench/results.json", JSON.stringify(toBMF(rows), null, 2));
 * ```
 */
export function toBMF(rows: readonly Row[]): BMF {
  const out: BMF = {};
  for (const row of rows) {
    const scale = row.unit === "ms" ? 1e6 : 1;
    const measure = isRate(row.unit) ? "throughput" : "latency";
    for (const impl of IMPLS) {
      const s = row.results.get(impl);
      if (s === undefined) continue;
      const entry: BMF[string] = {
        [measure]: { value: s.value * scale, lower_value: s.lower * scale, upper_value: s.upper * scale },
      };
      const r = impl === "ebpf" ? ratio(row) : undefined;
      if (r !== undefined) entry.ratio = { value: r };
      out[`${row.name} [${impl}]`] = entry;
    }
  }
  return out;
}

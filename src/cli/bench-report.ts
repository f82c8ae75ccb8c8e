/**
 * Figures of one `ebpf bench` run, their renderings (text, JSON, Bencher Metric Format) and the
 * comparison against a BMF baseline.
 *
 * @module
 */
import { EbpfError } from "../errors.js";
import { table } from "./table.js";

/**
 * What `ebpf bench` measured.
 *
 * @example
 * ```ts
 * const r: BenchResult = await runBench(spec, { program: "xdp_work", repeat: 1000, rounds: 5 });
 * console.log(r.nsPerRun.median);
 * ```
 */
export interface BenchResult {
  /** The benchmark's name in BMF output: the program name unless `--name` says otherwise. */
  name: string;
  program: string;
  /** cilium/ebpf name of the program type. */
  type: string;
  rounds: number;
  /** Runs per round, inside the kernel. */
  repeat: number;
  /** Bytes of input data given to each run. */
  dataSize: number;
  /** The program's return value on the input. */
  retval: number;
  /** The kernel's mean ns per run of each round, and their median, minimum and maximum. */
  nsPerRun: { median: number; min: number; max: number; rounds: number[] };
  /** Instructions the verifier processed (bpf_prog_info, 5.16; else the verifier log), or null. */
  verifiedInstructions: number | null;
  /** The verifier's own time in microseconds from its statistics line (5.2), or null. */
  verificationTimeUs: number | null;
  /** Bytes of JIT-compiled code; 0 when the JIT is off or the figure is hidden. */
  jitedSize: number;
  /** Bytes of instructions after the verifier rewrote them. */
  translatedSize: number;
}

/**
 * BMF measure slugs this command writes; `latency` is Bencher's built-in (ns).
 *
 * @example
 * ```ts
 * bmf[name][Measure.Latency].value;
 * ```
 */
export const Measure = {
  /** ns per run: value the median round, lower/upper the fastest and slowest round. */
  Latency: "latency",
  /** Instructions the verifier processed. */
  VerifiedInstructions: "verified-instructions",
  /** Verification time in microseconds. */
  VerificationTime: "verification-time",
  /** JIT image size in bytes. */
  JitSize: "jit-size",
} as const;

/**
 * Measures `--compare` checks. Verification time is left out: it follows machine load more than
 * the program, so it would raise false alarms.
 *
 * @example
 * ```ts
 * comparedMeasures.includes("latency"); // true
 * ```
 */
export const comparedMeasures: readonly string[] = [Measure.Latency, Measure.VerifiedInstructions, Measure.JitSize];

/**
 * One measure's figures in BMF.
 *
 * @example
 * ```ts
 * const m: BMFMetric = { value: 21, lower_value: 20, upper_value: 25 };
 * ```
 */
export interface BMFMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}

/**
 * A Bencher Metric Format document: benchmark name → measure slug → metric.
 *
 * @example
 * ```ts
 * const doc: BMF = { xdp_work: { latency: { value: 21, lower_value: 20, upper_value: 25 } } };
 * ```
 */
export type BMF = Record<string, Record<string, BMFMetric>>;

/**
 * The median of a non-empty list (the mean of the middle two for an even length).
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The result as Bencher Metric Format; figures the kernel did not give are left out.
 *
 * @example
 * ```ts
 * io.stdout(JSON.stringify(toBMF(result), null, 2));
 * ```
 */
export function toBMF(r: BenchResult): BMF {
  const metrics: Record<string, BMFMetric> = {
    [Measure.Latency]: { value: r.nsPerRun.median, lower_value: r.nsPerRun.min, upper_value: r.nsPerRun.max },
  };
  if (r.verifiedInstructions !== null) metrics[Measure.VerifiedInstructions] = { value: r.verifiedInstructions };
  if (r.verificationTimeUs !== null) metrics[Measure.VerificationTime] = { value: r.verificationTimeUs };
  metrics[Measure.JitSize] = { value: r.jitedSize };
  return { [r.name]: metrics };
}

/**
 * The human-readable summary of a result.
 *
 * @example
 * ```ts
 * io.stdout(formatBench(result));
 * ```
 */
export function formatBench(r: BenchResult): string {
  const ns = r.nsPerRun;
  const line = (label: string, text: string) => `  ${label.padEnd(10)}${text}\n`;
  return (
    `${r.program} (${r.type}): ${r.rounds} rounds of ${r.repeat} runs on ${r.dataSize} bytes of input\n` +
    line("ns/run", `median ${ns.median}, min ${ns.min}, max ${ns.max} (rounds: ${ns.rounds.join(" ")})`) +
    line("retval", String(r.retval)) +
    line("verifier", `${r.verifiedInstructions ?? "?"} instructions processed in ${r.verificationTimeUs ?? "?"} µs`) +
    line("JIT size", `${r.jitedSize} bytes (${r.translatedSize} bytes of instructions after the verifier)`)
  );
}

/**
 * One compared figure.
 *
 * @example
 * ```ts
 * const worse = compareBMF(current, baseline, 0.1).filter((c) => c.regressed);
 * ```
 */
export interface Comparison {
  benchmark: string;
  measure: string;
  baseline: number;
  current: number;
  /** (current - baseline) / baseline; Infinity when the baseline is 0 and current is not. */
  change: number;
  regressed: boolean;
}

/**
 * Compare `current` with `baseline` on the measures in {@link comparedMeasures} that both hold.
 * A figure regressed when it is larger than the baseline by more than `threshold` (0.1 = 10 %);
 * for every compared measure, larger is worse.
 *
 * @throws {EbpfError} when the baseline holds none of the current benchmarks.
 * @example
 * ```ts
 * compareBMF({ p: { latency: { value: 30 } } }, { p: { latency: { value: 20 } } }, 0.1)[0].regressed; // true
 * ```
 */
export function compareBMF(current: BMF, baseline: BMF, threshold: number): Comparison[] {
  const out: Comparison[] = [];
  for (const [benchmark, measures] of Object.entries(current)) {
    const base = baseline[benchmark];
    if (base === undefined) continue;
    for (const measure of comparedMeasures) {
      const now = measures[measure]?.value;
      const then = base[measure]?.value;
      if (now === undefined || typeof then !== "number") continue;
      const change = then === 0 ? (now === 0 ? 0 : Number.POSITIVE_INFINITY) : (now - then) / then;
      out.push({ benchmark, measure, baseline: then, current: now, change, regressed: change > threshold });
    }
  }
  if (out.length === 0) {
    throw new EbpfError(`the baseline has no figures for ${Object.keys(current).join(", ")} (it has ${Object.keys(baseline).join(", ") || "none"})`);
  }
  return out;
}

/**
 * Check that parsed JSON is a BMF document.
 *
 * @throws {EbpfError} naming the first thing that is not BMF.
 * @example
 * ```ts
 * const baseline = parseBMF(JSON.parse(text), "baseline.json");
 * ```
 */
export function parseBMF(doc: unknown, source: string): BMF {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(doc)) throw new EbpfError(`${source} is not Bencher Metric Format JSON: expected an object of benchmarks`);
  for (const [name, measures] of Object.entries(doc)) {
    if (!isObject(measures)) throw new EbpfError(`${source} is not Bencher Metric Format JSON: benchmark ${name} is not an object of measures`);
    for (const [measure, metric] of Object.entries(measures)) {
      if (!isObject(metric) || typeof metric.value !== "number") {
        throw new EbpfError(`${source} is not Bencher Metric Format JSON: ${name}.${measure} has no numeric value`);
      }
    }
  }
  return doc as BMF;
}

/**
 * The comparison as a table for stderr.
 *
 * @example
 * ```ts
 * io.stderr(formatComparison(comparisons, "baseline.json", 0.1));
 * ```
 */
export function formatComparison(comparisons: readonly Comparison[], source: string, threshold: number): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%` : "+inf");
  return `compared with ${source} (threshold ${(threshold * 100).toFixed(1).replace(/\.0$/u, "")}%):\n${table(
    ["BENCHMARK", "MEASURE", "BASELINE", "CURRENT", "CHANGE", ""],
    comparisons.map((c) => [c.benchmark, c.measure, String(c.baseline), String(c.current), pct(c.change), c.regressed ? "REGRESSED" : "ok"]),
  )}`;
}

/**
 * Reads vitest's JSON report and prints the per-kernel result table.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";

/**
 * Test counts of one vitest run.
 *
 * @example
 * const c: Counts = { passed: 4, failed: 0, skipped: 0, success: true };
 */
export interface Counts {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Whether vitest itself judged the run a success (no failed file, no failed test). */
  readonly success: boolean;
}

/**
 * The counts in a vitest `--reporter=json` file, or undefined when it is missing or unreadable.
 *
 * @example
 * readCounts("/tmp/ebpf-vm-x/6.1/report.json"); // { passed: 12, failed: 0, skipped: 1, success: true }
 */
export function readCounts(path: string): Counts | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const r = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    const n = (k: string): number => (typeof r[k] === "number" ? r[k] : 0);
    return {
      passed: n("numPassedTests"),
      failed: n("numFailedTests"),
      skipped: n("numPendingTests") + n("numTodoTests"),
      success: r.success === true && n("numFailedTestSuites") === 0,
    };
  } catch {
    return undefined;
  }
}

/**
 * One row of the summary.
 *
 * @example
 * formatTable([{ kernel: "6.1", release: "6.1.0-50-amd64", counts, bootSeconds: 3.3, seconds: 41.9, ok: true }]);
 */
export interface Row {
  readonly kernel: string;
  readonly release: string;
  readonly counts: Counts | undefined;
  readonly bootSeconds: number | undefined;
  readonly seconds: number;
  readonly ok: boolean;
}

/**
 * The summary as an aligned text table.
 *
 * @example
 * console.log(formatTable(rows));
 */
export function formatTable(rows: readonly Row[]): string {
  const head = ["kernel", "release", "passed", "failed", "skipped", "boot s", "seconds", "result"];
  const body = rows.map((r) => [
    r.kernel,
    r.release,
    String(r.counts?.passed ?? "-"),
    String(r.counts?.failed ?? "-"),
    String(r.counts?.skipped ?? "-"),
    r.bootSeconds === undefined ? "-" : r.bootSeconds.toFixed(1),
    r.seconds.toFixed(1),
    r.ok ? "ok" : "FAIL",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line)].join("\n");
}

/**
 * The machine-readable summary `--summary` writes and `.ci/summarize.mjs` adds to the host's
 * counts: every kernel's counts and whether it passed. A kernel without a report (crashed, timed
 * out) counts as one failed test, so CI never reads it as green.
 *
 * @example
 * summaryOf(rows); // { kernels: [{ kernel: "6.1", passed: 250, failed: 0, skipped: 12, ok: true }], passed: 250, failed: 0, skipped: 12, ok: true }
 */
export function summaryOf(rows: readonly Row[]): {
  kernels: { kernel: string; release: string; passed: number; failed: number; skipped: number; ok: boolean }[];
  passed: number;
  failed: number;
  skipped: number;
  ok: boolean;
} {
  const kernels = rows.map((r) => ({
    kernel: r.kernel,
    release: r.release,
    passed: r.counts?.passed ?? 0,
    failed: r.ok ? (r.counts?.failed ?? 0) : Math.max(r.counts?.failed ?? 0, 1),
    skipped: r.counts?.skipped ?? 0,
    ok: r.ok,
  }));
  const sum = (k: "passed" | "failed" | "skipped"): number => kernels.reduce((n, x) => n + x[k], 0);
  return { kernels, passed: sum("passed"), failed: sum("failed"), skipped: sum("skipped"), ok: rows.length > 0 && rows.every((r) => r.ok) };
}

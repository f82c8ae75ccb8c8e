/**
 * What a TypeScript bench suite looks like to `bench/run.ts`: made once per run (maps created and
 * filled, the JIT warmed), asked for one figure at a time (as the C side is), then closed.
 *
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Units of figures; `ns/op` and `ms` are costs (lower is better), `entries/s` a rate. */
export type Unit = "ns/op" | "entries/s" | "ms";

/**
 * One measured figure of one repetition, named as the C side names it.
 *
 * @example
 * ```ts
 * const f: Figure = { name: "map.hash.lookup", value: 412.5, unit: "ns/op" };
 * ```
 */
export interface Figure {
  name: string;
  value: number;
  unit: Unit;
  /** `ebpf-raw`: our raw byte API measured as the baseline of a TypeScript-only figure. */
  variant?: "ebpf-raw";
}

/**
 * Parameters a topic runs with; the C side gets the same values as command-line flags
 * (`--entries`, `--passes`, `--batch-passes`, `--chunk`).
 *
 * @example
 * ```ts
 * const p: BenchParams = { entries: 1 << 20, passes: 1, batchPasses: 1, chunk: 65536 };
 * ```
 */
export interface BenchParams {
  /** Entries of each map, all present: keys 0..entries-1. */
  entries: number;
  /** Passes over all keys per per-op figure and repetition. */
  passes: number;
  /** Whole-map batch walks per batch figure and repetition. */
  batchPasses: number;
  /** Entries per batch call. */
  chunk: number;
}

/**
 * A running suite.
 *
 * @example
 * ```ts
 * const suite = mapsSuite(params);
 * try { for (let r = 0; r < 5; r++) console.log(suite.run("map.hash.lookup")); } finally { suite.close(); }
 * ```
 */
export interface Suite {
  /**
   * Measure the named figure once (one or more samples); throws (or rejects) for a name it does
   * not know. A figure whose samples come from another process is asynchronous.
   */
  run(figure: string): Figure[] | Promise<Figure[]>;
  /** Release what the suite holds (maps, fds). */
  close(): void;
}

/**
 * Nanoseconds of the monotonic clock (CLOCK_MONOTONIC, as the C side uses).
 *
 * @example
 * ```ts
 * const t0 = nowNs(); work(); const ns = nowNs() - t0;
 * ```
 */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * Collect the garbage earlier figures and topics left, so that no collection (nor the concurrent
 * marking a GC runs on other threads, which CPU-time figures count) lands inside a short timed
 * section of code that allocates nothing itself. Call it before timing, never inside.
 *
 * @example
 * ```ts
 * collectGarbage();
 * const t0 = nowNs(); reader.consumeRaw(fn); const ns = nowNs() - t0;
 * ```
 */
export function collectGarbage(): void {
  gc();
}

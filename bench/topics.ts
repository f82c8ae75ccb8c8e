/**
 * The topics `npm run bench` knows: for each, the C program in `bench/c/<topic>.c` and its
 * arguments, our suite in `bench/ts/<topic>.ts` (imported lazily so one broken suite does not
 * stop the others), and the target of each figure. Both sides get the same parameters.
 *
 * @module
 */
import type { Suite, Unit } from "./ts/suite.js";

/**
 * A figure's target: our cost at most `ratio` times the `against` variant of the C side
 * (`c-raw`: raw syscall(__NR_bpf) with a prebuilt attribute; `libbpf`: libbpf's API).
 *
 * @example
 * ```ts
 * const t: Target = { against: "c-raw", ratio: 1.3 };
 * ```
 */
export interface Target {
  against: "c-raw" | "libbpf";
  ratio: number;
}

/**
 * One topic of the bench.
 *
 * @example
 * ```ts
 * const maps = topics.find((t) => t.name === "maps");
 * ```
 */
export interface Topic {
  /** Name for `--only`; also the C source `bench/c/<name>.c` and binary `bench/build/<name>`. */
  name: string;
  /** Repetitions when `--runs` is not given. */
  defaultRuns: number;
  /** Arguments of the C program. */
  cArgs(quick: boolean): string[];
  /** Make our suite (creates its kernel objects, warms up). */
  suite(quick: boolean): Promise<Suite>;
  /** Figures in print order, with unit and target. */
  figures: { name: string; unit: Unit; target: Target }[];
}

const mapParams = (quick: boolean) =>
  quick ? { entries: 1 << 16, passes: 1, batchPasses: 1, chunk: 1 << 14 } : { entries: 1 << 20, passes: 1, batchPasses: 1, chunk: 1 << 16 };

const perOp: Target = { against: "c-raw", ratio: 1.3 };
const batch: Target = { against: "c-raw", ratio: 1.1 };
const btfParams = (quick: boolean) => ({ parses: quick ? 2 : 4, path: "/sys/kernel/btf/vmlinux" });

/** All topics, in run order. */
export const topics: Topic[] = [
  {
    name: "maps",
    defaultRuns: 5,
    cArgs(quick) {
      const p = mapParams(quick);
      return ["--entries", `${p.entries}`, "--passes", `${p.passes}`, "--batch-passes", `${p.batchPasses}`, "--chunk", `${p.chunk}`];
    },
    async suite(quick) {
      const { mapsSuite } = await import("./ts/maps.js");
      return mapsSuite(mapParams(quick));
    },
    figures: ["hash", "array"].flatMap((kind) => [
      { name: `map.${kind}.lookup`, unit: "ns/op" as const, target: perOp },
      { name: `map.${kind}.update`, unit: "ns/op" as const, target: perOp },
      { name: `map.${kind}.batch_lookup`, unit: "entries/s" as const, target: batch },
    ]),
  },
  {
    name: "btf",
    // Five repetitions of four parses: the median of 20.
    defaultRuns: 5,
    cArgs(quick) {
      const p = btfParams(quick);
      return ["--parses", `${p.parses}`, "--path", p.path];
    },
    async suite(quick) {
      const { btfSuite } = await import("./ts/btf.js");
      return btfSuite(btfParams(quick));
    },
    figures: [
      { name: "btf.parse_vmlinux", unit: "ms", target: { against: "libbpf", ratio: 2 } },
      { name: "btf.parse_vmlinux_mem", unit: "ms", target: { against: "libbpf", ratio: 2 } },
    ],
  },
];

/**
 * The topics `npm run bench` knows: for each, the C program in `bench/c/<topic>.c` and its
 * arguments, our suite in `bench/ts/<topic>.ts` (imported lazily so one broken suite does not
 * stop the others), and the target of each figure. Both sides get the same parameters.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { Suite, Unit } from "./ts/suite.js";

/**
 * A figure's target: our cost at most `ratio` times the `against` variant of the C side
 * (`c-raw`: raw syscall(__NR_bpf) with a prebuilt attribute; `libbpf`: libbpf's API) or of our own
 * raw byte API (`ebpf-raw`, for TypeScript-only topics), or — `absolute` — at most `max` in the
 * figure's unit. A `reference` figure prints its ratio against that variant with no target: it
 * measures something the other side has no counterpart for, or something the target is not set on
 * (the figure's definition says why).
 *
 * @example
 * ```ts
 * const t: Target = { against: "c-raw", ratio: 1.3 };
 * const decode: Target = { against: "absolute", max: 150 };
 * const views: Target = { against: "libbpf", reference: true };
 * ```
 */
export type Target =
  | { against: "c-raw" | "libbpf" | "ebpf-raw"; ratio: number }
  | { against: "c-raw" | "libbpf" | "ebpf-raw"; reference: true }
  | { against: "absolute"; max: number };

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
  /** Arguments of the C program; absent for TypeScript-only topics (no `bench/c/<name>.c`). */
  cArgs?(quick: boolean): string[];
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

/** Our BPF objects (`bpf/*.o`), whatever the working directory. */
const bpfDir = fileURLToPath(new URL("../bpf/", import.meta.url));
const loadParams = (quick: boolean) => ({ loads: quick ? 5 : 20, warmup: quick ? 20 : 1000, dir: bpfDir });
const loadTarget: Target = { against: "libbpf", ratio: 1.2 };
/**
 * Load figures beside the target, not judged by it. The issue's target is the time of warm loads
 * of an object libbpf loads in about 2.5 ms (13 ms with CO-RE); a cold load is also V8 compiling
 * our loader on its first call, and the small object shows our own per-load cost where the
 * verifier has almost nothing to do. What the parallel load costs for its time shows in the CPU
 * time of all threads (`*.warm_cpu`) and in the plain object's load on one thread (`serial`,
 * `parallel: false`).
 */
const loadReference: Target = { against: "libbpf", reference: true };
/** Records per burst and per live figure, records between drains, ring (per CPU for perf) bytes. */
const eventParams = (quick: boolean, obj: string, records: number, liveRecords: number) => ({
  records: quick ? 1 << 16 : records,
  liveRecords: quick ? 1 << 14 : liveRecords,
  chunk: 1 << 14,
  ringBytes: quick ? 1 << 23 : 1 << 25,
  obj: `${bpfDir}${obj}`,
});
const eventArgs = (p: ReturnType<typeof eventParams>) => [
  "--records", `${p.records}`, "--live-records", `${p.liveRecords}`, "--chunk", `${p.chunk}`, "--ring-bytes", `${p.ringBytes}`, "--obj", p.obj,
];
// bpf_perf_event_output queues a reader wakeup per sample (libbpf's wakeup_events = 1, our
// watermark 1), which makes producing ~10x slower than for the ring buffer (a self-IPI per sample
// in a VM): fewer perf samples keep the topic short.
const ringbufParams = (quick: boolean) => eventParams(quick, "bench_ringbuf.o", 1 << 18, 1 << 18);
const perfParams = (quick: boolean) => eventParams(quick, "bench_perf.o", 1 << 16, 1 << 15);
const burstTarget: Target = { against: "libbpf", ratio: 2 };
// libbpf hands its callback a pointer, as consumeRaw does; a view allocated per record has no C
// counterpart, so its figure shows what that allocation costs.
const viewFigure: Target = { against: "libbpf", reference: true };
// Live figures are bound by the producer, the same kernel work on both sides: "equal to libbpf" is
// judged within the run-to-run spread of the ratio on this machine (0.94x to 1.05x in 8 runs of the two topics).
const liveTarget: Target = { against: "libbpf", ratio: 1.05 };

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
  {
    name: "load",
    // Five repetitions of 20 loads: the median of 100 warm loads, and of 5 cold ones.
    defaultRuns: 5,
    cArgs(quick) {
      const p = loadParams(quick);
      return ["--loads", `${p.loads}`, "--dir", p.dir];
    },
    async suite(quick) {
      const { loadSuite } = await import("./ts/load.js");
      return loadSuite(loadParams(quick));
    },
    figures: [
      { name: "load.plain.cold", unit: "ms", target: loadReference },
      { name: "load.plain.warm", unit: "ms", target: loadTarget },
      { name: "load.plain.warm_cpu", unit: "ms", target: loadReference },
      { name: "load.plain.serial", unit: "ms", target: loadReference },
      { name: "load.small.cold", unit: "ms", target: loadReference },
      { name: "load.small.warm", unit: "ms", target: loadReference },
      { name: "load.small.warm_cpu", unit: "ms", target: loadReference },
      { name: "load.core.cold", unit: "ms", target: loadReference },
      { name: "load.core.warm", unit: "ms", target: loadTarget },
      { name: "load.core.warm_fresh", unit: "ms", target: loadTarget },
      { name: "load.core.warm_cpu", unit: "ms", target: loadReference },
    ],
  },
  {
    name: "ringbuf",
    defaultRuns: 7,
    cArgs: (quick) => eventArgs(ringbufParams(quick)),
    async suite(quick) {
      const { ringbufSuite } = await import("./ts/ringbuf.js");
      return ringbufSuite(ringbufParams(quick));
    },
    figures: [
      { name: "ringbuf.burst", unit: "entries/s", target: burstTarget },
      { name: "ringbuf.burst_view", unit: "entries/s", target: viewFigure },
      { name: "ringbuf.burst_cpu", unit: "entries/s", target: burstTarget },
      { name: "ringbuf.live", unit: "entries/s", target: liveTarget },
    ],
  },
  {
    name: "perf",
    defaultRuns: 5,
    cArgs: (quick) => eventArgs(perfParams(quick)),
    async suite(quick) {
      const { perfSuite } = await import("./ts/perf.js");
      return perfSuite(perfParams(quick));
    },
    figures: [
      { name: "perf.burst", unit: "entries/s", target: burstTarget },
      { name: "perf.burst_view", unit: "entries/s", target: viewFigure },
      { name: "perf.burst_cpu", unit: "entries/s", target: burstTarget },
      { name: "perf.live", unit: "entries/s", target: liveTarget },
    ],
  },
  {
    // Attach + detach per link kind (ns), and what fentry / kprobe add to a getpgid call; three
    // repetitions: detaching waits for RCU grace periods, tens of ms for some kinds. TCX (ours
    // only: libbpf 1.1 has none) goes after XDP and cgroup: for a while after a TCX attach and
    // detach, on any device, an XDP attach + close took 870-950 µs against 400 µs.
    name: "links",
    defaultRuns: 3,
    cArgs(quick) {
      return ["--attaches", quick ? "3" : "10", "--calls", quick ? "200000" : "1000000", "--obj", `${bpfDir}bench_links.o`];
    },
    async suite(quick) {
      const { linksSuite } = await import("./ts/links.js");
      return linksSuite({ attaches: quick ? 3 : 10, calls: quick ? 200_000 : 1_000_000, obj: `${bpfDir}bench_links.o` });
    },
    figures: [
      ...["tracepoint", "raw_tp", "tp_btf", "kprobe", "fentry", "uprobe", "xdp", "cgroup", "tcx"].map((kind) => ({
        name: `links.attach.${kind}`,
        unit: "ns/op" as const,
        target: { against: "libbpf" as const, ratio: 1.2 },
      })),
      ...["none", "fentry_added", "kprobe_added"].map((what) => ({
        name: `links.getpgid.${what}`,
        unit: "ns/op" as const,
        target: { against: "libbpf" as const, ratio: 1.1 },
      })),
    ],
  },
  {
    // TypeScript only: codecs against our raw byte API, and decode cost per ring buffer record.
    name: "typed",
    defaultRuns: 5,
    async suite(quick) {
      const { typedSuite } = await import("./ts/typed.js");
      const events = eventParams(quick, "bench_ringbuf.o", 1 << 20, 1 << 14);
      return typedSuite({ entries: quick ? 1 << 12 : 1 << 16, passes: 4, events: { ...events, chunk: 1 << 16 }, codecObj: `${bpfDir}codec_types.o` });
    },
    figures: [
      { name: "typed.map_lookup", unit: "ns/op", target: { against: "ebpf-raw", ratio: 1.2 } },
      { name: "typed.ringbuf_decode", unit: "ns/op", target: { against: "absolute", max: 150 } },
    ],
  },
];

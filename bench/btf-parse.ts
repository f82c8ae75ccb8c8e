/**
 * Parse time and heap cost of the kernel's BTF: prints the median of 20 parses of
 * /sys/kernel/btf/vmlinux (from memory, and including the file read) and the heap kept by one
 * parsed spec. Run with `node --expose-gc` (through tsx) for an exact heap figure.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { loadSpecFromBuffer, type Spec } from "../src/btf/index.js";

const PATH = process.argv[2] ?? "/sys/kernel/btf/vmlinux";
const RUNS = 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Measure and print; returns the figures for a bench runner.
 *
 * @example
 * ```ts
 * import { benchBTFParse } from "./btf-parse.js";
 * const { parseMs } = benchBTFParse("/sys/kernel/btf/vmlinux");
 * ```
 */
export function benchBTFParse(path: string): {
  parseMs: number;
  minMs: number;
  readAndParseMs: number;
  heapMiB: number;
  indexMiB: number;
  types: number;
} {
  const bytes = readFileSync(path);
  // Heap kept per spec, measured first while no garbage file buffers await freeing; several
  // specs are retained and averaged so collector noise is divided away.
  const KEPT = 5;
  for (let i = 0; i < 3; i++) gc();
  const before = process.memoryUsage();
  const kept: Spec[] = [];
  for (let i = 0; i < KEPT; i++) kept.push(loadSpecFromBuffer(bytes));
  for (let i = 0; i < 3; i++) gc();
  const after = process.memoryUsage();
  // The file bytes are shared, not copied; count JS heap plus off-heap buffers the specs added.
  const heapMiB = (after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers)) / KEPT / 2 ** 20;
  // Warm up the JIT before timing.
  for (let i = 0; i < 5; i++) loadSpecFromBuffer(bytes);
  const parse: number[] = [];
  const readParse: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    loadSpecFromBuffer(bytes);
    parse.push(performance.now() - t);
  }
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    loadSpecFromBuffer(readFileSync(path));
    readParse.push(performance.now() - t);
  }
  const indexMiB = (kept[0]!.raw.offsets.byteLength + kept[0]!.raw.kinds.byteLength) / 2 ** 20;
  return {
    parseMs: median(parse),
    minMs: Math.min(...parse),
    readAndParseMs: median(readParse),
    heapMiB,
    indexMiB,
    types: kept[0]!.typeCount,
  };
}

// Print only when run as a script, so a bench runner can import benchBTFParse.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = benchBTFParse(PATH);
  console.log(
    `btf parse ${PATH}: ${r.types} types, median ${r.parseMs.toFixed(2)} ms (min ${r.minMs.toFixed(2)}, with read ${r.readAndParseMs.toFixed(2)} ms), ` +
      `heap ${r.heapMiB >= 0 ? "+" : ""}${r.heapMiB.toFixed(1)} MiB per spec (type index ${r.indexMiB.toFixed(2)} MiB)` +
      `${(globalThis as { gc?: unknown }).gc ? "" : " (no --expose-gc: approximate)"}`,
  );
}

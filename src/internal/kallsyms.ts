/**
 * `/proc/kallsyms`, read once: kernel symbol addresses for untyped `.ksyms` externs and the
 * syscall-wrapper check of `.kconfig`.
 *
 * @module
 */
import { readFileSync } from "node:fs";

/** One kallsyms entry. */
export interface KernelSymbol {
  readonly address: bigint;
  /** The nm-style type letter (`T`, `t`, `D` …). */
  readonly type: string;
  /** The module the symbol lives in, or undefined for vmlinux. */
  readonly module?: string;
}

let cached: ReadonlyMap<string, KernelSymbol> | undefined;

/**
 * All kernel symbols by name (the first of duplicate names wins, as in libbpf). Addresses are 0
 * when `kptr_restrict` hides them from this process.
 *
 * @example
 * ```ts
 * import { kernelSymbols } from "./kallsyms.js";
 * kernelSymbols().has("bpf_prog_put"); // true
 * ```
 */
export function kernelSymbols(): ReadonlyMap<string, KernelSymbol> {
  if (cached) return cached;
  const map = new Map<string, KernelSymbol>();
  let text = "";
  try {
    text = readFileSync("/proc/kallsyms", "utf8");
  } catch {
    // No procfs or no permission: every lookup then misses, as on a kernel without kallsyms.
  }
  for (const line of text.split("\n")) {
    const first = line.indexOf(" ");
    const second = line.indexOf(" ", first + 1);
    if (first < 0 || second < 0) continue;
    let name = line.slice(second + 1);
    let module: string | undefined;
    const tab = name.indexOf("\t");
    if (tab >= 0) {
      module = name.slice(tab + 1).replace(/^\[|\]$/g, "");
      name = name.slice(0, tab);
    }
    if (map.has(name)) continue;
    const entry: KernelSymbol = { address: BigInt(`0x${line.slice(0, first)}`), type: line.slice(first + 1, second) };
    map.set(name, module === undefined ? entry : { ...entry, module });
  }
  cached = map;
  return cached;
}

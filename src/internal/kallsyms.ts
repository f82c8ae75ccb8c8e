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

let text: string | undefined;

// The file is ~5 MB with ~120k lines; a targeted search finds a symbol in well under a
// millisecond, so no index of every line is built.
function kallsymsText(): string {
  if (text === undefined) {
    try {
      text = readFileSync("/proc/kallsyms", "utf8");
    } catch {
      // No procfs or no permission: every lookup then misses, as on a kernel without kallsyms.
      text = "";
    }
  }
  return text;
}

/**
 * The first kallsyms entry named `name` (as libbpf takes the first of duplicates), or undefined.
 * Addresses read 0 when `kptr_restrict` hides them from this process.
 *
 * @example
 * ```ts
 * import { findKernelSymbol } from "./kallsyms.js";
 * findKernelSymbol("bpf_prog_put")?.type; // "T"
 * ```
 */
export function findKernelSymbol(name: string): KernelSymbol | undefined {
  const all = kallsymsText();
  for (const end of ["\n", "\t"]) {
    const needle = ` ${name}${end}`;
    let at = all.indexOf(needle);
    while (at >= 0) {
      const lineStart = all.lastIndexOf("\n", at) + 1;
      const fields = all.slice(lineStart, at).split(" ");
      // "<address> <type>" must be all that precedes the name on its line.
      if (fields.length === 2) {
        const entry: KernelSymbol = { address: BigInt(`0x${fields[0]}`), type: fields[1]! };
        if (end === "\n") return entry;
        const lineEnd = all.indexOf("\n", at);
        const module = all.slice(at + needle.length, lineEnd < 0 ? undefined : lineEnd).replace(/^\[|\]$/g, "");
        return { ...entry, module };
      }
      at = all.indexOf(needle, at + 1);
    }
  }
  return undefined;
}

/**
 * The number of possible CPUs, read once from sysfs: per-CPU maps hold one value slot for each.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { EbpfError } from "../errors.js";

const POSSIBLE_PATH = "/sys/devices/system/cpu/possible";

let cached: number | undefined;

/**
 * Count the CPUs in a kernel cpu list such as `"0-3"`, `"0,2-5"` or `"0"` (the format of
 * `/sys/devices/system/cpu/possible`). The kernel copies one per-CPU slot for each listed CPU.
 *
 * @example
 * ```ts
 * import { parseCPUList } from "./possible-cpus.js";
 * parseCPUList("0-3,6\n"); // 5
 * ```
 */
export function parseCPUList(text: string): number {
  const trimmed = text.trim();
  if (trimmed === "") throw new EbpfError("cpu list is empty");
  let count = 0;
  for (const part of trimmed.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new EbpfError(`cpu list ${JSON.stringify(trimmed)}: bad range ${JSON.stringify(part)}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new EbpfError(`cpu list ${JSON.stringify(trimmed)}: range ${part} is reversed`);
    count += hi - lo + 1;
  }
  return count;
}

/**
 * The number of possible CPUs (`/sys/devices/system/cpu/possible`), cached after the first call.
 * A per-CPU map value holds `roundup(valueSize, 8)` bytes for each of them.
 *
 * @example
 * ```ts
 * import { possibleCPUs } from "ebpf";
 * const slots = possibleCPUs(); // e.g. 8
 * ```
 */
export function possibleCPUs(): number {
  if (cached === undefined) {
    let text: string;
    try {
      text = readFileSync(POSSIBLE_PATH, "utf8");
    } catch (err) {
      throw new EbpfError(`cannot read ${POSSIBLE_PATH}: ${(err as Error).message}`, { cause: err });
    }
    cached = parseCPUList(text);
  }
  return cached;
}

/**
 * The perf_kprobe PMU (Linux 4.17+): `perf_event_open` with the PMU's dynamic type creates a
 * kprobe without touching tracefs.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { addressOf } from "../syscall/index.js";
import { perfEventOpen } from "../syscall/perf-event.js";

const pmuDir = "/sys/bus/event_source/devices/kprobe";

interface KprobePmu {
  readonly type: number;
  readonly retprobeBit: number;
}

let cached: KprobePmu | null | undefined;

/**
 * The perf_kprobe PMU's type and the config bit that makes a kretprobe, or `null` when the
 * kernel has none (no CONFIG_KPROBES, or before 4.17).
 *
 * @example
 * ```ts
 * kprobePmu()?.type; // 8
 * ```
 */
export function kprobePmu(): KprobePmu | null {
  if (cached !== undefined) return cached;
  try {
    const type = Number.parseInt(readFileSync(`${pmuDir}/type`, "utf8").trim(), 10);
    // "config:0": the bit of perf_event_attr.config that asks for a return probe.
    const format = readFileSync(`${pmuDir}/format/retprobe`, "utf8").trim();
    const bit = /^config:(\d+)$/.exec(format);
    cached = Number.isInteger(type) && bit ? { type, retprobeBit: Number(bit[1]) } : null;
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * Open a kprobe (or kretprobe) on `symbol+offset` through the PMU, returning the perf event fd.
 * Throws `SyscallError` from `perf_event_open` (ENOENT / EINVAL: no such symbol).
 *
 * @example
 * ```ts
 * const fd = openPmuKprobe(kprobePmu()!, "__x64_sys_getpgid", 0n, false);
 * ```
 */
export function openPmuKprobe(pmu: KprobePmu, symbol: string, offset: bigint, ret: boolean): number {
  const name = new TextEncoder().encode(`${symbol}\0`);
  const fd = perfEventOpen(
    {
      type: pmu.type,
      config: ret ? 1n << BigInt(pmu.retprobeBit) : 0n,
      config1: BigInt(addressOf(name)),
      config2: offset,
      samplePeriod: 1n,
      wakeupEvents: 1,
    },
    -1,
    0,
  );
  // The kernel copied the name during the call; keep the buffer reachable until then.
  name.fill(0);
  return fd;
}

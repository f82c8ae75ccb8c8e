/**
 * kprobes through tracefs `kprobe_events` (Linux 4.1+ as tracefs, earlier under debugfs): the
 * fallback where the perf_kprobe PMU is missing, and the only way to set a kretprobe's maxactive.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { pid } from "node:process";
import { perfEventOpen, PerfType } from "../syscall/perf-event.js";
import { traceEventId, writeTracefs } from "./tracefs.js";

/**
 * A kprobe event created in tracefs, to be removed after its perf event is closed.
 *
 * @example
 * ```ts
 * const { fd, remove } = probe as TracefsKprobe;
 * ```
 */
export interface TracefsKprobe {
  readonly fd: number;
  readonly remove: () => void;
}

/**
 * The result of trying: an event, or the errno name tracefs answered.
 *
 * @example
 * ```ts
 * const r: TracefsKprobeResult = openTracefsKprobe("vfs_read", 0n, false, 0);
 * if ("error" in r) console.log(r.error); // "ENOENT"
 * ```
 */
export type TracefsKprobeResult = TracefsKprobe | { readonly error: string };

/**
 * Create `p:`/`r:` event `ebpf_<pid>_<random>/<symbol>` and open it as a tracepoint perf event.
 *
 * @example
 * ```ts
 * const r = openTracefsKprobe("do_sys_openat2", 0n, false, 0);
 * ```
 */
export function openTracefsKprobe(symbol: string, offset: bigint, ret: boolean, maxActive: number): TracefsKprobeResult {
  const group = `ebpf_${pid}_${randomBytes(4).toString("hex")}`;
  const event = symbol.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
  const kind = ret ? `r${maxActive > 0 ? maxActive : ""}` : "p";
  const target = offset === 0n ? symbol : `${symbol}+${offset}`;
  const error = writeTracefs("kprobe_events", `${kind}:${group}/${event} ${target}`);
  if (error !== undefined) return { error };
  const remove = (): void => {
    writeTracefs("kprobe_events", `-:${group}/${event}`);
  };
  try {
    const id = traceEventId(group, event);
    if (id === undefined) {
      remove();
      return { error: "ENOENT" };
    }
    const fd = perfEventOpen({ type: PerfType.TRACEPOINT, config: BigInt(id), samplePeriod: 1n, wakeupEvents: 1 }, -1, 0);
    return { fd, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

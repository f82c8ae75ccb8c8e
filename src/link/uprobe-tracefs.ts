/**
 * Uprobes made through tracefs `uprobe_events` (3.5+): the fallback for kernels without the
 * `uprobe` perf PMU (before 4.17). Each probe gets its own event group so that removing it never
 * touches anyone else's.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:os";
import { NotSupportedError } from "../errors.js";
import { SyscallError } from "../syscall/index.js";
import { PERF_SAMPLE_RAW, perfEventOpen, PerfType } from "../syscall/perf-event.js";
import { hasTracefsFile, traceEventId, writeTracefs } from "./tracefs.js";

/**
 * A uprobe trace event created in tracefs, and the perf event opened on it.
 *
 * @example
 * ```ts
 * const probe: TracefsUprobe = openTracefsUprobe(path, offset, 0n, false, -1, "readline");
 * console.log(probe.name); // "ebpf_1234_9f2c01ab/readline_8f3c0"
 * ```
 */
export interface TracefsUprobe {
  /** The perf event fd (the caller owns it). */
  readonly fd: number;
  /** `group/event`, as tracefs names it. */
  readonly name: string;
  /** Remove the trace event; call after closing every perf event opened on it. */
  remove(): void;
}

/**
 * Create a uprobe (or uretprobe) trace event on `path` at file offset `offset` and open a perf
 * event on it for `pid` (-1: every process).
 *
 * @example
 * ```ts
 * const probe = openTracefsUprobe("/bin/bash", 0x8f3c0n, 0n, false, -1, "readline");
 * const link = attachPerfEvent(prog.fd, probe.fd, 0n, "uprobe", () => probe.remove());
 * ```
 */
export function openTracefsUprobe(
  path: string,
  offset: bigint,
  refCtrOffset: bigint,
  ret: boolean,
  pid: number,
  symbol: string,
): TracefsUprobe {
  if (!hasTracefsFile("uprobe_events")) {
    throw new NotSupportedError("uprobes through tracefs (no uprobe_events: no CONFIG_UPROBE_EVENTS)", "3.5");
  }
  if (/\s/.test(path)) throw new NotSupportedError(`tracefs uprobes on a path with white space (${path})`);
  const group = `ebpf_${process.pid}_${randomBytes(4).toString("hex")}`;
  const base = symbol.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1").slice(0, 32) || "probe";
  const event = `${base}_${offset.toString(16)}`;
  const name = `${group}/${event}`;
  const ref = refCtrOffset === 0n ? "" : `(0x${refCtrOffset.toString(16)})`;
  writeEvents(`${ret ? "r" : "p"}:${name} ${path}:0x${offset.toString(16)}${ref}`, name);
  const remove = (): void => writeEvents(`-:${name}`, name);
  try {
    const id = traceEventId(group, event);
    if (id === undefined) throw new NotSupportedError(`uprobe trace event ${name} (created but has no id)`);
    const fd = perfEventOpen(
      { type: PerfType.TRACEPOINT, config: id, samplePeriod: 1, sampleType: PERF_SAMPLE_RAW, wakeupEvents: 1 },
      pid,
      pid === -1 ? 0 : -1,
    );
    return { fd, name, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/** Append one command to `uprobe_events`; a refusal becomes {@link SyscallError}. */
function writeEvents(command: string, name: string): void {
  const code = writeTracefs("uprobe_events", command);
  if (code === undefined) return;
  const errno = (constants.errno as Record<string, number>)[code] ?? 0;
  throw new SyscallError("write uprobe_events", errno, `${name}: ${command}`);
}

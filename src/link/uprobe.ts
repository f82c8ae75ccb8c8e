/**
 * Uprobes and uretprobes on one symbol: a perf event from the `uprobe` PMU (4.17+) or, without
 * it, from tracefs `uprobe_events`, with the program attached through {@link attachPerfEvent}.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { ArgumentError } from "../errors.js";
import { ProgramType } from "../prog/types.js";
import { addressOf, SyscallError } from "../syscall/index.js";
import { PERF_SAMPLE_RAW, perfEventOpen } from "../syscall/perf-event.js";
import type { Executable } from "./executable.js";
import type { Link } from "./link.js";
import { attachPerfEvent } from "./perf-event.js";
import { checkCookie, checkedProgramFd, type AttachableProgram } from "./program-check.js";
import { openTracefsUprobe } from "./uprobe-tracefs.js";

/**
 * Options of {@link Executable.uprobe} and {@link Executable.uretprobe}.
 *
 * @example
 * ```ts
 * const options: UprobeOptions = { pid: process.pid, cookie: 42n };
 * ```
 */
export interface UprobeOptions {
  /**
   * The file offset to probe instead of the symbol's: needed for symbols the file only imports,
   * or binaries without symbols. The symbol name then only names the probe.
   */
  readonly address?: bigint | number;
  /** Bytes added to the symbol's (or `address`'s) offset, to probe inside a function. */
  readonly offset?: bigint | number;
  /** Only fire in this process (a thread group id); every process by default. */
  readonly pid?: number;
  /** The value `bpf_get_attach_cookie()` returns in the program (Linux 5.15+). */
  readonly cookie?: bigint;
  /** File offset of a USDT semaphore the kernel increments while the probe is attached (4.20+). */
  readonly refCtrOffset?: bigint | number;
}

/** The `uprobe` perf PMU: its type number and the config bit that makes a uretprobe. */
interface UprobePmu {
  readonly type: number;
  readonly retprobeBit: bigint;
}

const PMU_DIR = "/sys/bus/event_source/devices/uprobe";
let pmu: UprobePmu | null | undefined;

/** The uprobe PMU (4.17+), or null when the kernel has none; read once. */
function uprobePmu(): UprobePmu | null {
  if (pmu !== undefined) return pmu;
  try {
    const type = Number.parseInt(readFileSync(`${PMU_DIR}/type`, "utf8"), 10);
    const format = readFileSync(`${PMU_DIR}/format/retprobe`, "utf8").trim();
    const bit = /^config:(\d+)$/.exec(format);
    pmu = Number.isInteger(type) && bit ? { type, retprobeBit: BigInt(bit[1]!) } : null;
  } catch {
    pmu = null;
  }
  return pmu;
}

/**
 * Attach `program` to `symbol` of `exe` (a uretprobe when `ret`). {@link Executable.uprobe} and
 * {@link Executable.uretprobe} are the public face of this.
 *
 * @throws {ArgumentError} when the program is not of type Kprobe or an option is out of range.
 * @throws {ClosedError} when the program was closed.
 * @throws {SymbolNotFoundError} when the symbol cannot be resolved.
 * @example
 * ```ts
 * using link = attachUprobe(openExecutable("/bin/bash"), "readline", prog, {}, false);
 * ```
 */
export function attachUprobe(
  exe: Executable,
  symbol: string,
  program: AttachableProgram,
  options: UprobeOptions,
  ret: boolean,
): Link {
  const kind = ret ? "uretprobe" : "uprobe";
  const what = `${kind} ${exe.path}:${symbol}`;
  const progFd = checkedProgramFd(program, [ProgramType.Kprobe], what);
  const cookie = checkCookie(options.cookie, what);
  const pid = options.pid ?? -1;
  if (!Number.isInteger(pid) || pid < -1 || pid === 0) throw new ArgumentError(`${what}: invalid pid ${pid}`);
  const refCtrOffset = BigInt(options.refCtrOffset ?? 0);
  if (refCtrOffset < 0n || refCtrOffset >= 1n << 32n) {
    throw new ArgumentError(`${what}: refCtrOffset ${refCtrOffset} out of range (32 bits)`);
  }
  const offset = exe.offset(symbol, options);
  if (offset < 0n || offset >= 1n << 64n) throw new ArgumentError(`${what}: offset ${offset} out of range`);
  const cpu = pid === -1 ? 0 : -1;

  const found = uprobePmu();
  if (found !== null) {
    // The kernel copies the path during perf_event_open; the buffer only has to outlive the call.
    const path = new TextEncoder().encode(`${exe.path}\0`);
    const fd = openPmuEvent(
      {
        type: found.type,
        config: (ret ? 1n << found.retprobeBit : 0n) | (refCtrOffset << 32n),
        config1: addressOf(path),
        config2: offset,
        samplePeriod: 1,
        sampleType: PERF_SAMPLE_RAW,
        wakeupEvents: 1,
      },
      pid,
      cpu,
      `${what} at file offset 0x${offset.toString(16)}`,
    );
    return attachPerfEvent(progFd, fd, cookie, what);
  }
  const probe = openTracefsUprobe(exe.path, offset, refCtrOffset, ret, pid, symbol);
  return attachPerfEvent(progFd, probe.fd, cookie, what, probe.remove);
}

/** perf_event_open with the probe named in the error. */
function openPmuEvent(attr: Parameters<typeof perfEventOpen>[0], pid: number, cpu: number, what: string): number {
  try {
    return perfEventOpen(attr, pid, cpu);
  } catch (err) {
    if (err instanceof SyscallError) throw new SyscallError("perf_event_open", err.errno, what);
    throw err;
  }
}

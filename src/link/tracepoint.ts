/**
 * Tracepoints: a perf event of type PERF_TYPE_TRACEPOINT for `<group>/<name>` from tracefs, with
 * the program attached through {@link attachPerfEvent}.
 *
 * @module
 */
import { Errno, SyscallError } from "../syscall/index.js";
import { ProgramType } from "../prog/types.js";
import { perfEventOpen, PerfType } from "../syscall/perf-event.js";
import type { Link } from "./link.js";
import { attachPerfEvent } from "./perf-event.js";
import { checkCookie, checkedProgramFd, type AttachableProgram } from "./program-check.js";
import { traceEventId } from "./tracefs.js";
import { TraceEventNotFoundError } from "./errors.js";

/**
 * Options of {@link tracepoint}.
 *
 * @example
 * ```ts
 * const options: TracepointOptions = { cookie: 42n };
 * ```
 */
export interface TracepointOptions {
  /** Returned by `bpf_get_attach_cookie()` in the program (5.15+). */
  readonly cookie?: bigint;
}


/**
 * Attach a `ProgramType.TracePoint` program to the tracepoint `group/name` (Linux 4.7+; as a
 * `bpf_link` 5.15+, cookie 5.15+). The id comes from tracefs, which is mounted at
 * `/sys/kernel/tracing` if needed.
 *
 * @example
 * ```ts
 * import { tracepoint } from "ebpf/link";
 * using link = tracepoint("syscalls", "sys_enter_getpgid", coll.programs.on_getpgid);
 * ```
 */
export function tracepoint(group: string, name: string, program: AttachableProgram, options: TracepointOptions = {}): Link {
  const what = `tracepoint ${String(group)}/${String(name)}`;
  const progFd = checkedProgramFd(program, [ProgramType.TracePoint], what);
  const cookie = checkCookie(options.cookie, what);
  const id = traceEventId(group, name);
  if (id === undefined) throw new TraceEventNotFoundError(`${group}/${name}`, "tracepoint");
  let fd: number;
  try {
    fd = perfEventOpen({ type: PerfType.TRACEPOINT, config: BigInt(id), samplePeriod: 1n, wakeupEvents: 1 }, -1, 0);
  } catch (err) {
    // ENOENT: the event went away between reading its id and opening it.
    if (err instanceof SyscallError && err.errno === Errno.ENOENT) throw new TraceEventNotFoundError(`${group}/${name}`, "tracepoint", { cause: err });
    throw err;
  }
  return attachPerfEvent(progFd, fd, cookie, what);
}

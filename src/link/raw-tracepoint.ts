/**
 * Raw tracepoints: BPF_RAW_TRACEPOINT_OPEN with the tracepoint's name.
 *
 * @module
 */
import { NotSupportedError } from "../errors.js";
import { ProgramType } from "../prog/types.js";
import { Errno, rawTracepointOpen, SyscallError } from "../syscall/index.js";
import { TraceEventNotFoundError } from "./errors.js";
import { RawLink } from "./link.js";
import { checkCookie, checkedProgramFd, type AttachableProgram } from "./program-check.js";

/**
 * Options of {@link rawTracepoint}.
 *
 * @example
 * ```ts
 * const options: RawTracepointOptions = { name: "sys_enter", program: prog };
 * ```
 */
export interface RawTracepointOptions {
  /** The tracepoint's name without group, e.g. `"sched_switch"` or `"sys_enter"`. */
  readonly name: string;
  /** A `ProgramType.RawTracepoint` or `RawTracepointWritable` program. */
  readonly program: AttachableProgram;
  /** Returned by `bpf_get_attach_cookie()` (6.10+). */
  readonly cookie?: bigint;
}

/**
 * Attach a raw tracepoint program (Linux 4.17+; the result is a `bpf_link`, pinnable 5.7+,
 * cookie 6.10+). Raw tracepoint links cannot be updated.
 *
 * @example
 * ```ts
 * import { rawTracepoint } from "ebpf/link";
 * using link = rawTracepoint({ name: "sys_enter", program: coll.programs.on_enter });
 * ```
 */
export function rawTracepoint(options: RawTracepointOptions): RawLink {
  const name = options?.name;
  const what = `raw tracepoint ${String(name)}`;
  const progFd = checkedProgramFd(
    options?.program,
    [ProgramType.RawTracepoint, ProgramType.RawTracepointWritable],
    what,
  );
  if (typeof name !== "string" || name === "" || name.includes("\0")) {
    throw new TraceEventNotFoundError(JSON.stringify(name), "raw tracepoint");
  }
  const cookie = checkCookie(options.cookie, what);
  try {
    return new RawLink(rawTracepointOpen(progFd, name, cookie), what);
  } catch (err) {
    if (err instanceof SyscallError && err.errno === Errno.ENOENT) {
      throw new TraceEventNotFoundError(name, "raw tracepoint", { cause: err });
    }
    if (cookie !== 0n && err instanceof SyscallError && err.errno === Errno.EINVAL) {
      throw new NotSupportedError(`BPF cookie on ${what}`, "6.10", { cause: err });
    }
    throw err;
  }
}

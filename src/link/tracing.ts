/**
 * Tracing links: fentry, fexit, fmod_ret, tp_btf (BPF_PROG_TYPE_TRACING) and LSM programs,
 * attached to the target chosen at load time (`ProgramSpec.attachTo`).
 *
 * @module
 */
import { ArgumentError, NotSupportedError } from "../errors.js";
import { AttachType, attachTypeName, ProgramType } from "../prog/types.js";
import { Errno, LinkCreateLayouts, linkCreate, rawTracepointOpen, SyscallError } from "../syscall/index.js";
import { RawLink } from "./link.js";
import { checkCookie, checkedProgramFd, type AttachableProgram } from "./program-check.js";

/**
 * Options of {@link attachTracing}.
 *
 * @example
 * ```ts
 * const options: TracingOptions = { program, attachType: AttachType.AttachTraceFEntry, cookie: 7n };
 * ```
 */
export interface TracingOptions {
  /** A `ProgramType.Tracing` or `ProgramType.LSM` program loaded with its target. */
  readonly program: AttachableProgram;
  /**
   * The attach type the program was loaded with (`AttachTraceFEntry`, `AttachTraceFExit`,
   * `AttachModifyReturn`, `AttachTraceRawTp`, `AttachLSMMac`). Needed for a cookie; without it
   * the program is attached with BPF_RAW_TRACEPOINT_OPEN.
   */
  readonly attachType?: AttachType;
  /** Returned by `bpf_get_attach_cookie()`: fentry/fexit/fmod_ret/LSM 5.19+, tp_btf 6.10+. */
  readonly cookie?: bigint;
}

const allowed = new Map<number, readonly number[]>([
  [
    ProgramType.Tracing,
    [AttachType.AttachTraceFEntry, AttachType.AttachTraceFExit, AttachType.AttachModifyReturn, AttachType.AttachTraceRawTp],
  ],
  [ProgramType.LSM, [AttachType.AttachLSMMac]],
]);

/**
 * Attach a tracing or LSM program to the kernel function, tracepoint or hook it was loaded
 * against (Linux 5.5+). With an attach type this is BPF_LINK_CREATE (5.19+ for trampolines),
 * falling back to BPF_RAW_TRACEPOINT_OPEN (5.5+) when the kernel refuses it and no cookie is
 * asked for. Tracing links cannot be updated; before 5.13 a trampoline program attaches once
 * (`NotSupportedError` on the second attach: load it again).
 *
 * @example
 * ```ts
 * import { attachTracing } from "ebpf/link";
 * import { AttachType } from "ebpf";
 * using link = attachTracing({ program: coll.programs.on_getpgid, attachType: AttachType.AttachTraceFEntry });
 * ```
 */
export function attachTracing(options: TracingOptions): RawLink {
  const program = options?.program;
  const what = `tracing link${program?.name ? ` of ${program.name}` : ""}`;
  const progFd = checkedProgramFd(program, [ProgramType.Tracing, ProgramType.LSM], what);
  const cookie = checkCookie(options.cookie, what);
  let { attachType } = options;
  if (attachType === undefined && program.type === ProgramType.LSM) attachType = AttachType.AttachLSMMac;
  if (attachType !== undefined && !allowed.get(program.type)!.includes(attachType)) {
    throw new ArgumentError(`${what}: attach type ${attachTypeName(attachType)} is not one of ${allowed.get(program.type)!.map(attachTypeName).join(", ")}`);
  }
  if (attachType === undefined) {
    if (cookie !== 0n) throw new ArgumentError(`${what}: a cookie needs the program's attachType`);
    return rawTracepointLink(progFd, what);
  }
  try {
    const fd = linkCreate(LinkCreateLayouts.tracing, { progFd, targetFd: 0, attachType, flags: 0, targetBtfId: 0, cookie });
    return new RawLink(fd, what);
  } catch (err) {
    if (!(err instanceof SyscallError) || err.errno !== Errno.EINVAL) throw reattachError(err, what);
    if (cookie !== 0n) {
      const min = attachType === AttachType.AttachTraceRawTp ? "6.10" : "5.19";
      throw new NotSupportedError(`BPF cookie on ${what}`, min, { cause: err });
    }
    // Kernels whose BPF_LINK_CREATE does not make tracing links (it learned them with cookies,
    // 5.19) attach through BPF_RAW_TRACEPOINT_OPEN.
    return rawTracepointLink(progFd, what);
  }
}

function rawTracepointLink(progFd: number, what: string): RawLink {
  try {
    return new RawLink(rawTracepointOpen(progFd, undefined), what);
  } catch (err) {
    throw reattachError(err, what);
  }
}

/** Before 5.13 a trampoline program attaches once: after its first link closed, ENOENT. */
function reattachError(err: unknown, what: string): unknown {
  if (err instanceof SyscallError && err.errno === Errno.ENOENT) {
    return new NotSupportedError(`attaching ${what} again after its first link closed (load the program again)`, "5.13", {
      cause: err,
    });
  }
  return err;
}

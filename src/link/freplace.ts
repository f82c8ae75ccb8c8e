/**
 * freplace links: an extension program (`ProgramType.Extension`) takes the place of a global
 * function of another loaded BPF program.
 *
 * @module
 */
import { ArgumentError, NotSupportedError } from "../errors.js";
import { resolveProgramTarget } from "../prog/attach-target.js";
import { linuxVersionCode } from "../prog/kernel-version.js";
import { ProgramType } from "../prog/types.js";
import { Errno, LinkCreateLayouts, linkCreate, rawTracepointOpen, SyscallError } from "../syscall/index.js";
import { RawLink, type ProgramLike } from "./link.js";
import { checkedProgramFd, type AttachableProgram } from "./program-check.js";

/**
 * Options of {@link attachFreplace}.
 *
 * @example
 * ```ts
 * const options: FreplaceOptions = { program: ext, target: xdpProgram, name: "answer" };
 * ```
 */
export interface FreplaceOptions {
  /** A `ProgramType.Extension` program, loaded with an `attachTarget` and `attachTo`. */
  readonly program: AttachableProgram;
  /**
   * The program whose function is replaced; by default the one the extension was loaded
   * against. Another target needs Linux 5.10+ and a function with the same signature.
   */
  readonly target?: ProgramLike;
  /** The global function of `target` to replace; required with `target`. */
  readonly name?: string;
}

/**
 * Replace a global function of a loaded program with an extension program (freplace, Linux
 * 5.6+): calls to the function run the extension until the link is closed. BPF_LINK_CREATE
 * (5.10+), falling back to BPF_RAW_TRACEPOINT_OPEN for the load-time target on older kernels.
 * The target must have been loaded with BTF and the function must not be static.
 *
 * @example
 * ```ts
 * import { attachFreplace } from "ebpf/link";
 * const spec = loadCollectionSpecFromBuffer(bytes);
 * using target = loadAndAssign(spec, { programs: ["freplace_target"] });
 * const ext = { ...spec.programs.new_answer!, attachTarget: target.programs.freplace_target, attachTo: "answer" };
 * using prog = newProgram(ext);
 * using link = attachFreplace({ program: prog });
 * ```
 */
export function attachFreplace(options: FreplaceOptions): RawLink {
  const program = options?.program;
  const what = `freplace link${program?.name ? ` of ${program.name}` : ""}${options?.name ? ` on ${options.name}` : ""}`;
  const progFd = checkedProgramFd(program, [ProgramType.Extension], what);
  const { target, name } = options;
  if ((target === undefined) !== (name === undefined)) throw new ArgumentError(`${what}: target and name go together`);
  if (name !== undefined && (typeof name !== "string" || name === "")) throw new ArgumentError(`${what}: name must be a function name`);
  const targetFd = target === undefined ? 0 : target.fd;
  const targetBtfId = target === undefined ? 0 : resolveProgramTarget(targetFd, name!);
  try {
    const fd = linkCreate(LinkCreateLayouts.tracing, { progFd, targetFd, attachType: 0, flags: 0, targetBtfId, cookie: 0n });
    return new RawLink(fd, what);
  } catch (err) {
    if (!(err instanceof SyscallError) || err.errno !== Errno.EINVAL || linkCreateKnown()) throw err;
    if (target !== undefined) throw new NotSupportedError(`${what}: freplace on a target chosen at attach time`, "5.10", { cause: err });
  }
  return new RawLink(rawTracepointOpen(progFd, undefined), what);
}

/** BPF_LINK_CREATE makes freplace links from 5.10; EINVAL before that means "use the old way". */
function linkCreateKnown(): boolean {
  return linuxVersionCode() >= (5 << 16) + (10 << 8);
}

/**
 * Attach targets in kernel BTF, or in a loaded program's BTF: the BTF id BPF_PROG_LOAD needs for
 * tracing, LSM and extension programs.
 *
 * @module
 */
import { Kind, loadKernelSpec, loadSpecFromBuffer, type Spec } from "../btf/index.js";
import { ArgumentError, NotSupportedError } from "../errors.js";
import { btfBytesById } from "../syscall/index.js";
import { readProgramInfo } from "./info.js";
import { AttachType, ProgramType } from "./types.js";

/**
 * Kernel BTF to find attach targets in: a parsed spec, or a function returning one (called only
 * when a program needs it). The running kernel's BTF by default.
 *
 * @example
 * ```ts
 * import { loadKernelSpec } from "ebpf/btf";
 * const kernelTypes: KernelTypes = () => loadKernelSpec();
 * ```
 */
export type KernelTypes = Spec | (() => Spec);

/** How a program type and attach type name their target in vmlinux BTF (as cilium/ebpf does). */
interface TargetRule {
  readonly prefix: string;
  readonly kind: Kind;
  /** For errors: "fentry", "LSM hook" … */
  readonly what: string;
}

function targetRule(type: number, attachType: number): TargetRule | undefined {
  if (type === ProgramType.LSM && (attachType === AttachType.AttachLSMMac || attachType === AttachType.AttachLSMCgroup)) {
    return { prefix: "bpf_lsm_", kind: Kind.Func, what: "LSM hook" };
  }
  if (type !== ProgramType.Tracing) return undefined;
  switch (attachType) {
    case AttachType.AttachTraceIter:
      return { prefix: "bpf_iter_", kind: Kind.Func, what: "iterator" };
    case AttachType.AttachTraceRawTp:
      return { prefix: "btf_trace_", kind: Kind.Typedef, what: "BTF tracepoint" };
    case AttachType.AttachTraceFEntry:
      return { prefix: "", kind: Kind.Func, what: "fentry" };
    case AttachType.AttachTraceFExit:
      return { prefix: "", kind: Kind.Func, what: "fexit" };
    case AttachType.AttachModifyReturn:
      return { prefix: "", kind: Kind.Func, what: "fmod_ret" };
    default:
      return undefined;
  }
}

/**
 * The vmlinux BTF id of `attachTo` for program types that load against a kernel target
 * (Tracing: fentry, fexit, fmod_ret, tp_btf, iter — Linux 5.5+; LSM — 5.7+), else 0. Throws
 * `NotSupportedError` when the running kernel has no such target, or no BTF (before 5.4).
 *
 * @example
 * ```ts
 * resolveAttachTarget(ProgramType.Tracing, AttachType.AttachTraceRawTp, "sched_switch"); // e.g. 1234
 * ```
 */
export function resolveAttachTarget(
  type: number,
  attachType: number,
  attachTo: string | undefined,
  kernelTypes?: KernelTypes,
): number {
  if (attachTo === undefined || attachTo === "") return 0;
  const rule = targetRule(type, attachType);
  if (rule === undefined) return 0;
  const types = typeof kernelTypes === "function" ? kernelTypes() : (kernelTypes ?? loadKernelSpec());
  const name = rule.prefix + attachTo;
  const id = types.typeIDsByName(name).find((candidate) => types.kindOf(candidate) === rule.kind);
  if (id === undefined) throw new NotSupportedError(`${rule.what} ${attachTo} (no ${name} in kernel BTF)`);
  return id;
}

/**
 * The BTF id of function `name` in the BTF of the loaded program `targetFd`: the target of an
 * extension (freplace, Linux 5.6+) or of fentry/fexit on a BPF program (5.5+). Throws
 * `ArgumentError` when the program was loaded without BTF or has no such function.
 *
 * @example
 * ```ts
 * resolveProgramTarget(xdpProgram.fd, "answer"); // e.g. 3
 * ```
 */
export function resolveProgramTarget(targetFd: number, name: string): number {
  const { btfId, name: progName } = readProgramInfo(targetFd);
  const what = `function ${name} of program ${progName || `fd ${targetFd}`}`;
  if (btfId === 0) throw new ArgumentError(`${what}: the target program was loaded without BTF`);
  const types = loadSpecFromBuffer(btfBytesById(btfId));
  const id = types.typeIDsByName(name).find((candidate) => types.kindOf(candidate) === Kind.Func);
  if (id === undefined) throw new ArgumentError(`${what}: no such function in the program's BTF`);
  return id;
}

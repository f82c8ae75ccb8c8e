/**
 * `haveProgramType`: is a program type available in the running kernel?
 *
 * @module
 */
import { ArgumentError, NotSupportedError } from "../errors.js";
import { AttachType, ProgramType, programTypeName } from "../prog/types.js";
import { VerifierError } from "../prog/verifier-error.js";
import { Errno, type ProgLoadInput } from "../syscall/index.js";
import { FeatureCache } from "./cache.js";
import { probeInstructions, tryLoadProgram } from "./probe.js";

/** `BPF_F_SLEEPABLE`. */
const BPF_F_SLEEPABLE = 1 << 4;

/**
 * How a program type is probed:
 * - `plain`: loads as is (some types with a required expected attach type or flag);
 * - `btfTarget`: tracing, extension and LSM programs load only against a BTF attach target; the
 *   verifier names the missing target ("must provide btf_id") only for a type it knows;
 * - `structOps`: without a struct_ops map, ENOTSUPP proves the type is known.
 */
type ProbeKind = "plain" | "btfTarget" | "structOps";

/**
 * One program type: first kernel and the load attributes its minimal program needs.
 *
 * @example
 * ```ts
 * const probe: ProgramProbe = { version: "4.8", kind: "plain" };
 * ```
 */
export interface ProgramProbe {
  readonly version: string;
  readonly kind: ProbeKind;
  readonly attachType?: number;
  readonly flags?: number;
  readonly license?: string;
}

const plain = (version: string, extra: Omit<ProgramProbe, "version" | "kind"> = {}): ProgramProbe => ({
  version,
  kind: "plain",
  ...extra,
});

/** Program types by number (`enum bpf_prog_type`). */
const programProbes: ReadonlyMap<number, ProgramProbe> = new Map<number, ProgramProbe>([
  [ProgramType.SocketFilter, plain("3.19")],
  [ProgramType.Kprobe, plain("4.1")],
  [ProgramType.SchedCLS, plain("4.1")],
  [ProgramType.SchedACT, plain("4.1")],
  [ProgramType.TracePoint, plain("4.7")],
  [ProgramType.XDP, plain("4.8")],
  [ProgramType.PerfEvent, plain("4.9")],
  [ProgramType.CGroupSKB, plain("4.10")],
  [ProgramType.CGroupSock, plain("4.10")],
  [ProgramType.LWTIn, plain("4.10")],
  [ProgramType.LWTOut, plain("4.10")],
  [ProgramType.LWTXmit, plain("4.10")],
  [ProgramType.SockOps, plain("4.13")],
  [ProgramType.SkSKB, plain("4.14")],
  [ProgramType.CGroupDevice, plain("4.15")],
  [ProgramType.SkMsg, plain("4.17")],
  [ProgramType.RawTracepoint, plain("4.17")],
  [ProgramType.CGroupSockAddr, plain("4.17", { attachType: AttachType.AttachCGroupInet4Connect })],
  [ProgramType.LWTSeg6Local, plain("4.18")],
  [ProgramType.LircMode2, plain("4.18")],
  [ProgramType.SkReuseport, plain("4.19")],
  [ProgramType.FlowDissector, plain("4.20")],
  [ProgramType.CGroupSysctl, plain("5.2")],
  [ProgramType.RawTracepointWritable, plain("5.2")],
  [ProgramType.CGroupSockopt, plain("5.3", { attachType: AttachType.AttachCGroupGetsockopt })],
  // tp_btf rather than fentry: trampoline attach types can be refused (EPERM) before the verifier
  // runs, which would leave the answer unknown.
  [ProgramType.Tracing, { version: "5.5", kind: "btfTarget", attachType: AttachType.AttachTraceRawTp }],
  [ProgramType.StructOps, { version: "5.6", kind: "structOps", license: "GPL" }],
  [ProgramType.Extension, { version: "5.6", kind: "btfTarget" }],
  [ProgramType.LSM, { version: "5.7", kind: "btfTarget", attachType: AttachType.AttachLSMMac, license: "GPL" }],
  [ProgramType.SkLookup, plain("5.9", { attachType: AttachType.AttachSkLookup })],
  [ProgramType.Syscall, plain("5.14", { flags: BPF_F_SLEEPABLE })],
  [ProgramType.Netfilter, plain("6.4", { attachType: AttachType.AttachNetfilter })],
]);

/**
 * The table entry for `type`; throws `ArgumentError` for a type without a probe.
 *
 * @example
 * ```ts
 * programProbe(ProgramType.XDP).version; // "4.8"
 * ```
 */
export function programProbe(type: number, caller: string): ProgramProbe {
  const probe = programProbes.get(type);
  if (probe === undefined) throw new ArgumentError(`${caller}: no feature probe for program type ${String(type)}`);
  return probe;
}

/**
 * The load attributes of a probe program of `type`, minus the instructions.
 *
 * @example
 * ```ts
 * const input = probeLoadInput(ProgramType.XDP, programProbe(ProgramType.XDP, "x"));
 * ```
 */
export function probeLoadInput(type: number, probe: ProgramProbe): Omit<ProgLoadInput, "insns"> {
  return {
    progType: type,
    license: probe.license ?? "",
    expectedAttachType: probe.attachType ?? 0,
    progFlags: probe.flags ?? 0,
  };
}

const cache = new FeatureCache<number>();

/**
 * Check that the running kernel has program type `type` (`ProgramType.*`) by loading a minimal
 * program once; the answer is cached. Returns when it does; throws `NotSupportedError` naming the
 * type and its first kernel when it does not; throws the probe's own error (`PermissionError`, a
 * `VerifierError` with an unexpected log …) when it cannot tell, and `ArgumentError` for a type it
 * has no probe for.
 *
 * @example
 * ```ts
 * import { haveProgramType } from "ebpf/features";
 * import { ProgramType } from "ebpf";
 * haveProgramType(ProgramType.XDP); // returns on Linux 4.8+
 * ```
 */
export function haveProgramType(type: number): void {
  const probe = programProbe(type, "haveProgramType");
  cache.result(type, () => {
    const { error, log } = tryLoadProgram(
      { ...probeLoadInput(type, probe), insns: probeInstructions() },
      probe.kind === "btfTarget",
    );
    if (error === undefined) return;
    if (probe.kind === "structOps" && error.errno === Errno.ENOTSUPP) return;
    if (probe.kind === "btfTarget" && error.errno === Errno.EINVAL && log !== "") {
      if (log.includes("must provide btf_id")) return;
      // The verifier ran, so the type is known, but it objected to something else.
      throw new VerifierError(`${programTypeName(type)}_probe`, error.errno, log);
    }
    // EINVAL: unknown type. E2BIG: attribute fields the kernel does not know are set.
    if (error.errno === Errno.EINVAL || error.errno === Errno.E2BIG) {
      throw new NotSupportedError(`${programTypeName(type)} program type`, probe.version, { cause: error });
    }
    throw error;
  });
}

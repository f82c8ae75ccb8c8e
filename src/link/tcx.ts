/**
 * TCX: BPF programs on an interface's ingress or egress through the multi-program tc hook
 * (Linux 6.6+), as `bpf_link`s ordered by anchors.
 *
 * @module
 */
import { ArgumentError, NotSupportedError } from "../errors.js";
import { linuxVersionCode } from "../prog/kernel-version.js";
import { AttachType, attachTypeName, ProgramType } from "../prog/types.js";
import { Errno, LinkCreateLayouts, linkCreate, SyscallError } from "../syscall/index.js";
import { InterfaceNotFoundError } from "./errors.js";
import { interfaceIndex } from "./interface.js";
import { RawLink, type Link, type ProgramLike } from "./link.js";
import { checkedProgramFd, type AttachableProgram } from "./program-check.js";

const BPF_F_BEFORE = 1 << 3;
const BPF_F_AFTER = 1 << 4;
const BPF_F_LINK = 1 << 13;

/**
 * Where a TCX program goes among those already on the hook: first, last (the default), or next
 * to an attached program or link.
 *
 * @example
 * ```ts
 * const anchor: TCXAnchor = { before: otherLink, kind: "link" };
 * ```
 */
export type TCXAnchor =
  | "head"
  | "tail"
  | { readonly before: ProgramLike | Link; readonly kind: "program" | "link" }
  | { readonly after: ProgramLike | Link; readonly kind: "program" | "link" };

/**
 * Options of {@link attachTCX}.
 *
 * @example
 * ```ts
 * const options: TCXOptions = { program, interface: "eth0", attachType: AttachType.AttachTCXIngress };
 * ```
 */
export interface TCXOptions {
  /** A `ProgramType.SchedCLS` program. */
  readonly program: AttachableProgram;
  /** Interface name or index in the caller's network namespace. */
  readonly interface: string | number;
  /** `AttachType.AttachTCXIngress` or `AttachType.AttachTCXEgress`. */
  readonly attachType: AttachType;
  /** Position among attached programs; default `"tail"`. */
  readonly anchor?: TCXAnchor;
  /** Fail with EESTALE unless the hook's revision is this one (0: any). */
  readonly expectedRevision?: bigint;
}

/**
 * Attach a tc program to an interface through TCX (Linux 6.6+; `NotSupportedError` before).
 * Links are pinnable and updatable; closing one detaches it.
 *
 * @example
 * ```ts
 * import { attachTCX } from "ebpf/link";
 * import { AttachType } from "ebpf";
 * using link = attachTCX({ program: coll.programs.tc_count, interface: "eth0", attachType: AttachType.AttachTCXIngress });
 * ```
 */
export function attachTCX(options: TCXOptions): RawLink {
  const what = `TCX ${options?.attachType === AttachType.AttachTCXEgress ? "egress" : "ingress"} on ${JSON.stringify(options?.interface)}`;
  const progFd = checkedProgramFd(options?.program, [ProgramType.SchedCLS], what);
  const { attachType } = options;
  if (attachType !== AttachType.AttachTCXIngress && attachType !== AttachType.AttachTCXEgress) {
    throw new ArgumentError(`${what}: attach type ${attachTypeName(attachType)} is not AttachTCXIngress or AttachTCXEgress`);
  }
  const { flags, relativeFd } = anchorFlags(options.anchor ?? "tail", what);
  const ifindex = interfaceIndex(options.interface);
  try {
    const fd = linkCreate(LinkCreateLayouts.tcx, {
      progFd,
      targetFd: ifindex,
      attachType,
      flags,
      relativeFd,
      expectedRevision: options.expectedRevision ?? 0n,
    });
    return new RawLink(fd, what);
  } catch (err) {
    if (err instanceof SyscallError) {
      if (err.errno === Errno.ENODEV) throw new InterfaceNotFoundError(options.interface, { cause: err });
      if (err.errno === Errno.EINVAL && !tcxKnown()) throw new NotSupportedError("TCX", "6.6", { cause: err });
    }
    throw err;
  }
}

/**
 * The BPF_F_BEFORE / BPF_F_AFTER (| BPF_F_LINK) flags and relative fd of an anchor; netkit
 * anchors work the same way.
 *
 * @example
 * ```ts
 * anchorFlags("head", "TCX ingress on \"eth0\""); // { flags: BPF_F_BEFORE, relativeFd: 0 }
 * ```
 */
export function anchorFlags(anchor: TCXAnchor, what: string): { flags: number; relativeFd: number } {
  if (anchor === "head") return { flags: BPF_F_BEFORE, relativeFd: 0 };
  if (anchor === "tail") return { flags: BPF_F_AFTER, relativeFd: 0 };
  if (anchor !== null && typeof anchor === "object" && (anchor.kind === "program" || anchor.kind === "link")) {
    const target = "before" in anchor ? anchor.before : "after" in anchor ? anchor.after : undefined;
    if (target !== undefined) {
      const side = "before" in anchor ? BPF_F_BEFORE : BPF_F_AFTER;
      return { flags: side | (anchor.kind === "link" ? BPF_F_LINK : 0), relativeFd: target.fd };
    }
  }
  throw new ArgumentError(`${what}: anchor must be "head", "tail" or { before | after, kind }`);
}

/** Whether the running kernel is 6.6 or newer, for telling "no TCX" from other EINVALs. */
function tcxKnown(): boolean {
  return linuxVersionCode() >= (6 << 16) + (6 << 8);
}

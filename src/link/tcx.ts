/**
 * TCX: BPF programs on an interface's ingress or egress through the multi-program tc hook
 * (Linux 6.6+), as `bpf_link`s ordered by anchors.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { linuxVersionCode } from "../prog/kernel-version.js";
import { AttachType, attachTypeName, ProgramType } from "../prog/types.js";
import { createAnchoredLink, type Anchor } from "./anchored.js";
import type { RawLink } from "./link.js";
import { checkedProgramFd, type AttachableProgram } from "./program-check.js";

/**
 * Where a TCX program goes among those already on the hook: first, last (the default), or next
 * to an attached program or link.
 *
 * @example
 * ```ts
 * const anchor: TCXAnchor = { before: otherLink, kind: "link" };
 * ```
 */
export type TCXAnchor = Anchor;


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
  return createAnchoredLink({ ...options, progFd, what, feature: ["TCX", "6.6"], known: tcxKnown });
}

/** Whether the running kernel is 6.6 or newer, for telling "no TCX" from other EINVALs. */
function tcxKnown(): boolean {
  return linuxVersionCode() >= (6 << 16) + (6 << 8);
}

/**
 * netkit: BPF programs of a netkit device pair (Linux 6.7+), on the primary device or on its
 * peer, as `bpf_link`s ordered by anchors like TCX.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { linuxVersionCode } from "../prog/kernel-version.js";
import { AttachType, ProgramType } from "../prog/types.js";
import { createAnchoredLink } from "./anchored.js";
import type { RawLink } from "./link.js";
import { checkedProgramFd, type AttachableProgram } from "./program-check.js";
import type { TCXAnchor } from "./tcx.js";

/**
 * Options of {@link attachNetkit}.
 *
 * @example
 * ```ts
 * const options: NetkitOptions = { program, interface: "nk0", attach: "peer" };
 * ```
 */
export interface NetkitOptions {
  /** A `ProgramType.SchedCLS` program. */
  readonly program: AttachableProgram;
  /** The primary netkit device (name or index in the caller's network namespace). */
  readonly interface: string | number;
  /**
   * `"primary"`: packets the primary device sends (towards the peer); `"peer"`: packets the peer
   * sends, e.g. from the container the peer lives in.
   */
  readonly attach: "primary" | "peer";
  /** Position among attached programs, as for TCX; default `"tail"`. */
  readonly anchor?: TCXAnchor;
  /** Fail with ESTALE unless the hook's revision is this one (0: any). */
  readonly expectedRevision?: bigint;
}

/**
 * Attach a program to a netkit device (Linux 6.7+; `NotSupportedError` before; EINVAL for a
 * device that is not a netkit primary). The program returns `-1` (next), `0` (pass), `2` (drop) or
 * `7` (redirect). Links are pinnable and updatable; closing one detaches it.
 *
 * @example
 * ```ts
 * import { attachNetkit } from "ebpf/link";
 * using link = attachNetkit({ program: coll.programs.netkit_peer_count, interface: "nk0", attach: "peer" });
 * ```
 */
export function attachNetkit(options: NetkitOptions): RawLink {
  const what = `netkit ${options?.attach} on ${JSON.stringify(options?.interface)}`;
  const progFd = checkedProgramFd(options?.program, [ProgramType.SchedCLS], what);
  if (options.attach !== "primary" && options.attach !== "peer") throw new ArgumentError(`${what}: attach must be "primary" or "peer"`);
  const attachType = options.attach === "primary" ? AttachType.AttachNetkitPrimary : AttachType.AttachNetkitPeer;
  // Before 6.7 the kernel does not know the attach type.
  return createAnchoredLink({ ...options, progFd, attachType, what, feature: ["netkit", "6.7"], known: netkitKnown });
}

/** Whether the running kernel is 6.7 or newer, for telling "no netkit" from other EINVALs. */
function netkitKnown(): boolean {
  return linuxVersionCode() >= (6 << 16) + (7 << 8);
}

/**
 * Links of the multi-program interface hooks, TCX (6.6) and netkit (6.7): BPF_LINK_CREATE on an
 * interface, ordered by an anchor, with the same errors for both.
 *
 * @module
 */
import { ArgumentError, NotSupportedError } from "../errors.js";
import type { AttachType } from "../prog/types.js";
import { Errno, LinkCreateLayouts, linkCreate, SyscallError } from "../syscall/index.js";
import { InterfaceNotFoundError } from "./errors.js";
import { interfaceIndex } from "./interface.js";
import { RawLink, type Link, type ProgramLike } from "./link.js";

const BPF_F_BEFORE = 1 << 3;
const BPF_F_AFTER = 1 << 4;
const BPF_F_LINK = 1 << 13;

/**
 * Where a program goes among those already on a TCX or netkit hook: first, last (the default),
 * or next to an attached program or link.
 *
 * @example
 * ```ts
 * const anchor: Anchor = { before: otherLink, kind: "link" };
 * ```
 */
export type Anchor =
  | "head"
  | "tail"
  | { readonly before: ProgramLike | Link; readonly kind: "program" | "link" }
  | { readonly after: ProgramLike | Link; readonly kind: "program" | "link" };

/**
 * The BPF_F_BEFORE / BPF_F_AFTER (| BPF_F_LINK) flags and relative fd of an anchor.
 *
 * @example
 * ```ts
 * anchorFlags("head", "TCX ingress on \"eth0\""); // { flags: BPF_F_BEFORE, relativeFd: 0 }
 * ```
 */
export function anchorFlags(anchor: Anchor, what: string): { flags: number; relativeFd: number } {
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

/**
 * What {@link createAnchoredLink} needs: the checked program fd, the hook, and how to tell a
 * kernel without the hook (`known` false) from other EINVALs.
 *
 * @example
 * ```ts
 * const req: AnchoredLinkRequest = { progFd, interface: "eth0", attachType, what: "TCX ingress", feature: ["TCX", "6.6"], known: () => true };
 * ```
 */
export interface AnchoredLinkRequest {
  readonly progFd: number;
  readonly interface: string | number;
  readonly attachType: AttachType;
  readonly anchor?: Anchor;
  readonly expectedRevision?: bigint;
  /** Names the link in errors. */
  readonly what: string;
  /** The feature and its first kernel, for `NotSupportedError`. */
  readonly feature: readonly [string, string];
  readonly known: () => boolean;
}

/**
 * Create the link: `InterfaceNotFoundError` for a missing interface, `NotSupportedError` when the
 * kernel lacks the hook.
 *
 * @example
 * ```ts
 * using link = createAnchoredLink({ progFd, interface: "eth0", attachType: AttachType.AttachTCXIngress, what: "TCX ingress", feature: ["TCX", "6.6"], known: () => true });
 * ```
 */
export function createAnchoredLink(req: AnchoredLinkRequest): RawLink {
  const { flags, relativeFd } = anchorFlags(req.anchor ?? "tail", req.what);
  const ifindex = interfaceIndex(req.interface);
  try {
    const fd = linkCreate(LinkCreateLayouts.tcx, {
      progFd: req.progFd,
      targetFd: ifindex,
      attachType: req.attachType,
      flags,
      relativeFd,
      expectedRevision: req.expectedRevision ?? 0n,
    });
    return new RawLink(fd, req.what);
  } catch (err) {
    if (err instanceof SyscallError) {
      if (err.errno === Errno.ENODEV) throw new InterfaceNotFoundError(req.interface, { cause: err });
      if (err.errno === Errno.EINVAL && !req.known()) throw new NotSupportedError(req.feature[0], req.feature[1], { cause: err });
    }
    throw err;
  }
}

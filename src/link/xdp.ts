/**
 * XDP: a `bpf_link` on an interface (Linux 5.9+), or the netlink attachment before that.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { AttachType, ProgramType } from "../prog/types.js";
import { Errno, LinkCreateLayouts, linkCreate, SyscallError } from "../syscall/index.js";
import { AlreadyAttachedError, InterfaceNotFoundError } from "./errors.js";
import { interfaceIndex } from "./interface.js";
import { RawLink, type Link } from "./link.js";
import { attachXDPNetlink } from "./netlink-xdp.js";
import { checkedProgramFd, type AttachableProgram } from "./program-check.js";

/**
 * XDP attach flags (`XDP_FLAGS_*`): at most one mode, plus `Replace` for the netlink path.
 *
 * @example
 * ```ts
 * attachXDP({ program, interface: "eth0", flags: XDPFlags.Generic });
 * ```
 */
export const XDPFlags = {
  /** `XDP_FLAGS_SKB_MODE`: generic XDP in the network stack, any driver (4.12+). */
  Generic: 1 << 1,
  /** `XDP_FLAGS_DRV_MODE`: in the driver, which must support XDP (4.12+). */
  Driver: 1 << 2,
  /** `XDP_FLAGS_HW_MODE`: offloaded to the NIC (4.12+). */
  Offload: 1 << 3,
  /** `XDP_FLAGS_REPLACE`: replace an attached program (netlink path; links never replace). */
  Replace: 1 << 4,
} as const;

const modeMask = XDPFlags.Generic | XDPFlags.Driver | XDPFlags.Offload;

/**
 * Options of {@link attachXDP}.
 *
 * @example
 * ```ts
 * const options: XDPOptions = { program, interface: "veth0", flags: XDPFlags.Generic };
 * ```
 */
export interface XDPOptions {
  /** A `ProgramType.XDP` program. */
  readonly program: AttachableProgram;
  /** Interface name or index in the caller's network namespace. */
  readonly interface: string | number;
  /** {@link XDPFlags} bits; default: the driver's mode if it has one, else generic. */
  readonly flags?: number;
  /**
   * `"link"` (5.9+), `"netlink"` (4.8+), or `"auto"` (default): a link where the kernel has XDP
   * links, netlink otherwise. `Replace` in `flags` implies netlink.
   */
  readonly mode?: "auto" | "link" | "netlink";
}

/** Whether BPF_LINK_CREATE knows BPF_XDP; undefined until the first attach finds out. */
let xdpLinks: boolean | undefined;

/**
 * Attach an XDP program to a network interface. Through a `bpf_link` (Linux 5.9+: pinnable,
 * updatable, detached when closed) or, on older kernels or with `mode: "netlink"`, through
 * rtnetlink `IFLA_XDP` (4.8+). Throws `InterfaceNotFoundError` for a missing interface and
 * `AlreadyAttachedError` when a program is already attached.
 *
 * @example
 * ```ts
 * import { attachXDP, XDPFlags } from "ebpf/link";
 * using link = attachXDP({ program: coll.programs.xdp_count, interface: "eth0", flags: XDPFlags.Generic });
 * link.update(coll.programs.xdp_drop);
 * ```
 */
export function attachXDP(options: XDPOptions): Link {
  const what = `XDP on ${JSON.stringify(options?.interface)}`;
  const progFd = checkedProgramFd(options?.program, [ProgramType.XDP], what);
  const flags = options.flags ?? 0;
  if (!Number.isInteger(flags) || (flags & ~(modeMask | XDPFlags.Replace)) !== 0) {
    throw new ArgumentError(`${what}: unknown flags 0x${Number(flags).toString(16)}`);
  }
  const mode = flags & modeMask;
  if ((mode & (mode - 1)) !== 0) throw new ArgumentError(`${what}: flags name more than one mode`);
  const replace = (flags & XDPFlags.Replace) !== 0;
  const how = options.mode ?? "auto";
  if (how !== "auto" && how !== "link" && how !== "netlink") throw new ArgumentError(`${what}: unknown mode ${String(how)}`);
  if (replace && how === "link") throw new ArgumentError(`${what}: XDP links cannot replace a program; use mode "netlink"`);
  const ifindex = interfaceIndex(options.interface);

  if (how === "link" || (how === "auto" && !replace && xdpLinks !== false)) {
    try {
      const fd = linkCreate(LinkCreateLayouts.basic, {
        progFd,
        targetFd: ifindex,
        attachType: AttachType.AttachXDP,
        flags: mode,
        targetBtfId: 0,
      });
      xdpLinks = true;
      return new RawLink(fd, what);
    } catch (err) {
      // Before 5.9 BPF_LINK_CREATE does not know BPF_XDP and answers EINVAL.
      if (!(how === "auto" && xdpLinks === undefined && err instanceof SyscallError && err.errno === Errno.EINVAL)) {
        throw mapError(err, what, options.interface);
      }
      xdpLinks = false;
    }
  }
  try {
    return attachXDPNetlink(ifindex, progFd, mode, what, replace);
  } catch (err) {
    throw mapError(err, what, options.interface);
  }
}

function mapError(err: unknown, what: string, iface: string | number): unknown {
  if (!(err instanceof SyscallError)) return err;
  if (err.errno === Errno.EBUSY || err.errno === Errno.EEXIST) return new AlreadyAttachedError(what, { cause: err });
  if (err.errno === Errno.ENODEV) return new InterfaceNotFoundError(iface, { cause: err });
  return err;
}

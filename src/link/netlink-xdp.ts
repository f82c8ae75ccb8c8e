/**
 * XDP attached by rtnetlink (`RTM_SETLINK` / `IFLA_XDP`, Linux 4.8+): the only way before XDP
 * links (5.9). The attachment belongs to the interface, not to an fd, so the link object removes
 * it on close.
 *
 * @module
 */
import { ClosedError, NotSupportedError } from "../errors.js";
import { dupFD } from "../syscall/dup.js";
import { Errno, FD, netlinkSetXDP, SyscallError } from "../syscall/index.js";
import type { Link, LinkInfo, ProgramLike } from "./link.js";

/** `XDP_FLAGS_UPDATE_IF_NOEXIST`: fail instead of replacing an attached program. */
const XDP_FLAGS_UPDATE_IF_NOEXIST = 1;

/**
 * An XDP program attached by netlink. `close()` and `detach()` remove it (only if it is still
 * the attached one, 5.7+; unconditionally before); `update()` swaps it; it cannot be pinned or
 * queried.
 *
 * @example
 * ```ts
 * import { attachXDP } from "ebpf/link";
 * using link = attachXDP({ program, interface: "eth0", mode: "netlink" });
 * ```
 */
export class NetlinkXDPLink implements Link {
  /** A duplicate of the attached program's fd, so replace/remove can name it. */
  #program: FD | undefined;

  constructor(
    readonly ifindex: number,
    program: FD,
    readonly modeFlags: number,
    readonly what: string,
  ) {
    this.#program = program;
  }

  get fd(): number {
    return this.#live().raw;
  }

  close(): void {
    if (this.#program === undefined) return;
    const prog = this.#program;
    this.#program = undefined;
    try {
      this.#set(-1, prog.raw);
    } catch (err) {
      // EEXIST: our program is no longer the attached one (replaced by someone else): nothing to remove.
      if (!(err instanceof SyscallError && err.errno === Errno.EEXIST)) throw err;
    } finally {
      prog.close();
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  pin(_path: string): void {
    throw new NotSupportedError(`pinning ${this.what} (attached by netlink, not a bpf_link)`, "5.9");
  }

  /** Nothing to do: a netlink attachment is never pinned. */
  unpin(): void {}

  update(program: ProgramLike): void {
    const current = this.#live();
    const next = new FD(dupFD(program.fd), this.what);
    try {
      this.#set(next.raw, current.raw);
    } catch (err) {
      next.close();
      throw err;
    }
    current.close();
    this.#program = next;
  }

  detach(): void {
    this.close();
  }

  info(): LinkInfo {
    throw new NotSupportedError(`link info of ${this.what} (attached by netlink, not a bpf_link)`, "5.9");
  }

  /** Set `progFd` if `expectedFd` is attached; kernels before 5.7 lack that check (EINVAL). */
  #set(progFd: number, expectedFd: number): void {
    try {
      netlinkSetXDP(this.ifindex, progFd, this.modeFlags, expectedFd);
    } catch (err) {
      if (!(err instanceof SyscallError && err.errno === Errno.EINVAL)) throw err;
      netlinkSetXDP(this.ifindex, progFd, this.modeFlags);
    }
  }

  #live(): FD {
    if (this.#program === undefined) throw new ClosedError(this.what);
    return this.#program;
  }
}

/**
 * Attach by netlink, failing if a program is already there.
 *
 * @example
 * ```ts
 * const link = attachXDPNetlink(ifindex, prog.fd, 2, "XDP on veth0");
 * ```
 */
export function attachXDPNetlink(ifindex: number, progFd: number, modeFlags: number, what: string, replace: boolean): NetlinkXDPLink {
  const own = new FD(dupFD(progFd), what);
  try {
    netlinkSetXDP(ifindex, own.raw, replace ? modeFlags : modeFlags | XDP_FLAGS_UPDATE_IF_NOEXIST);
  } catch (err) {
    own.close();
    throw err;
  }
  return new NetlinkXDPLink(ifindex, own, modeFlags, what);
}

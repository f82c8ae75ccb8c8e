/**
 * Attaching a program to a perf event (a kprobe, uprobe or tracepoint opened with
 * `perf_event_open`): a `bpf_link` of type BPF_PERF_EVENT where the kernel has it (5.15+), the
 * PERF_EVENT_IOC_SET_BPF ioctl otherwise (4.1+).
 *
 * @module
 */
import { NotSupportedError } from "../errors.js";
import { AttachType } from "../prog/types.js";
import { Errno, FD, LinkCreateLayouts, linkCreate, SyscallError } from "../syscall/index.js";
import { perfEventIoctl, PerfIoctl } from "../syscall/perf-event.js";
import { RawLink, type Link, type LinkInfo, type ProgramLike } from "./link.js";

/** `PERF_EVENT_IOC_SET_BPF`, `_IOW('$', 8, __u32)` (4.1+). */
const PERF_EVENT_IOC_SET_BPF = 0x40042408;

/**
 * Set once BPF_LINK_CREATE has made a perf event link: from then on its errors are real and not
 * a reason to fall back. A refusal is not cached, because EINVAL can also mean a bad argument.
 */
let perfLinkWorks = false;

/**
 * Attach `progFd` to the perf event `perfEventFd` and return the {@link Link} that owns both.
 *
 * Uses BPF_LINK_CREATE with attach type BPF_PERF_EVENT (Linux 5.15+), which gives a real
 * `bpf_link` (pinnable, with `info()`), and falls back to PERF_EVENT_IOC_SET_BPF +
 * PERF_EVENT_IOC_ENABLE (Linux 4.1+) when the kernel refuses the link. The ioctl flavour cannot
 * be pinned, updated, detached or queried (those throw {@link NotSupportedError}) and cannot carry
 * a BPF cookie.
 *
 * Ownership: from this call on the perf event fd belongs to the result, and is closed on failure
 * too. `onClose` runs after the fds are closed (for example to remove a tracefs probe event) and
 * also when attaching fails.
 *
 * @param progFd the program's fd (a kprobe/uprobe, tracepoint or perf event program)
 * @param perfEventFd a perf event fd from `perf_event_open`
 * @param cookie the BPF cookie `bpf_get_attach_cookie()` returns (needs 5.15+), `0n` for none
 * @param what what is attached, for messages ("uprobe /usr/lib/libc.so.6:getaddrinfo")
 * @param onClose cleanup after the link's fds are closed
 *
 * @example
 * ```ts
 * import { attachPerfEvent } from "ebpf/link";
 * const eventFd = perfEventOpen({ type: uprobePmuType, config1: pathAddr, config2: offset }, -1, 0);
 * using link = attachPerfEvent(prog.fd, eventFd, 0n, "uprobe /bin/bash:readline");
 * ```
 */
export function attachPerfEvent(
  progFd: number,
  perfEventFd: number,
  cookie: bigint,
  what: string,
  onClose?: () => void,
): Link {
  return owning(perfEventFd, what, onClose, (event) => {
    try {
      const linkFd = linkCreate(LinkCreateLayouts.perfEvent, {
        progFd,
        targetFd: event.raw,
        attachType: AttachType.AttachPerfEvent,
        flags: 0,
        bpfCookie: cookie,
      });
      perfLinkWorks = true;
      return new PerfEventLink(linkFd, event, what, onClose);
    } catch (err) {
      if (perfLinkWorks || !isLinkRefusal(err)) throw err;
    }
    return attachWithIoctl(progFd, event, cookie, what, onClose);
  });
}

/** Own `perfEventFd` while `attach` runs: on failure close it and run `onClose`. */
function owning(
  perfEventFd: number,
  what: string,
  onClose: (() => void) | undefined,
  attach: (event: FD) => Link,
): Link {
  let event: FD;
  try {
    event = new FD(perfEventFd, `perf event of ${what}`);
  } catch (err) {
    onClose?.();
    throw err;
  }
  try {
    return attach(event);
  } catch (err) {
    event.close();
    onClose?.();
    throw err;
  }
}

/** An old kernel's answer to BPF_LINK_CREATE for BPF_PERF_EVENT. */
function isLinkRefusal(err: unknown): boolean {
  return (
    err instanceof SyscallError &&
    (err.errno === Errno.EINVAL || err.errno === Errno.EBADF || err.errno === Errno.EOPNOTSUPP)
  );
}

/**
 * Attach with PERF_EVENT_IOC_SET_BPF + PERF_EVENT_IOC_ENABLE only (Linux 4.1+), the way
 * {@link attachPerfEvent} does on kernels without perf event links. Same ownership rules; the
 * result cannot be pinned, updated, detached or queried, and `cookie` must be `0n`.
 *
 * @throws {NotSupportedError} for a non-zero cookie (cookies need a perf event link, 5.15+).
 * @example
 * ```ts
 * using link = attachPerfEventIoctl(prog.fd, eventFd, 0n, "uprobe /bin/bash:readline");
 * ```
 */
export function attachPerfEventIoctl(
  progFd: number,
  perfEventFd: number,
  cookie: bigint,
  what: string,
  onClose?: () => void,
): Link {
  return owning(perfEventFd, what, onClose, (event) => attachWithIoctl(progFd, event, cookie, what, onClose));
}

function attachWithIoctl(
  progFd: number,
  event: FD,
  cookie: bigint,
  what: string,
  onClose: (() => void) | undefined,
): Link {
  if (cookie !== 0n) throw new NotSupportedError(`BPF cookie on ${what} without a perf event link`, "5.15");
  perfEventIoctl(event.raw, PERF_EVENT_IOC_SET_BPF, progFd);
  perfEventIoctl(event.raw, PerfIoctl.ENABLE, 0);
  return new PerfEventIoctlLink(event, what, onClose);
}

/** A BPF_PERF_EVENT `bpf_link` that also owns the perf event underneath it. */
class PerfEventLink extends RawLink {
  readonly #event: FD;
  readonly #onClose: (() => void) | undefined;

  constructor(linkFd: number, event: FD, what: string, onClose: (() => void) | undefined) {
    super(linkFd, what);
    this.#event = event;
    this.#onClose = onClose;
  }

  /** The kernel cannot swap the program of a perf event link (BPF_LINK_UPDATE says EINVAL). */
  override update(_program: ProgramLike): void {
    throw new NotSupportedError(`updating ${this.what} (perf event links cannot change program)`);
  }

  override close(): void {
    if (this.#event.closed) return;
    try {
      super.close();
    } finally {
      this.#event.close();
      this.#onClose?.();
    }
  }
}

/** A program attached with PERF_EVENT_IOC_SET_BPF: closing the perf event detaches it. */
class PerfEventIoctlLink implements Link {
  readonly #event: FD;
  readonly #onClose: (() => void) | undefined;

  constructor(
    event: FD,
    readonly what: string,
    onClose: (() => void) | undefined,
  ) {
    this.#event = event;
    this.#onClose = onClose;
  }

  get fd(): number {
    return this.#event.raw;
  }

  close(): void {
    if (this.#event.closed) return;
    try {
      this.#event.close();
    } finally {
      this.#onClose?.();
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  pin(_path: string): void {
    throw new NotSupportedError(`pinning ${this.what} (attached with PERF_EVENT_IOC_SET_BPF)`, "5.15");
  }

  /** Nothing to do: this flavour is never pinned. */
  unpin(): void {}

  update(_program: ProgramLike): void {
    throw new NotSupportedError(`updating ${this.what} (attached with PERF_EVENT_IOC_SET_BPF)`);
  }

  detach(): void {
    throw new NotSupportedError(`detaching ${this.what} (attached with PERF_EVENT_IOC_SET_BPF)`, "5.15");
  }

  info(): LinkInfo {
    throw new NotSupportedError(`link info of ${this.what} (attached with PERF_EVENT_IOC_SET_BPF)`, "5.15");
  }
}

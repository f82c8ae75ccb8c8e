/**
 * The common shape of every attachment: a {@link Link} owns what keeps a program attached, and
 * closing it detaches the program.
 *
 * @module
 */
import { rmSync } from "node:fs";
import { ArgumentError, ClosedError } from "../errors.js";
import { closeRaw, FD, linkDetach, linkUpdate, objGet, objGetInfoByFd, objPin, SyscallError } from "../syscall/index.js";
import { LinkInfo as LinkInfoLayout } from "../syscall/attr.js";
import { NotSupportedError } from "../errors.js";

/** `enum bpf_link_type`. */
export const LinkType = {
  Unspec: 0,
  RawTracepoint: 1,
  Tracing: 2,
  Cgroup: 3,
  Iter: 4,
  NetNs: 5,
  XDP: 6,
  PerfEvent: 7,
  KprobeMulti: 8,
  StructOps: 9,
  Netfilter: 10,
  TCX: 11,
  UprobeMulti: 12,
  Netkit: 13,
  Sockmap: 14,
} as const;

/** A `bpf_link_type` number. */
export type LinkType = (typeof LinkType)[keyof typeof LinkType];

/** What the kernel says about a link (`BPF_OBJ_GET_INFO_BY_FD`, 5.8+). */
export interface LinkInfo {
  readonly type: number;
  readonly id: number;
  readonly programId: number;
  /** The type-specific part of `struct bpf_link_info`, raw. */
  readonly extra: Uint8Array;
}

/** A program that can replace the attached one: anything with an fd. */
export interface ProgramLike {
  readonly fd: number;
}

/**
 * An attached program. `close()` (or `using`) detaches it unless the link is pinned.
 *
 * @example
 * ```ts
 * import { rawTracepoint } from "ebpf/link";
 * using link = rawTracepoint({ name: "sched_switch", program: prog });
 * console.log(link.info().id);
 * ```
 */
export interface Link {
  /** The link's fd (a bpf_link, or a perf event for links made with PERF_EVENT_IOC_SET_BPF). */
  readonly fd: number;
  /** Detach (unless pinned) and release the link. */
  close(): void;
  [Symbol.dispose](): void;
  /** Pin the link in a bpffs so it outlives this process (bpf_link, 5.7+). */
  pin(path: string): void;
  /** Remove the pin. */
  unpin(): void;
  /** Swap the attached program for `program` atomically, where the link type allows it (5.7+). */
  update(program: ProgramLike): void;
  /** Detach the program while keeping the link object (5.9+). */
  detach(): void;
  /** The kernel's view of the link. */
  info(): LinkInfo;
}

/**
 * A link backed by a kernel `bpf_link` (BPF_LINK_CREATE or BPF_RAW_TRACEPOINT_OPEN).
 *
 * @example
 * ```ts
 * import { loadPinnedLink } from "ebpf/link";
 * using link = loadPinnedLink("/sys/fs/bpf/my_link");
 * ```
 */
export class RawLink implements Link {
  readonly #fd: FD;
  #pinnedPath: string | undefined;

  constructor(fd: number, readonly what: string, pinnedPath?: string) {
    this.#fd = new FD(fd, what);
    this.#pinnedPath = pinnedPath;
  }

  get fd(): number {
    return this.#fd.raw;
  }

  /** Where the link is pinned, if it is. */
  get pinnedPath(): string | undefined {
    return this.#pinnedPath;
  }

  close(): void {
    this.#fd.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  pin(path: string): void {
    objPin(this.fd, path);
    this.#pinnedPath = path;
  }

  unpin(): void {
    if (this.#pinnedPath === undefined) return;
    rmSync(this.#pinnedPath, { force: true });
    this.#pinnedPath = undefined;
  }

  update(program: ProgramLike): void {
    try {
      linkUpdate(this.fd, program.fd);
    } catch (err) {
      if (err instanceof SyscallError && (err.code === "EOPNOTSUPP" || err.code === "ENOTSUPP")) {
        throw new NotSupportedError(`updating a ${this.what}`, undefined, { cause: err });
      }
      throw err;
    }
  }

  detach(): void {
    linkDetach(this.fd);
  }

  info(): LinkInfo {
    return readLinkInfo(this.fd);
  }
}

/**
 * Read `struct bpf_link_info` for a link fd (5.8+).
 *
 * @example
 * ```ts
 * const { type, id, programId } = readLinkInfo(link.fd);
 * ```
 */
export function readLinkInfo(fd: number): LinkInfo {
  const buf = new Uint8Array(new ArrayBuffer(LinkInfoLayout.size));
  objGetInfoByFd(fd, buf);
  const view = new DataView(buf.buffer);
  return {
    type: LinkInfoLayout.get(view, "type"),
    id: LinkInfoLayout.get(view, "id"),
    programId: LinkInfoLayout.get(view, "progId"),
    extra: buf.slice(LinkInfoLayout.offsets.detail),
  };
}

/**
 * Open a link pinned in a bpffs (5.7+).
 *
 * @example
 * ```ts
 * import { loadPinnedLink } from "ebpf/link";
 * using link = loadPinnedLink("/sys/fs/bpf/my_link");
 * link.unpin();
 * ```
 */
export function loadPinnedLink(path: string): RawLink {
  const fd = objGet(path);
  try {
    const info = readLinkInfo(fd);
    if (info.type === LinkType.Unspec) throw new ArgumentError(`${path} is not a pinned link`);
    return new RawLink(fd, `link ${path}`, path);
  } catch (err) {
    closeRaw(fd);
    if (err instanceof SyscallError && err.code === "EINVAL") {
      throw new ArgumentError(`${path} is not a pinned link`, { cause: err });
    }
    throw err;
  }
}

/** Throw {@link ClosedError} when a program passed to an attach call was closed. */
export function programFd(program: ProgramLike, what: string): number {
  try {
    return program.fd;
  } catch (err) {
    if (err instanceof ClosedError) throw new ClosedError(`${what}: program`);
    throw err;
  }
}

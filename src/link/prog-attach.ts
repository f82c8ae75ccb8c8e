/**
 * Attachments made with BPF_PROG_ATTACH: owned by the target, not by an fd, so the link object
 * keeps duplicates of the target and program fds and detaches on close.
 *
 * @module
 */
import { NotSupportedError } from "../errors.js";
import { dupFD } from "../syscall/dup.js";
import { FD } from "../syscall/index.js";
import type { Link, LinkInfo, ProgramLike } from "./link.js";

/**
 * The kernel calls a {@link ProgAttachLink} needs, with raw fds.
 *
 * @example
 * ```ts
 * const ops: ProgAttachOps = { detach: (t, p) => progDetach({ ...attr, targetFd: t, attachBpfFd: p }), replace };
 * ```
 */
export interface ProgAttachOps {
  readonly detach: (targetFd: number, progFd: number) => void;
  readonly replace: (targetFd: number, newProgFd: number, oldProgFd: number) => void;
}

/**
 * A program attached with BPF_PROG_ATTACH (4.10+). `close()` detaches it; `update()` uses
 * BPF_F_REPLACE (5.6+); it cannot be pinned or queried.
 *
 * @example
 * ```ts
 * using link = attachCgroup({ path, attachType, program, mode: "attach" });
 * link.update(other);
 * ```
 */
export class ProgAttachLink implements Link {
  #program: FD;

  constructor(
    readonly target: FD,
    program: FD,
    readonly what: string,
    readonly ops: ProgAttachOps,
  ) {
    this.#program = program;
  }

  get fd(): number {
    return this.#program.raw;
  }

  close(): void {
    if (this.target.closed) return;
    try {
      this.ops.detach(this.target.raw, this.#program.raw);
    } finally {
      this.#program.close();
      this.target.close();
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  pin(_path: string): void {
    throw new NotSupportedError(`pinning ${this.what} (BPF_PROG_ATTACH, not a bpf_link)`, "5.7");
  }

  /** Nothing to do: never pinned. */
  unpin(): void {}

  update(program: ProgramLike): void {
    const next = new FD(dupFD(program.fd), this.what);
    try {
      this.ops.replace(this.target.raw, next.raw, this.#program.raw);
    } catch (err) {
      next.close();
      throw err;
    }
    this.#program.close();
    this.#program = next;
  }

  detach(): void {
    this.close();
  }

  info(): LinkInfo {
    throw new NotSupportedError(`link info of ${this.what} (BPF_PROG_ATTACH, not a bpf_link)`, "5.7");
  }
}

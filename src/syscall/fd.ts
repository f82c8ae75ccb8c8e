/**
 * File descriptors owned by JavaScript objects: closed explicitly, by `using`, or — as a last
 * resort — when the owner is garbage collected.
 *
 * @module
 */
import { ClosedError } from "../errors.js";
import { SyscallError } from "./error.js";
import { lastErrno, libcClose } from "./libc.js";

const leaked = new FinalizationRegistry<number>((raw) => {
  libcClose(raw);
});

/**
 * An owned file descriptor.
 *
 * @example
 * ```ts
 * import { FD } from "ebpf";
 * const fd = new FD(rawFd, "map counts");
 * fd.close();
 * ```
 */
export class FD {
  #raw: number;

  constructor(
    raw: number,
    /** What the fd is, for error messages ("map counts"). */
    readonly what: string,
  ) {
    if (!Number.isInteger(raw) || raw < 0) throw new RangeError(`${what}: invalid fd ${raw}`);
    this.#raw = raw;
    leaked.register(this, raw, this);
  }

  /** The descriptor number; throws {@link ClosedError} after `close()`. */
  get raw(): number {
    if (this.#raw < 0) throw new ClosedError(this.what);
    return this.#raw;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#raw < 0;
  }

  /** Close the descriptor. Closing twice is a no-op. */
  close(): void {
    const raw = this.#raw;
    if (raw < 0) return;
    this.#raw = -1;
    leaked.unregister(this);
    if (libcClose(raw) < 0) throw new SyscallError("close", lastErrno());
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Close a raw descriptor that no object owns yet (error paths). */
export function closeRaw(raw: number): void {
  if (raw >= 0) libcClose(raw);
}

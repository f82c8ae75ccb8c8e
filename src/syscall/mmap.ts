/**
 * Shared memory mappings of kernel objects (ring buffer maps, perf event rings): `mmap`, `munmap`
 * and the page size, with the mapping owned by an object that unmaps it exactly once.
 *
 * @module
 */
import { ClosedError } from "../errors.js";
import { SyscallError } from "./error.js";
import { externalView, lastErrno, libcMmap, libcMunmap, libcSysconf } from "./libc.js";

/**
 * `PROT_READ`.
 *
 * @example
 * ```ts
 * new Mmap(fd, pageSize(), PROT_READ, 0, "ring data");
 * ```
 */
export const PROT_READ = 0x1;
/**
 * `PROT_WRITE`.
 *
 * @example
 * ```ts
 * new Mmap(fd, pageSize(), PROT_READ | PROT_WRITE, 0, "consumer page");
 * ```
 */
export const PROT_WRITE = 0x2;
/** `MAP_SHARED`. */
const MAP_SHARED = 0x01;
/** `_SC_PAGESIZE` on Linux. */
const SC_PAGESIZE = 30;
// MAP_FAILED ((void *)-1) arrives from koffi as 2^64 - 1 rounded to a double.
const MAP_FAILED_MIN = 2 ** 64 - 2 ** 12;

let cachedPageSize = 0;

/**
 * The system page size in bytes, read once with `sysconf(_SC_PAGESIZE)`.
 *
 * @example
 * ```ts
 * import { pageSize } from "./mmap.js";
 * pageSize(); // 4096 on x86-64
 * ```
 */
export function pageSize(): number {
  if (cachedPageSize === 0) {
    const n = libcSysconf(SC_PAGESIZE);
    if (n <= 0) throw new SyscallError("sysconf(_SC_PAGESIZE)", lastErrno());
    cachedPageSize = n;
  }
  return cachedPageSize;
}

// Last resort for mappings whose owner was dropped without close(): the address range would
// otherwise stay mapped (and pin the kernel object) for the life of the process.
const leaked = new FinalizationRegistry<{ address: number; length: number }>(({ address, length }) => {
  libcMunmap(address, length);
});

/**
 * A `MAP_SHARED` mapping of `length` bytes of an fd at byte `offset`. `buffer` is an ArrayBuffer
 * over the mapped memory itself: reads see the kernel's writes and writes go to the kernel. The
 * buffer must not be touched after `close()` (the memory is gone); owners guard every access.
 *
 * @example
 * ```ts
 * import { Mmap, PROT_READ, PROT_WRITE, pageSize } from "./mmap.js";
 * const consumer = new Mmap(ringbufFd, pageSize(), PROT_READ | PROT_WRITE, 0, "ring buffer consumer page");
 * const pos = new BigInt64Array(consumer.buffer, 0, 1);
 * consumer.close();
 * ```
 */
export class Mmap {
  /** The first mapped byte's address. */
  readonly address: number;
  /** The mapped memory. Valid until `close()`. */
  readonly buffer: ArrayBuffer;
  #open = true;

  constructor(
    fd: number,
    /** Bytes mapped; a multiple of the page size. */
    readonly length: number,
    prot: number,
    offset: number,
    /** What the mapping is, for error messages. */
    readonly what: string,
  ) {
    if (!Number.isSafeInteger(length) || length <= 0 || length % pageSize() !== 0) {
      throw new RangeError(`${what}: mapping length ${length} is not a positive multiple of the page size`);
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || offset % pageSize() !== 0) {
      throw new RangeError(`${what}: mapping offset ${offset} is not a multiple of the page size`);
    }
    const address = libcMmap(0, length, prot, MAP_SHARED, fd, offset);
    if (typeof address !== "number" || address <= 0 || address >= MAP_FAILED_MIN) {
      throw new SyscallError("mmap", lastErrno(), what);
    }
    this.address = address;
    this.buffer = externalView(address, length);
    leaked.register(this, { address, length }, this);
  }

  /** Whether `close()` has run. */
  get closed(): boolean {
    return !this.#open;
  }

  /** Throws {@link ClosedError} once the mapping is gone. */
  check(): void {
    if (!this.#open) throw new ClosedError(this.what);
  }

  /** Unmap. Idempotent. Views over `buffer` must not be used afterwards. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    leaked.unregister(this);
    if (libcMunmap(this.address, this.length) < 0) throw new SyscallError("munmap", lastErrno(), this.what);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Resource limits of the calling process (`prlimit(2)`), for RLIMIT_MEMLOCK: kernels before
 * 5.11 charge BPF memory to it.
 *
 * @module
 */
import { SyscallError } from "./error.js";
import { LITTLE_ENDIAN } from "./layout.js";
import { addressOf, lastErrno, libcPrlimit } from "./libc.js";

/**
 * `RLIMIT_MEMLOCK` (the generic value, used by x86-64 and arm64).
 *
 * @example
 * ```ts
 * getRlimit(RLIMIT_MEMLOCK);
 * ```
 */
export const RLIMIT_MEMLOCK = 8;
/**
 * `RLIM_INFINITY` on 64-bit platforms.
 *
 * @example
 * ```ts
 * getRlimit(RLIMIT_MEMLOCK).cur === RLIM_INFINITY; // no limit
 * ```
 */
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

/**
 * A soft (`cur`) and hard (`max`) limit; {@link RLIM_INFINITY} is no limit.
 *
 * @example
 * ```ts
 * const unlimited: Rlimit = { cur: RLIM_INFINITY, max: RLIM_INFINITY };
 * ```
 */
export interface Rlimit {
  readonly cur: bigint;
  readonly max: bigint;
}

/** `struct rlimit` on 64-bit Linux: two `rlim_t` (u64). */
const RLIMIT_SIZE = 16;

/**
 * The calling process's limit for `resource`. Throws `SyscallError` ("prlimit") on failure.
 *
 * @example
 * ```ts
 * const { cur, max } = getRlimit(RLIMIT_MEMLOCK);
 * ```
 */
export function getRlimit(resource: number): Rlimit {
  const old = new Uint8Array(RLIMIT_SIZE);
  if (libcPrlimit(0, resource, 0, addressOf(old)) < 0) throw new SyscallError("prlimit", lastErrno());
  const view = new DataView(old.buffer);
  return { cur: view.getBigUint64(0, LITTLE_ENDIAN), max: view.getBigUint64(8, LITTLE_ENDIAN) };
}

/**
 * Set the calling process's limit for `resource` and return the previous one. Raising the hard
 * limit needs CAP_SYS_RESOURCE. Throws `SyscallError` ("prlimit": EPERM, EINVAL) on failure.
 *
 * @example
 * ```ts
 * setRlimit(RLIMIT_MEMLOCK, { cur: RLIM_INFINITY, max: RLIM_INFINITY });
 * ```
 */
export function setRlimit(resource: number, limit: Rlimit): Rlimit {
  const next = new Uint8Array(RLIMIT_SIZE);
  const old = new Uint8Array(RLIMIT_SIZE);
  const view = new DataView(next.buffer);
  view.setBigUint64(0, BigInt.asUintN(64, limit.cur), LITTLE_ENDIAN);
  view.setBigUint64(8, BigInt.asUintN(64, limit.max), LITTLE_ENDIAN);
  if (libcPrlimit(0, resource, addressOf(next), addressOf(old)) < 0) throw new SyscallError("prlimit", lastErrno());
  const prev = new DataView(old.buffer);
  return { cur: prev.getBigUint64(0, LITTLE_ENDIAN), max: prev.getBigUint64(8, LITTLE_ENDIAN) };
}

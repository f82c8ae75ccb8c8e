/**
 * Network interfaces of the caller's network namespace by name and by index, through libc's
 * `if_nametoindex` / `if_indextoname` (an ioctl on a socket of that namespace; sysfs would show
 * the namespace it was mounted in).
 *
 * @module
 */
import { Errno, SyscallError } from "./error.js";
import { addressOf, lastErrno, libcIfIndexToName, libcIfNameToIndex } from "./libc.js";

/** IF_NAMESIZE: 15 characters and the NUL. */
const IF_NAMESIZE = 16;
// Over its own ArrayBuffer: a typed array this small made from a length may live in V8's heap,
// where a collection could move it between taking its address and the call.
const nameBuffer = new Uint8Array(new ArrayBuffer(IF_NAMESIZE));
const decoder = new TextDecoder();

/**
 * The index of interface `name`, or undefined when there is none (ENODEV); other failures (no
 * socket to ask through) throw `SyscallError`. `name` must be a valid interface name.
 *
 * @example
 * ```ts
 * ifNameToIndex("lo"); // 1
 * ```
 */
export function ifNameToIndex(name: string): number | undefined {
  const index = libcIfNameToIndex(name);
  if (index !== 0) return index;
  const errno = lastErrno();
  if (errno === Errno.ENODEV) return undefined;
  throw new SyscallError("if_nametoindex", errno, name);
}

/**
 * The name of the interface with index `index` (a u32), or undefined when there is none (ENXIO);
 * other failures throw `SyscallError`.
 *
 * @example
 * ```ts
 * ifIndexToName(1); // "lo"
 * ```
 */
export function ifIndexToName(index: number): string | undefined {
  nameBuffer.fill(0);
  if (libcIfIndexToName(index, addressOf(nameBuffer)) === 0) {
    const errno = lastErrno();
    if (errno === Errno.ENXIO || errno === Errno.ENODEV) return undefined;
    throw new SyscallError("if_indextoname", errno, String(index));
  }
  const end = nameBuffer.indexOf(0);
  return decoder.decode(nameBuffer.subarray(0, end < 0 ? IF_NAMESIZE : end));
}

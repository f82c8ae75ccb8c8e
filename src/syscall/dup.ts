/**
 * Duplicating descriptors: event readers own a duplicate of the map fd they watch, so one fd is
 * never registered with the event loop twice and closing the map does not pull the fd from under
 * a waiting read.
 *
 * @module
 */
import { SyscallError } from "./error.js";
import { lastErrno, libcFcntl } from "./libc.js";

/** `F_DUPFD_CLOEXEC`. */
const F_DUPFD_CLOEXEC = 1030;

/**
 * `fcntl(fd, F_DUPFD_CLOEXEC, 0)`: a new close-on-exec descriptor for the same open file.
 *
 * @example
 * ```ts
 * import { dupFD } from "./dup.js";
 * const own = dupFD(map.fd); // closed by the reader
 * ```
 */
export function dupFD(fd: number): number {
  const r = libcFcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (r < 0) throw new SyscallError("fcntl(F_DUPFD_CLOEXEC)", lastErrno());
  return r;
}

/**
 * Typed errors for failed syscalls.
 *
 * @module
 */
import { EbpfError } from "../errors.js";
import { errnoNames } from "./libc.js";

/**
 * A syscall that returned an error. `errno` is the number, `code` its name (`"ENOENT"` …) and
 * `command` the syscall or `bpf()` command that failed (`"BPF_MAP_CREATE"`, `"perf_event_open"` …).
 *
 * @example
 * ```ts
 * import { SyscallError, newMap, MapType } from "ebpf";
 * try {
 *   newMap({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 0 });
 * } catch (err) {
 *   if (err instanceof SyscallError) console.log(err.command, err.code); // BPF_MAP_CREATE EINVAL
 * }
 * ```
 */
export class SyscallError extends EbpfError {
  override name = "SyscallError";
  /** The errno name, e.g. `"EPERM"`. */
  readonly code: string;

  constructor(
    /** The syscall or `bpf()` command that failed. */
    readonly command: string,
    /** The errno number. */
    readonly errno: number,
    detail?: string,
  ) {
    const code = errnoName(errno);
    super(`${command}: ${code}${detail ? `: ${detail}` : ""}`);
    this.code = code;
  }
}

/**
 * `EPERM` / `EACCES` from `bpf()`: the process lacks a capability. The message names the
 * capabilities and, before Linux 5.11 (where BPF memory was charged to RLIMIT_MEMLOCK), the memlock
 * limit.
 *
 * @example
 * ```ts
 * import { PermissionError } from "ebpf";
 * const err = new PermissionError("BPF_PROG_LOAD", 1);
 * console.log(err.message.includes("CAP_BPF")); // true
 * ```
 */
export class PermissionError extends SyscallError {
  override name = "PermissionError";
  constructor(command: string, errno: number) {
    super(
      command,
      errno,
      "operation not permitted: run as root or grant CAP_BPF + CAP_PERFMON (and CAP_NET_ADMIN for " +
        "networking programs, CAP_SYS_ADMIN on kernels before 5.8); on kernels before 5.11 the " +
        "RLIMIT_MEMLOCK limit may also be the cause (call removeMemlock() from ebpf/features)",
    );
  }
}

/**
 * The name of an errno number, `"E<number>"` when the platform table lacks it.
 *
 * @example
 * ```ts
 * import { errnoName } from "ebpf";
 * errnoName(2); // "ENOENT"
 * ```
 */
export function errnoName(errno: number): string {
  // 524 is the kernel-internal ENOTSUPP that bpf() leaks to user space; libc has no name for it.
  return errnoNames.get(errno) ?? (errno === 524 ? "ENOTSUPP" : `E${errno}`);
}

/** Errno numbers the library branches on (Linux generic values). */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ENOTSUPP: 524,
  EOPNOTSUPP: 95,
} as const;

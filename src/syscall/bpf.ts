/**
 * The `bpf()` syscall: a raw entry point for hot paths that keep their attribute in memory of
 * their own, and a checked one that turns errno into a typed error.
 *
 * @module
 */
import { bpfCmdName, BpfCmd } from "./commands.js";
import { Errno, PermissionError, SyscallError } from "./error.js";
import { addressOf, lastErrno, SYS, syscall3 } from "./libc.js";

const BPF = SYS.bpf;
const MAX_EAGAIN_RETRIES = 5;

/**
 * `bpf(cmd, attr, size)` with the attribute already in place at `attrAddress`. Returns the result
 * (>= 0) or the negated errno: no exception, no allocation, for map operations in hot loops.
 */
export function bpfRaw(cmd: number, attrAddress: number, size: number): number {
  const r = syscall3(BPF, cmd, attrAddress, size);
  return r < 0 ? -lastErrno() : r;
}

/**
 * `bpf(cmd, attr, size)`, retried on EINTR (and on EAGAIN for BPF_PROG_LOAD, which the verifier
 * returns when interrupted by a signal), throwing a {@link SyscallError} on failure. `attr` must
 * hold at least `size` bytes.
 */
export function bpfCall(cmd: number, attr: Uint8Array, size = attr.byteLength): number {
  if (attr.byteLength < size) {
    throw new RangeError(`${bpfCmdName(cmd)}: attribute buffer of ${attr.byteLength} bytes, ${size} required`);
  }
  const address = addressOf(attr);
  for (let eagain = 0; ; ) {
    const r = bpfRaw(cmd, address, size);
    if (r >= 0) return r;
    const errno = -r;
    if (errno === Errno.EINTR) continue;
    if (errno === Errno.EAGAIN && cmd === BpfCmd.PROG_LOAD) {
      if (eagain++ < MAX_EAGAIN_RETRIES) continue;
      throw bpfError(cmd, errno, `the verifier was interrupted by a signal on ${eagain} attempts in a row`);
    }
    throw bpfError(cmd, errno);
  }
}

/** The typed error for a failed `bpf()` command. */
export function bpfError(cmd: number, errno: number, detail?: string): SyscallError {
  const name = bpfCmdName(cmd);
  if (errno === Errno.EPERM) return new PermissionError(name, errno);
  return new SyscallError(name, errno, detail);
}

/**
 * uprobe_multi links (6.6+): one `bpf_link` attaching a program to many offsets of one file.
 *
 * @module
 */
import { ArgumentError, NotSupportedError } from "../errors.js";
import { probeInstructions } from "../features/probe.js";
import { AttachType, ProgramType } from "../prog/types.js";
import { addressOf, closeRaw, Errno, LinkCreateLayouts, linkCreate, progLoad, SyscallError } from "../syscall/index.js";
import type { Executable } from "./executable.js";
import { RawLink, type Link } from "./link.js";
import { checkCookie, checkedProgramFd, type AttachableProgram } from "./program-check.js";

/** `BPF_F_UPROBE_MULTI_RETURN`: attach to the returns instead of the entries. */
const BPF_F_UPROBE_MULTI_RETURN = 1;

/**
 * Options of {@link Executable.uprobeMulti}. Arrays, when given, have one entry per symbol.
 *
 * @example
 * ```ts
 * const options: UprobeMultiOptions = { pid: process.pid, cookies: [1n, 2n] };
 * ```
 */
export interface UprobeMultiOptions {
  /** File offsets to probe instead of the symbols' (then `symbols` may be empty). */
  readonly addresses?: readonly (bigint | number)[];
  /** Bytes added to each symbol's (or address's) offset. */
  readonly offsets?: readonly (bigint | number)[];
  /** Per-probe values of `bpf_get_attach_cookie()`. */
  readonly cookies?: readonly bigint[];
  /** Per-probe USDT semaphore file offsets. */
  readonly refCtrOffsets?: readonly (bigint | number)[];
  /** Only fire in this process; every process by default. */
  readonly pid?: number;
}

let supported: boolean | undefined;

/**
 * Attach `program` to every symbol (or address) with one uprobe_multi link (Linux 6.6+). The
 * program must have been loaded with expected attach type `AttachTraceUprobeMulti` (sections
 * `uprobe.multi/…`, `uretprobe.multi/…`).
 *
 * @throws {NotSupportedError} when the kernel has no uprobe_multi links (before 6.6).
 * @example
 * ```ts
 * using link = attachUprobeMulti(openExecutable("libc.so.6"), ["malloc"], prog, {}, false);
 * ```
 */
export function attachUprobeMulti(
  exe: Executable,
  symbols: readonly string[],
  program: AttachableProgram,
  options: UprobeMultiOptions,
  ret: boolean,
): Link {
  const kind = ret ? "uretprobe_multi" : "uprobe_multi";
  const what = `${kind} ${exe.path}:${symbols.length <= 3 ? symbols.join(",") : `${symbols.length} symbols`}`;
  const progFd = checkedProgramFd(program, [ProgramType.Kprobe], what);
  const count = options.addresses?.length ?? symbols.length;
  if (count === 0) throw new ArgumentError(`${what}: no symbols or addresses`);
  if (options.addresses !== undefined && symbols.length !== 0 && symbols.length !== count) {
    throw new ArgumentError(`${what}: ${symbols.length} symbols but ${count} addresses`);
  }
  for (const [name, list] of [
    ["offsets", options.offsets],
    ["cookies", options.cookies],
    ["refCtrOffsets", options.refCtrOffsets],
  ] as const) {
    if (list !== undefined && list.length !== count) {
      throw new ArgumentError(`${what}: ${name} has ${list.length} entries, want ${count}`);
    }
  }
  const pid = options.pid ?? 0;
  if (!Number.isInteger(pid) || pid < 0) throw new ArgumentError(`${what}: invalid pid ${pid}`);

  const offsets = new BigUint64Array(count);
  for (let i = 0; i < count; i++) {
    const extra = options.offsets?.[i] ?? 0;
    const address = options.addresses?.[i];
    const offset = address !== undefined ? BigInt(address) + BigInt(extra) : exe.offset(symbols[i]!, { offset: extra });
    offsets[i] = checkU64(offset, `${what}: offset of probe ${i}`);
  }
  const cookies =
    options.cookies === undefined
      ? undefined
      : BigUint64Array.from(options.cookies, (c, i) => checkCookie(c, `${what}: cookies[${i}]`));
  const refCtr =
    options.refCtrOffsets === undefined
      ? undefined
      : BigUint64Array.from(options.refCtrOffsets, (r, i) => checkU64(BigInt(r), `${what}: refCtrOffsets[${i}]`));
  const path = new TextEncoder().encode(`${exe.path}\0`);
  if (supported === false) throw new NotSupportedError("uprobe_multi links", "6.6");
  try {
    const fd = linkCreate(LinkCreateLayouts.uprobeMulti, {
      progFd,
      targetFd: 0,
      attachType: AttachType.AttachTraceUprobeMulti,
      flags: 0,
      path: addressOf(path),
      offsets: addressOf(offsets),
      refCtrOffsets: refCtr === undefined ? 0 : addressOf(refCtr),
      cookies: cookies === undefined ? 0 : addressOf(cookies),
      cnt: count,
      uprobeFlags: ret ? BPF_F_UPROBE_MULTI_RETURN : 0,
      pid,
      pathFd: 0,
    });
    return new RawLink(fd, what);
  } catch (err) {
    if (err instanceof SyscallError && err.errno === Errno.EOPNOTSUPP) {
      throw new NotSupportedError("uprobe_multi links (kernel without CONFIG_UPROBES)", "6.6", { cause: err });
    }
    if (err instanceof SyscallError && err.errno === Errno.EINVAL && !haveUprobeMulti()) {
      throw new NotSupportedError("uprobe_multi links", "6.6", { cause: err });
    }
    if (err instanceof SyscallError && err.errno === Errno.EINVAL) {
      throw new SyscallError(
        "BPF_LINK_CREATE",
        err.errno,
        `${what}: is the program loaded for AttachTraceUprobeMulti (section uprobe.multi)?`,
      );
    }
    throw err;
  }
}

/** A value the kernel reads as a u64: out of range is an error, never a silent wrap. */
function checkU64(value: bigint, what: string): bigint {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new ArgumentError(`${what}: ${value} out of range`);
  return value;
}

/**
 * Whether BPF_LINK_CREATE knows BPF_TRACE_UPROBE_MULTI: a 6.6+ kernel rejects a directory as the
 * path with EBADF, an older one the attach type with EINVAL. Probed once.
 */
function haveUprobeMulti(): boolean {
  if (supported !== undefined) return supported;
  let progFd: number;
  try {
    progFd = progLoad({
      progType: ProgramType.Kprobe,
      expectedAttachType: AttachType.AttachTraceUprobeMulti,
      insns: probeInstructions(),
      license: "MIT",
    });
  } catch (err) {
    if (err instanceof SyscallError && err.errno === Errno.EINVAL) return (supported = false);
    throw err;
  }
  try {
    const path = new TextEncoder().encode("/\0");
    const offsets = new BigUint64Array(1);
    closeRaw(
      linkCreate(LinkCreateLayouts.uprobeMulti, {
        progFd,
        targetFd: 0,
        attachType: AttachType.AttachTraceUprobeMulti,
        flags: 0,
        path: addressOf(path),
        offsets: addressOf(offsets),
        refCtrOffsets: 0,
        cookies: 0,
        cnt: 1,
        uprobeFlags: 0,
        pid: 0,
        pathFd: 0,
      }),
    );
    supported = true;
  } catch (err) {
    if (!(err instanceof SyscallError)) throw err;
    supported = err.errno !== Errno.EINVAL && err.errno !== Errno.EOPNOTSUPP;
  } finally {
    closeRaw(progFd);
  }
  return supported;
}

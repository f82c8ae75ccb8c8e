/**
 * kprobes and kretprobes, as a fallback ladder: the perf_kprobe PMU first (4.17+), then tracefs
 * `kprobe_events`; each retried with the architecture's syscall prefix (`__x64_` / `__arm64_`,
 * 4.17+ syscall wrappers) when a `sys_*` name is not found.
 *
 * @module
 */
import { arch } from "node:process";
import { ArgumentError, NotSupportedError } from "../errors.js";
import { ProgramType } from "../prog/types.js";
import { Errno, SyscallError } from "../syscall/index.js";
import { TraceEventNotFoundError } from "./errors.js";
import { kprobePmu, openPmuKprobe } from "./kprobe-pmu.js";
import { openTracefsKprobe } from "./kprobe-tracefs.js";
import type { Link } from "./link.js";
import { attachPerfEvent } from "./perf-event.js";
import { checkCookie, checkedProgramFd, type AttachableProgram } from "./program-check.js";
import { hasTracefsFile } from "./tracefs.js";

/**
 * Options of {@link kprobe}.
 *
 * @example
 * ```ts
 * const options: KprobeOptions = { offset: 0n, cookie: 1n };
 * ```
 */
export interface KprobeOptions {
  /** Bytes past the symbol's start; must fall on an instruction boundary. */
  readonly offset?: bigint;
  /** Returned by `bpf_get_attach_cookie()` (5.15+). */
  readonly cookie?: bigint;
}

/**
 * Options of {@link kretprobe}.
 *
 * @example
 * ```ts
 * const options: KretprobeOptions = { maxActive: 64 };
 * ```
 */
export interface KretprobeOptions {
  /** Concurrent instances to track (tracefs only: `r<maxActive>:`); 0 is the kernel default. */
  readonly maxActive?: number;
  /** Returned by `bpf_get_attach_cookie()` (5.15+). */
  readonly cookie?: bigint;
}

/** `PlatformPrefix` of cilium/ebpf: the prefix of syscall entry points. */
const syscallPrefix = arch === "x64" ? "__x64_" : arch === "arm64" ? "__arm64_" : "";

/**
 * Attach a kprobe program to the entry of kernel function `symbol` (Linux 4.1+; perf_kprobe PMU
 * 4.17+; `bpf_link` 5.15+). For `sys_*` names the architecture's syscall wrapper is tried too.
 * Throws `TraceEventNotFoundError` for an unknown symbol and `NotSupportedError` without kprobes.
 *
 * @example
 * ```ts
 * import { kprobe } from "ebpf/link";
 * using link = kprobe("sys_getpgid", coll.programs.on_getpgid);
 * ```
 */
export function kprobe(symbol: string, program: AttachableProgram, options: KprobeOptions = {}): Link {
  const offset = options.offset ?? 0n;
  if (typeof offset !== "bigint" || offset < 0n || offset > 0xffff_ffffn) {
    throw new ArgumentError(`kprobe ${String(symbol)}: offset must be a bigint from 0 to 2^32-1`);
  }
  return attachKprobe(symbol, program, false, offset, 0, options.cookie);
}

/**
 * Attach a kprobe program to the return of kernel function `symbol` (Linux 4.1+; perf_kprobe
 * PMU 4.17+; `bpf_link` 5.15+). A `maxActive` goes through tracefs `kprobe_events`.
 *
 * @example
 * ```ts
 * import { kretprobe } from "ebpf/link";
 * using link = kretprobe("sys_getpgid", coll.programs.on_getpgid_ret, { maxActive: 16 });
 * ```
 */
export function kretprobe(symbol: string, program: AttachableProgram, options: KretprobeOptions = {}): Link {
  const maxActive = options.maxActive ?? 0;
  if (!Number.isInteger(maxActive) || maxActive < 0 || maxActive > 4096) {
    throw new ArgumentError(`kretprobe ${String(symbol)}: maxActive must be an integer from 0 to 4096`);
  }
  return attachKprobe(symbol, program, true, 0n, maxActive, options.cookie);
}

function attachKprobe(
  symbol: string,
  program: AttachableProgram,
  ret: boolean,
  offset: bigint,
  maxActive: number,
  cookieOption: bigint | undefined,
): Link {
  const kind = ret ? "kretprobe" : "kprobe";
  const what = `${kind} ${String(symbol)}`;
  const progFd = checkedProgramFd(program, [ProgramType.Kprobe], what);
  const cookie = checkCookie(cookieOption, what);
  if (typeof symbol !== "string" || !/^[A-Za-z0-9_.]+$/.test(symbol)) {
    throw new ArgumentError(`${kind}: symbol ${JSON.stringify(symbol)} is not a kernel symbol name`);
  }
  const names = symbol.startsWith("sys_") && syscallPrefix !== "" ? [symbol, syscallPrefix + symbol] : [symbol];

  const pmu = maxActive === 0 ? kprobePmu() : null;
  if (pmu !== null) {
    for (const name of names) {
      let fd: number;
      try {
        fd = openPmuKprobe(pmu, name, offset, ret);
      } catch (err) {
        if (isNotFound(err)) continue;
        throw mapError(err, symbol, offset, what);
      }
      return attachPerfEvent(progFd, fd, cookie, `${kind} ${name}`);
    }
    throw new TraceEventNotFoundError(symbol, `${kind} symbol`);
  }

  if (!hasTracefsFile("kprobe_events")) {
    throw new NotSupportedError(`${kind}s (CONFIG_KPROBES off: no perf_kprobe PMU and no tracefs kprobe_events)`, "4.1");
  }
  for (const name of names) {
    const result = openTracefsKprobe(name, offset, ret, maxActive);
    if ("error" in result) {
      if (result.error === "ENOENT" || result.error === "EINVAL") continue;
      if (result.error === "EILSEQ") throw offsetError(symbol, offset);
      throw new ArgumentError(`${what}: writing kprobe_events failed with ${result.error}`);
    }
    return attachPerfEvent(progFd, result.fd, cookie, `${kind} ${name}`, result.remove);
  }
  throw new TraceEventNotFoundError(symbol, `${kind} symbol`);
}

function isNotFound(err: unknown): boolean {
  return err instanceof SyscallError && (err.errno === Errno.ENOENT || err.errno === Errno.EINVAL);
}

function offsetError(symbol: string, offset: bigint): ArgumentError {
  return new ArgumentError(`kprobe ${symbol}+${offset}: offset is not on an instruction boundary`);
}

function mapError(err: unknown, symbol: string, offset: bigint, what: string): unknown {
  if (err instanceof SyscallError && err.code === "EILSEQ") return offsetError(symbol, offset);
  if (err instanceof SyscallError && (err.errno === Errno.ENOTSUPP || err.errno === Errno.EOPNOTSUPP)) {
    return new NotSupportedError(what, "4.17", { cause: err });
  }
  return err;
}

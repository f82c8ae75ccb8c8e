/**
 * kprobe.multi links (Linux 5.18+, CONFIG_FPROBE): one program on many kernel functions with one
 * BPF_LINK_CREATE of BPF_TRACE_KPROBE_MULTI.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError, NotSupportedError } from "../errors.js";
import { AttachType, ProgramType } from "../prog/types.js";
import { addressOf, Errno, LinkCreateLayouts, linkCreate, SyscallError } from "../syscall/index.js";
import { TraceEventNotFoundError } from "./errors.js";
import { RawLink } from "./link.js";
import { checkedProgramFd, type AttachableProgram } from "./program-check.js";
import { tracefsRoot } from "./tracefs.js";

/** `BPF_F_KPROBE_MULTI_RETURN`. */
const KPROBE_MULTI_RETURN = 1;
/** The kernel's `MAX_KPROBE_MULTI_CNT`. */
const MAX_COUNT = 1 << 20;

/**
 * Options of {@link kprobeMulti}: exactly one of `symbols`, `addresses` or `pattern`.
 *
 * @example
 * ```ts
 * const options: KprobeMultiOptions = { program, symbols: ["vfs_read", "vfs_write"], cookies: [1n, 2n] };
 * ```
 */
export interface KprobeMultiOptions {
  /** A `ProgramType.Kprobe` program loaded with `AttachTraceKprobeMulti` (`SEC("kprobe.multi")`). */
  readonly program: AttachableProgram;
  /** Kernel function names. */
  readonly symbols?: readonly string[];
  /** Kernel function addresses (from /proc/kallsyms). */
  readonly addresses?: readonly bigint[];
  /** A glob (`*`, `?`) over tracefs `available_filter_functions`, e.g. `"__x64_sys_getp*"`. */
  readonly pattern?: string;
  /** One cookie per symbol or address, for `bpf_get_attach_cookie()`. */
  readonly cookies?: readonly bigint[];
  /** Attach to function returns (kretprobe.multi). */
  readonly return?: boolean;
}

/**
 * Attach a kprobe.multi program to many kernel functions at once (Linux 5.18+). Throws
 * `TraceEventNotFoundError` when a symbol or the pattern matches nothing, `NotSupportedError`
 * when the kernel lacks kprobe.multi (CONFIG_FPROBE off or before 5.18).
 *
 * @example
 * ```ts
 * import { kprobeMulti } from "ebpf/link";
 * using link = kprobeMulti({ program: coll.programs.on_getp, pattern: "__x64_sys_getp*" });
 * ```
 */
export function kprobeMulti(options: KprobeMultiOptions): RawLink {
  const what = options?.return ? "kretprobe.multi" : "kprobe.multi";
  const progFd = checkedProgramFd(options?.program, [ProgramType.Kprobe], what);
  const given = [options.symbols, options.addresses, options.pattern].filter((v) => v !== undefined).length;
  if (given !== 1) throw new ArgumentError(`${what}: give exactly one of symbols, addresses or pattern`);

  let symbols = options.symbols;
  if (options.pattern !== undefined) {
    symbols = matchFilterFunctions(options.pattern);
    if (symbols.length === 0) throw new TraceEventNotFoundError(`functions matching ${JSON.stringify(options.pattern)}`, what);
  }
  const count = symbols?.length ?? options.addresses?.length ?? 0;
  if (count === 0 || count > MAX_COUNT) throw new ArgumentError(`${what}: needs 1 to ${MAX_COUNT} targets, got ${count}`);
  if (options.cookies !== undefined && options.cookies.length !== count) {
    throw new ArgumentError(`${what}: ${options.cookies.length} cookies for ${count} targets`);
  }

  // Pointer arrays the kernel reads during the call; the strings they point at stay referenced.
  const strings: Uint8Array[] = [];
  let syms = 0;
  let addrs = 0;
  let cookies = 0;
  const keep: BigUint64Array[] = [];
  if (symbols !== undefined) {
    const ptrs = new BigUint64Array(count);
    symbols.forEach((s, i) => {
      if (typeof s !== "string" || s === "" || s.includes("\0")) throw new ArgumentError(`${what}: bad symbol ${JSON.stringify(s)}`);
      const bytes = new TextEncoder().encode(`${s}\0`);
      strings.push(bytes);
      ptrs[i] = BigInt(addressOf(bytes));
    });
    keep.push(ptrs);
    syms = addressOf(ptrs);
  } else {
    const arr = BigUint64Array.from(options.addresses!, (a) => {
      if (typeof a !== "bigint" || a <= 0n) throw new ArgumentError(`${what}: bad address ${String(a)}`);
      return a;
    });
    keep.push(arr);
    addrs = addressOf(arr);
  }
  if (options.cookies !== undefined) {
    const arr = BigUint64Array.from(options.cookies);
    keep.push(arr);
    cookies = addressOf(arr);
  }
  try {
    const fd = linkCreate(LinkCreateLayouts.kprobeMulti, {
      progFd,
      targetFd: 0,
      attachType: AttachType.AttachTraceKprobeMulti,
      flags: 0,
      kprobeFlags: options.return ? KPROBE_MULTI_RETURN : 0,
      cnt: count,
      syms,
      addrs,
      cookies,
    });
    return new RawLink(fd, what);
  } catch (err) {
    if (err instanceof SyscallError) {
      if (err.errno === Errno.ENOENT || err.errno === Errno.ESRCH) {
        const list = symbols ?? options.addresses!.map((a) => `0x${a.toString(16)}`);
        throw new TraceEventNotFoundError(`one of ${list.slice(0, 8).join(", ")}${list.length > 8 ? ", …" : ""}`, `${what} target`, { cause: err });
      }
      if (err.errno === Errno.EOPNOTSUPP || err.errno === Errno.ENOTSUPP) {
        throw new NotSupportedError(`${what} (CONFIG_FPROBE off)`, "5.18", { cause: err });
      }
      if (err.errno === Errno.EINVAL && options.cookies === undefined) {
        throw new NotSupportedError(what, "5.18", { cause: err });
      }
    }
    throw err;
  } finally {
    strings.length = 0;
    keep.length = 0;
  }
}

/** Functions in tracefs `available_filter_functions` whose name matches `pattern`. */
function matchFilterFunctions(pattern: string): string[] {
  if (typeof pattern !== "string" || pattern === "") throw new ArgumentError("kprobe.multi: pattern must be a non-empty string");
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  let text: string;
  try {
    text = readFileSync(join(tracefsRoot(), "available_filter_functions"), "utf8");
  } catch (err) {
    throw new NotSupportedError("kprobe.multi patterns (tracefs available_filter_functions: CONFIG_FUNCTION_TRACER off)", "5.18", { cause: err });
  }
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const name = line.split(/\s/, 1)[0];
    if (name && re.test(name)) out.add(name);
  }
  return [...out];
}

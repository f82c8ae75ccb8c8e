/**
 * Values of `.kconfig` externs: `LINUX_KERNEL_VERSION`, `LINUX_HAS_SYSCALL_WRAPPER` and
 * `CONFIG_*` options, laid out as the object's `.kconfig` data section.
 *
 * @module
 */
import { arch, release } from "node:os";
import { IntEncoding, Kind, typeSize, underlyingType, type Type } from "../btf/index.js";
import { LoadError } from "../errors.js";
import { findKernelSymbol } from "../internal/kallsyms.js";
import { kernelConfig, type KconfigValue } from "../internal/kconfig.js";
import type { ExternSpec } from "./spec.js";

/**
 * `KERNEL_VERSION(a, b, c)` of the running kernel, from its release string.
 *
 * @example
 * ```ts
 * import { linuxKernelVersion } from "./kconfig.js";
 * linuxKernelVersion(); // 0x061240 on 6.18.64
 * ```
 */
export function linuxKernelVersion(rel = release()): number {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(rel);
  if (!m) throw new LoadError(`cannot parse kernel release ${JSON.stringify(rel)}`);
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return (a << 16) + (b << 8) + Math.min(c, 255);
}

const syscallPrefix: Record<string, string> = { x64: "__x64_", arm64: "__arm64_", s390x: "__s390x_", ppc64: "" };

/** Whether syscalls go through `__<arch>_sys_*` wrappers (4.17+ on x86): read from kallsyms. */
export function hasSyscallWrapper(): boolean {
  const prefix = syscallPrefix[arch()];
  return prefix !== undefined && prefix !== "" && findKernelSymbol(`${prefix}sys_bpf`) !== undefined;
}

/**
 * The contents of the `.kconfig` map for `externs`: each value in the object's byte order at its
 * extern's offset. A strong extern the kernel does not define is an error; a weak one stays 0.
 *
 * @example
 * ```ts
 * const bytes = kconfigContents(spec.externs, spec.maps[".kconfig"].valueSize, true);
 * ```
 */
export function kconfigContents(externs: Readonly<Record<string, ExternSpec>>, size: number, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (const ext of Object.values(externs)) {
    if (ext.kind !== "kconfig" || ext.type?.kind !== Kind.Var) continue;
    const value = externValue(ext.name);
    if (value === undefined) {
      if (ext.weak) continue;
      throw new LoadError(`kconfig extern ${ext.name}: the running kernel's configuration does not define it`);
    }
    writeValue(view, ext.offset ?? 0, ext.type.type, value, ext.name, littleEndian);
  }
  return out;
}

function externValue(name: string): KconfigValue | undefined {
  if (name === "LINUX_KERNEL_VERSION") return BigInt(linuxKernelVersion());
  if (name === "LINUX_HAS_SYSCALL_WRAPPER") return hasSyscallWrapper() ? "y" : "n";
  if (!name.startsWith("CONFIG_")) return undefined;
  return kernelConfig().get(name);
}

function writeValue(view: DataView, at: number, type: Type, value: KconfigValue, name: string, le: boolean): void {
  const t = underlyingType(type);
  const size = typeSize(t);
  if (t.kind === Kind.Array) {
    // char[N]: the string, cut to N bytes with no NUL reserved (as cilium/ebpf does).
    if (typeof value !== "string") throw new LoadError(`kconfig extern ${name}: ${String(value)} is not a string`);
    const bytes = new TextEncoder().encode(value).subarray(0, size);
    new Uint8Array(view.buffer, at, bytes.length).set(bytes);
    return;
  }
  let n: bigint;
  if (value === "y") n = 1n;
  else if (value === "n") n = 0n;
  else if (value === "m") {
    // Only a tristate (an enum) can hold "m"; a bool or int cannot express it.
    if (t.kind !== Kind.Enum) throw new LoadError(`kconfig extern ${name}: "m" needs an enum libbpf_tristate type`);
    n = 2n;
  } else if (typeof value === "bigint") n = value;
  else throw new LoadError(`kconfig extern ${name}: ${JSON.stringify(value)} does not fit its ${size}-byte type`);
  if (t.kind === Kind.Int && (t.encoding & IntEncoding.Bool) !== 0) n = n === 0n ? 0n : 1n;
  const bits = size * 8;
  if (![1, 2, 4, 8].includes(size)) throw new LoadError(`kconfig extern ${name}: unsupported size ${size}`);
  const u = BigInt.asUintN(bits, n);
  if (size === 1) view.setUint8(at, Number(u));
  else if (size === 2) view.setUint16(at, Number(u), le);
  else if (size === 4) view.setUint32(at, Number(u), le);
  else view.setBigUint64(at, u, le);
}

/**
 * Writing keys and values into a map's preallocated scratch memory: numbers and bigints through
 * the `DataView`, bytes by copy, every length checked against the map's sizes first so a short
 * buffer never reaches the kernel. Nothing here allocates for numbers, bytes or u64 bigints.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { LITTLE_ENDIAN } from "../syscall/layout.js";

/**
 * A map key: bytes of exactly `keySize`, or a number / bigint when `keySize` is 4 or 8 (written in
 * host byte order; negative numbers as two's complement).
 *
 * @example
 * ```ts
 * map.lookup(7);                          // u32 or u64 key 7
 * map.lookup(new Uint8Array([1, 2, 3, 4]));
 * ```
 */
export type MapKey = Uint8Array | number | bigint;

/**
 * A map value: bytes of exactly `valueSize`, a number / bigint when `valueSize` is 4 or 8, or —
 * for maps holding file descriptors (program arrays, maps of maps, perf event arrays) — anything
 * with an `fd` (a `BpfMap`, a program) or the fd number itself.
 *
 * @example
 * ```ts
 * map.update(1, 42n);
 * progs.update(0, program);     // { fd }
 * ```
 */
export type MapValue = Uint8Array | number | bigint | { readonly fd: number };

const TWO_32 = 4294967296;
const U64_END = 1n << 64n;
const S64_MIN = -(1n << 63n);
const U32_END = 1n << 32n;
const S32_MIN = -(1n << 31n);

/**
 * Write `v` as `size` bytes at `off` of `bytes` / `view` (the same memory). `what` names the
 * operand for errors ("key", "value", "value for CPU 3"). `fdOk` lets `{ fd }` objects stand for a
 * 4-byte fd value.
 *
 * @example
 * ```ts
 * writeOperand(scratch, view, 128, 4, 7, "key", false);
 * ```
 */
export function writeOperand(
  bytes: Uint8Array,
  view: DataView,
  off: number,
  size: number,
  v: unknown,
  what: string,
  fdOk: boolean,
): void {
  if (typeof v === "number") {
    if (size === 4) {
      if (v !== v >>> 0 && v !== (v | 0)) throw badNumber(v, size, what);
      view.setUint32(off, v >>> 0, LITTLE_ENDIAN);
      return;
    }
    if (size === 8) {
      if (!Number.isSafeInteger(v)) throw badNumber(v, size, what);
      const lo = v >>> 0;
      const hi = Math.floor(v / TWO_32) >>> 0;
      view.setUint32(off, LITTLE_ENDIAN ? lo : hi, LITTLE_ENDIAN);
      view.setUint32(off + 4, LITTLE_ENDIAN ? hi : lo, LITTLE_ENDIAN);
      return;
    }
    throw new ArgumentError(`${what} is ${size} bytes: pass a Uint8Array of that length, not a number`);
  }
  if (v instanceof Uint8Array) {
    if (v.length !== size) throw new ArgumentError(`${what} must be ${size} bytes, got ${v.length}`);
    bytes.set(v, off);
    return;
  }
  if (typeof v === "bigint") {
    if (size === 8) {
      if (v < S64_MIN || v >= U64_END) throw badNumber(v, size, what);
      view.setBigUint64(off, v, LITTLE_ENDIAN);
      return;
    }
    if (size === 4) {
      if (v < S32_MIN || v >= U32_END) throw badNumber(v, size, what);
      view.setUint32(off, Number(v) >>> 0, LITTLE_ENDIAN);
      return;
    }
    throw new ArgumentError(`${what} is ${size} bytes: pass a Uint8Array of that length, not a bigint`);
  }
  if (fdOk && size === 4 && typeof v === "object" && v !== null && "fd" in v) {
    const fd = (v as { fd: unknown }).fd;
    if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0) {
      throw new ArgumentError(`${what}: fd must be a non-negative integer, got ${String(fd)}`);
    }
    view.setUint32(off, fd, LITTLE_ENDIAN);
    return;
  }
  throw new ArgumentError(
    `${what} must be a Uint8Array of ${size} bytes${size === 4 || size === 8 ? ", a number or a bigint" : ""}` +
      `${fdOk ? " or an object with an fd" : ""}, got ${describe(v)}`,
  );
}

function badNumber(v: number | bigint, size: number, what: string): ArgumentError {
  return new ArgumentError(`${what} ${String(v)} does not fit in ${size} bytes (integer expected)`);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of ${v.byteLength} bytes`;
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

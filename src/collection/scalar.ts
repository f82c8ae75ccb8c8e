/**
 * Integers in global variables: the one encoding shared by variables before load (spec contents)
 * and after (the mmap'ed or looked-up map value).
 *
 * @module
 */
import { IntEncoding, Kind, underlyingType, type Type } from "../btf/index.js";
import { ArgumentError } from "../errors.js";

/** Whether a variable's BTF type is a signed integer (so `set(-1)` is valid). */
export function isSignedInt(type: Type | undefined): boolean {
  if (!type) return false;
  const t = underlyingType(type);
  return t.kind === Kind.Int && (t.encoding & IntEncoding.Signed) !== 0;
}

/**
 * Write `value` as a `view.byteLength`-byte integer (1, 2, 4 or 8 bytes), refusing values that do
 * not fit.
 *
 * @example
 * ```ts
 * writeScalar(new DataView(new ArrayBuffer(4)), 5, false, "cfg", true);
 * ```
 */
export function writeScalar(view: DataView, value: number | bigint, signed: boolean, name: string, le: boolean): void {
  const size = view.byteLength;
  const big = BigInt(value);
  const bits = BigInt(size * 8);
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (![1, 2, 4, 8].includes(size) || big < min || big > max) {
    throw new ArgumentError(`variable ${name}: ${value} does not fit a ${size}-byte ${signed ? "signed" : "unsigned"} integer`);
  }
  const u = BigInt.asUintN(size * 8, big);
  if (size === 1) view.setUint8(0, Number(u));
  else if (size === 2) view.setUint16(0, Number(u), le);
  else if (size === 4) view.setUint32(0, Number(u), le);
  else view.setBigUint64(0, u, le);
}

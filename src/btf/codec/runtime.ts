/**
 * Helpers the generated codec functions call for the less common shapes: strings in `char`
 * arrays, bitfields, 128-bit integers, and the errors. Kept out of the generated code so each
 * appears once.
 *
 * @module
 */
import { CodecError } from "./errors.js";

const utf8Decoder = new TextDecoder("utf-8", { fatal: false });
const utf8Encoder = new TextEncoder();
const U64 = (1n << 64n) - 1n;

/**
 * Short printable description of a bad value for error messages.
 *
 * @example
 * ```ts
 * describe("x"); // '"x"'
 * ```
 */
export function describe(x: unknown): string {
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === "bigint") return `${x}n`;
  if (x === null) return "null";
  if (x instanceof Uint8Array) return `Uint8Array(${x.length})`;
  if (globalThis.Array.isArray(x)) return `array of ${x.length}`;
  if (typeof x === "object") return "an object";
  return String(x);
}

/**
 * Throw "expected `what`, got …" for the member `seg`.
 *
 * @example
 * ```ts
 * bad("pid", "a u32", -1);
 * ```
 */
export function bad(seg: string, what: string, x: unknown): never {
  throw new CodecError(seg, `expected ${what}, got ${describe(x)}`);
}

/**
 * Throw for a member the value leaves out.
 *
 * @example
 * ```ts
 * missing("pid");
 * ```
 */
export function missing(seg: string): never {
  throw new CodecError(seg, "missing (every member must be given; padding and unnamed bits are written as zero)");
}

/**
 * `err` one member further out when it is a {@link CodecError}, else `err` itself.
 *
 * @example
 * ```ts
 * try { sub(x, dv, b, o); } catch (e) { throw within(e, "addr"); }
 * ```
 */
export function within(err: unknown, seg: string): unknown {
  return err instanceof CodecError ? err.within(seg) : err;
}

/**
 * A NUL-terminated string in `b[o, o + n)`: up to the first NUL or `n` bytes, UTF-8 (invalid
 * sequences become U+FFFD). ASCII, the common case, is built without a decoder call.
 *
 * @example
 * ```ts
 * decodeString(bytes, 0, 16); // "bash"
 * ```
 */
export function decodeString(b: Uint8Array, o: number, n: number): string {
  let s = "";
  let i = o;
  const end = o + n;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 0) return s;
    if (c >= 0x80) break;
    s += String.fromCharCode(c);
  }
  if (i === end) return s;
  let stop = i;
  while (stop < end && b[stop] !== 0) stop++;
  return s + utf8Decoder.decode(b.subarray(i, stop));
}

/**
 * Write `x` as UTF-8 into `b[o, o + n)` (the rest stays zero, so it is NUL-terminated whenever it
 * is shorter than `n` bytes); a string of more than `n` bytes is an error, never cut.
 *
 * @example
 * ```ts
 * encodeString("bash", bytes, 0, 16, "comm");
 * ```
 */
export function encodeString(x: unknown, b: Uint8Array, o: number, n: number, seg: string): void {
  if (typeof x !== "string") bad(seg, `a string of at most ${n} UTF-8 bytes`, x);
  const len = x.length;
  let i = 0;
  if (len <= n) {
    for (; i < len; i++) {
      const c = x.charCodeAt(i);
      if (c >= 0x80 || c === 0) break;
      b[o + i] = c;
    }
    if (i === len) return;
  }
  if (x.indexOf("\0") >= 0) throw new CodecError(seg, `string ${describe(x)} holds a NUL, which would cut it`);
  const { read, written } = utf8Encoder.encodeInto(x, b.subarray(o, o + n));
  if (read !== len) {
    b.fill(0, o, o + n);
    throw new CodecError(seg, `string ${describe(x)} is ${utf8Encoder.encode(x).length} UTF-8 bytes, more than the ${n} of its char array`);
  }
  b.fill(0, o + written, o + n);
}

/**
 * Read `bits` bits starting `shift` bits into `b[o, o + nbytes)` as a number (bits <= 32, so
 * shift + bits <= 39 and the raw bytes fit a double exactly). `le` is the byte order: BTF numbers
 * bitfield bits from the least significant bit on little-endian hosts, from the most significant
 * on big-endian ones.
 *
 * @example
 * ```ts
 * readBits(bytes, 4, 3, 5, 1, false, true); // a 5-bit unsigned field at bit 35
 * ```
 */
export function readBits(b: Uint8Array, o: number, shift: number, bits: number, nbytes: number, signed: boolean, le: boolean): number {
  let raw = 0;
  if (le) for (let i = nbytes - 1; i >= 0; i--) raw = raw * 256 + b[o + i]!;
  else for (let i = 0; i < nbytes; i++) raw = raw * 256 + b[o + i]!;
  const low = le ? shift : nbytes * 8 - shift - bits;
  const span = 2 ** bits;
  const v = Math.floor(raw / 2 ** low) % span;
  return signed && v >= span / 2 ? v - span : v;
}

/**
 * {@link readBits} for fields declared as 64-bit integers: the result is a bigint.
 *
 * @example
 * ```ts
 * readBitsBig(bytes, 0, 0, 40, 5, false, true);
 * ```
 */
export function readBitsBig(b: Uint8Array, o: number, shift: number, bits: number, nbytes: number, signed: boolean, le: boolean): bigint {
  let raw = 0n;
  if (le) for (let i = nbytes - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(b[o + i]!);
  else for (let i = 0; i < nbytes; i++) raw = (raw << 8n) | BigInt(b[o + i]!);
  const low = le ? shift : nbytes * 8 - shift - bits;
  const v = BigInt.asUintN(bits, raw >> BigInt(low));
  return signed ? BigInt.asIntN(bits, v) : v;
}

/**
 * Store `x` (checked to fit `bits` bits, signed or not) in the field {@link readBits} reads,
 * leaving the other bits of the bytes it shares as they are.
 *
 * @example
 * ```ts
 * writeBits(bytes, 4, 3, 5, 1, false, true, 17, "flags");
 * ```
 */
export function writeBits(
  b: Uint8Array,
  o: number,
  shift: number,
  bits: number,
  nbytes: number,
  signed: boolean,
  le: boolean,
  x: unknown,
  seg: string,
): void {
  const span = 2 ** bits;
  const min = signed ? -span / 2 : 0;
  const max = signed ? span / 2 - 1 : span - 1;
  if (typeof x !== "number" || !Number.isInteger(x) || x < min || x > max) {
    bad(seg, `an integer in [${min}, ${max}] (${signed ? "signed" : "unsigned"} ${bits}-bit field)`, x);
  }
  const low = le ? shift : nbytes * 8 - shift - bits;
  let raw = (x < 0 ? x + span : x) * 2 ** low;
  let mask = (span - 1) * 2 ** low;
  for (let k = 0; k < nbytes; k++, raw = Math.floor(raw / 256), mask = Math.floor(mask / 256)) {
    const i = le ? k : nbytes - 1 - k;
    b[o + i] = (b[o + i]! & ~(mask % 256)) | (raw % 256);
  }
}

/**
 * {@link writeBits} for fields declared as 64-bit integers: takes a bigint (or a safe integer).
 *
 * @example
 * ```ts
 * writeBitsBig(bytes, 0, 0, 40, 5, false, true, 1n << 39n, "big");
 * ```
 */
export function writeBitsBig(
  b: Uint8Array,
  o: number,
  shift: number,
  bits: number,
  nbytes: number,
  signed: boolean,
  le: boolean,
  x: unknown,
  seg: string,
): void {
  let v: bigint;
  if (typeof x === "bigint") v = x;
  else if (typeof x === "number" && Number.isSafeInteger(x)) v = BigInt(x);
  else return bad(seg, `a bigint (${signed ? "signed" : "unsigned"} ${bits}-bit field)`, x);
  if ((signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)) !== v) {
    bad(seg, `a value that fits a ${signed ? "signed" : "unsigned"} ${bits}-bit field`, x);
  }
  const low = le ? shift : nbytes * 8 - shift - bits;
  let raw = BigInt.asUintN(bits, v) << BigInt(low);
  let mask = ((1n << BigInt(bits)) - 1n) << BigInt(low);
  for (let k = 0; k < nbytes; k++, raw >>= 8n, mask >>= 8n) {
    const i = le ? k : nbytes - 1 - k;
    b[o + i] = (b[o + i]! & ~Number(mask & 0xffn)) | Number(raw & 0xffn);
  }
}

/**
 * A 128-bit integer (`__int128`) at `o` as a bigint.
 *
 * @example
 * ```ts
 * readInt128(view, 0, false, true);
 * ```
 */
export function readInt128(dv: DataView, o: number, signed: boolean, le: boolean): bigint {
  const lo = dv.getBigUint64(le ? o : o + 8, le);
  const hi = dv.getBigUint64(le ? o + 8 : o, le);
  const v = (hi << 64n) | lo;
  return signed ? BigInt.asIntN(128, v) : v;
}

/**
 * Write a 128-bit integer, checking it fits.
 *
 * @example
 * ```ts
 * writeInt128(view, 0, false, true, 1n << 100n, "wide");
 * ```
 */
export function writeInt128(dv: DataView, o: number, signed: boolean, le: boolean, x: unknown, seg: string): void {
  let v: bigint;
  if (typeof x === "bigint") v = x;
  else if (typeof x === "number" && Number.isSafeInteger(x)) v = BigInt(x);
  else return bad(seg, `a bigint (${signed ? "s" : "u"}128)`, x);
  if ((signed ? BigInt.asIntN(128, v) : BigInt.asUintN(128, v)) !== v) bad(seg, `a value that fits ${signed ? "s" : "u"}128`, x);
  const u = BigInt.asUintN(128, v);
  dv.setBigUint64(le ? o : o + 8, u & U64, le);
  dv.setBigUint64(le ? o + 8 : o, u >> 64n, le);
}

/**
 * Bounds-checked, byte-order-aware reads from a file's bytes. Every struct read first checks its
 * whole extent with `need`, so a lying offset becomes an `ELFError` instead of a `RangeError`
 * from `DataView`.
 *
 * @module
 */

import { ELFError } from "../errors.js";

/**
 * Byte order of an ELF file, from `e_ident[EI_DATA]`.
 *
 * @example
 * ```ts
 * import { ElfFile, type ByteOrder } from "ebpf";
 * const order: ByteOrder = ElfFile.parse(bytes).byteOrder; // "little" or "big"
 * ```
 */
export type ByteOrder = "little" | "big";

const TWO_32 = 0x1_0000_0000;
/** High 32-bit words at or above this make a 64-bit value exceed `Number.MAX_SAFE_INTEGER`. */
const UNSAFE_HIGH = 0x20_0000;

/**
 * Formats a number or bigint as `0x…` for error messages.
 *
 * @example
 * ```ts
 * hex(4096); // "0x1000"
 * ```
 */
export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/**
 * A `DataView` over the whole file plus its byte order.
 *
 * @example
 * ```ts
 * const r = new ByteReader(bytes, "little");
 * r.need(0, 64, "ELF header");
 * const type = r.u16(16);
 * ```
 */
export class ByteReader {
  readonly view: DataView;
  readonly le: boolean;
  readonly length: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly order: ByteOrder,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.le = order === "little";
    this.length = bytes.byteLength;
  }

  /**
   * Throws unless `[offset, offset + size)` lies inside the file. Both must be exact integers.
   *
   * @example
   * ```ts
   * r.need(shoff, shnum * 64, "section header table");
   * ```
   */
  need(offset: number, size: number, what: string): void {
    if (offset > this.length || size > this.length - offset) {
      throw new ELFError(
        `${what}: offset ${hex(offset)} + size ${hex(size)} beyond end of file (${hex(this.length)} bytes)`,
      );
    }
  }

  /** Reads a u8. @example `const cls = r.u8(4);` */
  u8(offset: number): number {
    return this.view.getUint8(offset);
  }

  /** Reads a u16 in the file's byte order. @example `const type = r.u16(16);` */
  u16(offset: number): number {
    return this.view.getUint16(offset, this.le);
  }

  /** Reads a u32 in the file's byte order. @example `const version = r.u32(20);` */
  u32(offset: number): number {
    return this.view.getUint32(offset, this.le);
  }

  /** Reads a u64 in the file's byte order as a bigint. @example `const entry = r.u64(24);` */
  u64(offset: number): bigint {
    return this.view.getBigUint64(offset, this.le);
  }

  /** Reads an i64 in the file's byte order as a bigint. @example `const addend = r.i64(16);` */
  i64(offset: number): bigint {
    return this.view.getBigInt64(offset, this.le);
  }

  /**
   * Reads a u64 as an exact number, throwing an `ELFError` naming `what` when it exceeds
   * `Number.MAX_SAFE_INTEGER` (no real file offset or size does).
   *
   * @example
   * ```ts
   * const shoff = r.u64n(40, () => "e_shoff");
   * ```
   */
  u64n(offset: number, what: () => string): number {
    const lo = this.view.getUint32(offset + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(offset + (this.le ? 4 : 0), this.le);
    if (hi >= UNSAFE_HIGH) {
      throw new ELFError(`${what()}: value ${hex(this.u64(offset))} too large`);
    }
    return hi * TWO_32 + lo;
  }
}

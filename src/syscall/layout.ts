/**
 * A tiny struct layout engine: fields in declaration order with C's natural alignment, so each
 * attribute struct of `linux/bpf.h` is written once, field by field, and its offsets follow.
 *
 * @module
 */
import { endianness } from "node:os";

/** Host byte order: the kernel reads attributes in it. */
export const LITTLE_ENDIAN = endianness() === "LE";

/** One field kind. `ptr` is an `__aligned_u64` holding a user-space address. */
export interface Field<K extends string = string> {
  readonly kind: K;
  readonly size: number;
  readonly align: number;
}

/** `__u8`. */
export const u8: Field<"u8"> = { kind: "u8", size: 1, align: 1 };
/** `__u16`. */
export const u16: Field<"u16"> = { kind: "u16", size: 2, align: 2 };
/** `__u32`. */
export const u32: Field<"u32"> = { kind: "u32", size: 4, align: 4 };
/** `__s32`. */
export const s32: Field<"s32"> = { kind: "s32", size: 4, align: 4 };
/** `__u64` / `__aligned_u64` holding a number. */
export const u64: Field<"u64"> = { kind: "u64", size: 8, align: 8 };
/** `__aligned_u64` holding a pointer. */
export const ptr: Field<"ptr"> = { kind: "ptr", size: 8, align: 8 };
/** `char name[n]`: a NUL-padded string, or raw bytes. */
export function chars(n: number): Field<"chars"> {
  return { kind: "chars", size: n, align: 1 };
}

type ValueOf<F> = F extends Field<"chars">
  ? string | Uint8Array
  : F extends Field<"u64"> | Field<"ptr">
    ? bigint | number
    : number;

/** The JavaScript values a struct's fields take; every field is optional and defaults to zero. */
export type StructValues<F extends Record<string, Field>> = { [K in keyof F]?: ValueOf<F[K]> };

/** The values of a laid-out struct's fields. */
export type AttrValues<S> = S extends Struct<infer F> ? StructValues<F> : never;

/** A laid-out struct: its size, each field's offset, and a writer and reader. */
export interface Struct<F extends Record<string, Field>> {
  readonly size: number;
  readonly offsets: { readonly [K in keyof F]: number };
  /** A fresh zeroed attribute with the given fields, in memory whose address is stable. */
  build(values: StructValues<F>): Uint8Array;
  /** Zero `size` bytes at `base` and write the given fields. */
  write(view: DataView, values: StructValues<F>, base?: number): void;
  /** Read a numeric field. */
  get(view: DataView, field: keyof F & string, base?: number): number;
  /** Read a 64-bit field. */
  get64(view: DataView, field: keyof F & string, base?: number): bigint;
}

/**
 * Lay out a struct. Field order is the object's key order; names starting with `_` are padding
 * the kernel requires to be zero.
 *
 * @example
 * ```ts
 * const elem = struct({ mapFd: u32, key: ptr, value: ptr, flags: u64 });
 * elem.offsets.key; // 8
 * elem.size;        // 32
 * ```
 */
export function struct<F extends Record<string, Field>>(fields: F): Struct<F> {
  const offsets: Record<string, number> = {};
  let offset = 0;
  let maxAlign = 1;
  for (const [name, field] of Object.entries(fields)) {
    offset = alignUp(offset, field.align);
    offsets[name] = offset;
    offset += field.size;
    maxAlign = Math.max(maxAlign, field.align);
  }
  const size = alignUp(offset, maxAlign);
  const entries = Object.entries(fields);
  const layout: Struct<F> = {
    size,
    offsets: offsets as { [K in keyof F]: number },
    build(values) {
      const bytes = new Uint8Array(new ArrayBuffer(size));
      layout.write(new DataView(bytes.buffer), values);
      return bytes;
    },
    write(view, values, base = 0) {
      new Uint8Array(view.buffer, view.byteOffset + base, size).fill(0);
      for (const [name, field] of entries) {
        const value = (values as Record<string, unknown>)[name];
        if (value === undefined) continue;
        writeField(view, base + offsets[name]!, field, value, name);
      }
    },
    get(view, field, base = 0) {
      const f = fields[field]!;
      const at = base + offsets[field]!;
      if (f.kind === "u8") return view.getUint8(at);
      if (f.kind === "u16") return view.getUint16(at, LITTLE_ENDIAN);
      if (f.kind === "s32") return view.getInt32(at, LITTLE_ENDIAN);
      if (f.kind === "u32") return view.getUint32(at, LITTLE_ENDIAN);
      return Number(view.getBigUint64(at, LITTLE_ENDIAN));
    },
    get64(view, field, base = 0) {
      return view.getBigUint64(base + offsets[field]!, LITTLE_ENDIAN);
    },
  };
  return layout;
}

function writeField(view: DataView, at: number, field: Field, value: unknown, name: string): void {
  switch (field.kind) {
    case "u8":
      view.setUint8(at, value as number);
      return;
    case "u16":
      view.setUint16(at, value as number, LITTLE_ENDIAN);
      return;
    case "u32":
      view.setUint32(at, value as number, LITTLE_ENDIAN);
      return;
    case "s32":
      view.setInt32(at, value as number, LITTLE_ENDIAN);
      return;
    case "u64":
    case "ptr":
      view.setBigUint64(at, BigInt(value as number | bigint), LITTLE_ENDIAN);
      return;
    case "chars": {
      const bytes = typeof value === "string" ? new TextEncoder().encode(value) : (value as Uint8Array);
      // The kernel wants a NUL inside the array; longer names are cut, as libbpf does.
      const n = Math.min(bytes.length, field.size - (typeof value === "string" ? 1 : 0));
      new Uint8Array(view.buffer, view.byteOffset + at, n).set(bytes.subarray(0, n));
      return;
    }
    default:
      throw new Error(`layout: field ${name} has unknown kind ${field.kind}`);
  }
}

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

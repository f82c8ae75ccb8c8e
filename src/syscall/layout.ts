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

/** Field values where the fields named `S` are skipped, so may hold anything. */
export type SkipValues<F extends Record<string, Field>, S extends keyof F> = Omit<StructValues<F>, S> & { [K in S]?: unknown };

/** The values of a laid-out struct's fields. */
export type AttrValues<S> = S extends Struct<infer F> ? StructValues<F> : never;

/** A laid-out struct: its size, each field's offset, and a writer and reader. */
export interface Struct<F extends Record<string, Field>> {
  readonly size: number;
  readonly offsets: { readonly [K in keyof F]: number };
  /**
   * A fresh zeroed attribute with the given fields, in memory whose address is stable. Fields
   * named in `skip` are left zero whatever `values` holds under that name.
   */
  build<S extends keyof F & string = never>(values: SkipValues<F, S>, skip?: ReadonlySet<S>): Uint8Array;
  /** Zero `size` bytes at `base` and write the given fields (but those named in `skip`). */
  write<S extends keyof F & string = never>(view: DataView, values: SkipValues<F, S>, base?: number, skip?: ReadonlySet<S>): void;
  /** Write one field. */
  set<K extends keyof F & string>(view: DataView, field: K, value: ValueOf<F[K]>, base?: number): void;
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
  // Parallel arrays: a write walks them by index, without an entry array per field.
  const names = Object.keys(fields);
  const fieldList = names.map((n) => fields[n]!);
  const fieldOffsets = names.map((n) => offsets[n]!);
  const layout: Struct<F> = {
    size,
    offsets: offsets as { [K in keyof F]: number },
    build(values, skip) {
      const bytes = new Uint8Array(new ArrayBuffer(size));
      layout.write(new DataView(bytes.buffer), values, 0, skip);
      return bytes;
    },
    write(view, values, base = 0, skip) {
      new Uint8Array(view.buffer, view.byteOffset + base, size).fill(0);
      for (let i = 0; i < names.length; i++) {
        const value = (values as Record<string, unknown>)[names[i]!];
        if (value === undefined || (skip as ReadonlySet<string> | undefined)?.has(names[i]!)) continue;
        writeField(view, base + fieldOffsets[i]!, fieldList[i]!, value, names[i]!);
      }
    },
    set(view, field, value, base = 0) {
      writeField(view, base + offsets[field]!, fields[field]!, value, field);
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
      if (typeof value === "number" && value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
        // Two 32-bit halves: no bigint for the addresses and sizes every attribute carries.
        const low = value % 0x1_0000_0000;
        const high = (value - low) / 0x1_0000_0000;
        view.setUint32(at + (LITTLE_ENDIAN ? 0 : 4), low, LITTLE_ENDIAN);
        view.setUint32(at + (LITTLE_ENDIAN ? 4 : 0), high, LITTLE_ENDIAN);
        return;
      }
      view.setBigUint64(at, BigInt(value as number | bigint), LITTLE_ENDIAN);
      return;
    case "chars": {
      const bytes = typeof value === "string" ? utf8.encode(value) : (value as Uint8Array);
      // The kernel wants a NUL inside the array; longer names are cut, as libbpf does.
      const n = Math.min(bytes.length, field.size - (typeof value === "string" ? 1 : 0));
      new Uint8Array(view.buffer, view.byteOffset + at, n).set(bytes.subarray(0, n));
      return;
    }
    default:
      throw new Error(`layout: field ${name} has unknown kind ${field.kind}`);
  }
}

const utf8 = new TextEncoder();

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

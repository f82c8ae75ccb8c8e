/**
 * The single validating pass over a BTF type section. It records where each type starts and its
 * kind, and checks every length, string offset, vlen and referenced type id, so that later lazy
 * decoding can read the records without bounds checks failing as RangeErrors.
 *
 * @module
 */

import { BTFError } from "../errors.js";
import type { ByteOrder } from "./header.js";
import { Kind, MAX_KIND, kindName } from "./kind.js";
import type { StringTable } from "./strings.js";

// Kind numbers as plain constants: the scan loop compares them for every record, and a property
// load per comparison (through a module namespace or loader getter) dominates its time.
const K_INT: number = Kind.Int;
const K_POINTER: number = Kind.Pointer;
const K_ARRAY: number = Kind.Array;
const K_STRUCT: number = Kind.Struct;
const K_UNION: number = Kind.Union;
const K_ENUM: number = Kind.Enum;
const K_FWD: number = Kind.Fwd;
const K_TYPEDEF: number = Kind.Typedef;
const K_VOLATILE: number = Kind.Volatile;
const K_CONST: number = Kind.Const;
const K_RESTRICT: number = Kind.Restrict;
const K_FUNC: number = Kind.Func;
const K_FUNC_PROTO: number = Kind.FuncProto;
const K_VAR: number = Kind.Var;
const K_DATASEC: number = Kind.Datasec;
const K_FLOAT: number = Kind.Float;
const K_DECL_TAG: number = Kind.DeclTag;
const K_TYPE_TAG: number = Kind.TypeTag;
const K_ENUM64: number = Kind.Enum64;
const K_MAX: number = MAX_KIND;

/**
 * Size of `struct btf_type`, the fixed part of every type record.
 *
 * @example
 * ```ts
 * import { TYPE_HEADER_LEN } from "./raw.js";
 * const maxTypes = (typeLen: number) => Math.floor(typeLen / TYPE_HEADER_LEN);
 * ```
 */
export const TYPE_HEADER_LEN = 12;

/**
 * `BTF_MAX_TYPE`: the kernel's limit on type ids.
 *
 * @example
 * ```ts
 * import { MAX_TYPE_ID } from "ebpf/btf";
 * const fits = (n: number) => n <= MAX_TYPE_ID;
 * ```
 */
export const MAX_TYPE_ID = 0xfffff;

/**
 * Index over one validated type section.
 *
 * @example
 * ```ts
 * import { loadSpecFromBuffer } from "ebpf/btf";
 * import { readFileSync } from "node:fs";
 * const spec = loadSpecFromBuffer(readFileSync("/sys/kernel/btf/vmlinux"));
 * console.log(spec.raw.count, spec.raw.firstId);
 * ```
 */
export interface RawTypes {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly le: boolean;
  readonly byteOrder: ByteOrder;
  /** Id of the first type in this section: 1, or the base's next id for split BTF. */
  readonly firstId: number;
  /** Number of types in this section. */
  readonly count: number;
  /**
   * Absolute byte offset of each type record; index is `id - firstId`. The only array the scan
   * makes (as libbpf's `type_offs`): a kind or name offset is read from the record
   * ({@link kindAt}), as arrays of them would add 0.6 MB for vmlinux, and fresh memory costs a
   * page fault per 4 KiB (10 µs each in a VM).
   */
  readonly offsets: Uint32Array;
  readonly strings: StringTable;
}

/**
 * The kind of the type at `index` (its id minus `raw.firstId`), read from its record.
 *
 * @example
 * ```ts
 * import { kindAt } from "./raw.js";
 * const isStruct = kindAt(spec.raw, id - spec.raw.firstId) === Kind.Struct;
 * ```
 */
export function kindAt(raw: RawTypes, index: number): number {
  return (raw.view.getUint32(raw.offsets[index]! + 4, raw.le) >>> 24) & 0x1f;
}

function fail(id: number, kind: number, what: string): never {
  throw new BTFError(`type id ${id} (${kindName(kind)}): ${what}`);
}

/**
 * Walk the type section `[start, start + len)` of `bytes` once, validating it.
 *
 * @throws {BTFError} naming the type id and what is wrong.
 * @example
 * ```ts
 * import { scanTypes, parseHeader, StringTable } from "ebpf/btf";
 * import { readFileSync } from "node:fs";
 * const bytes = readFileSync("/sys/kernel/btf/vmlinux");
 * const h = parseHeader(bytes);
 * const strings = new StringTable(bytes.subarray(h.strOff, h.strOff + h.strLen));
 * const raw = scanTypes(bytes, h.typeOff, h.typeLen, h.byteOrder, strings, 1);
 * ```
 */
export function scanTypes(
  bytes: Uint8Array,
  start: number,
  len: number,
  byteOrder: ByteOrder,
  strings: StringTable,
  firstId: number,
): RawTypes {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = byteOrder === "little";
  const end = start + len;
  // Every record is at least 12 bytes, so this bounds the count by the input size. Start from a
  // guess of 24 bytes per record and grow, to avoid zeroing megabytes that are never used: Linux
  // 6.18's vmlinux averages 25 (126k records in 3.2 MB), so its index is made once (0.5 MB)
  // instead of twice (1.1 MB at 32).
  const maxCount = Math.floor(len / TYPE_HEADER_LEN);
  let cap = Math.min(maxCount, Math.max(64, Math.ceil(len / 24)));
  let offsets = new Uint32Array(cap);
  const strEnd = strings.end;
  let maxRef = 0;
  let n = 0;
  let off = start;
  while (off < end) {
    const id = firstId + n;
    if (end - off < TYPE_HEADER_LEN) fail(id, 0, `truncated record at offset ${off - start}`);
    const nameOff = view.getUint32(off, le);
    const info = view.getUint32(off + 4, le);
    const sizeOrType = view.getUint32(off + 8, le);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    if (kind === 0 || kind > K_MAX) fail(id, kind, "unknown kind");
    if (nameOff >= strEnd) fail(id, kind, `name offset ${nameOff} beyond string table (${strEnd} bytes)`);
    if (n === cap) {
      cap = Math.min(maxCount, cap * 2);
      const o = new Uint32Array(cap);
      o.set(offsets);
      offsets = o;
    }
    offsets[n] = off;
    n++;
    off += TYPE_HEADER_LEN;
    let extra = 0;
    switch (kind) {
      case K_INT:
        extra = 4;
        break;
      case K_ARRAY:
        extra = 12;
        break;
      case K_STRUCT:
      case K_UNION:
      case K_DATASEC:
      case K_ENUM64:
        extra = 12 * vlen;
        break;
      case K_ENUM:
      case K_FUNC_PROTO:
        extra = 8 * vlen;
        break;
      case K_VAR:
      case K_DECL_TAG:
        extra = 4;
        break;
      default:
        break;
    }
    if (end - off < extra) fail(id, kind, `record needs ${extra} more bytes, ${end - off} left (vlen ${vlen})`);
    switch (kind) {
      case K_INT: {
        const data = view.getUint32(off, le);
        const bits = data & 0xff;
        const bitOff = (data >>> 16) & 0xff;
        const enc = (data >>> 24) & 0xf;
        if (sizeOrType !== 1 && sizeOrType !== 2 && sizeOrType !== 4 && sizeOrType !== 8 && sizeOrType !== 16) {
          fail(id, kind, `invalid size ${sizeOrType}`);
        }
        if (bits === 0 || bits > 128 || bitOff + bits > sizeOrType * 8) {
          fail(id, kind, `${bits} bits at offset ${bitOff} do not fit ${sizeOrType} bytes`);
        }
        if (enc > 4 || enc === 3) fail(id, kind, `invalid encoding ${enc}`);
        break;
      }
      case K_POINTER:
      case K_TYPEDEF:
      case K_VOLATILE:
      case K_CONST:
      case K_RESTRICT:
      case K_TYPE_TAG:
        if (sizeOrType > maxRef) maxRef = sizeOrType;
        break;
      case K_FUNC:
        if (vlen > 2) fail(id, kind, `invalid linkage ${vlen}`);
        if (sizeOrType > maxRef) maxRef = sizeOrType;
        break;
      case K_VAR: {
        const linkage = view.getUint32(off, le);
        if (linkage > 2) fail(id, kind, `invalid linkage ${linkage}`);
        if (sizeOrType > maxRef) maxRef = sizeOrType;
        break;
      }
      case K_DECL_TAG: {
        if (view.getInt32(off, le) < -1) fail(id, kind, `invalid component index ${view.getInt32(off, le)}`);
        if (sizeOrType > maxRef) maxRef = sizeOrType;
        break;
      }
      case K_ARRAY: {
        const t = view.getUint32(off, le);
        const idx = view.getUint32(off + 4, le);
        if (t > maxRef) maxRef = t;
        if (idx > maxRef) maxRef = idx;
        break;
      }
      case K_STRUCT:
      case K_UNION:
        for (let p = off, e = off + extra; p < e; p += 12) {
          if (view.getUint32(p, le) >= strEnd) fail(id, kind, `member name offset beyond string table`);
          const t = view.getUint32(p + 4, le);
          if (t > maxRef) maxRef = t;
        }
        break;
      case K_ENUM:
        for (let p = off, e = off + extra; p < e; p += 8) {
          if (view.getUint32(p, le) >= strEnd) fail(id, kind, `value name offset beyond string table`);
        }
        break;
      case K_ENUM64:
        for (let p = off, e = off + extra; p < e; p += 12) {
          if (view.getUint32(p, le) >= strEnd) fail(id, kind, `value name offset beyond string table`);
        }
        break;
      case K_FUNC_PROTO:
        if (sizeOrType > maxRef) maxRef = sizeOrType;
        for (let p = off, e = off + extra; p < e; p += 8) {
          if (view.getUint32(p, le) >= strEnd) fail(id, kind, `parameter name offset beyond string table`);
          const t = view.getUint32(p + 4, le);
          if (t > maxRef) maxRef = t;
        }
        break;
      case K_DATASEC:
        for (let p = off, e = off + extra; p < e; p += 12) {
          const t = view.getUint32(p, le);
          if (t > maxRef) maxRef = t;
        }
        break;
      case K_ENUM:
      case K_FLOAT:
      case K_FWD:
      default:
        break;
    }
    off += extra;
  }
  const total = firstId + n;
  if (total - 1 > MAX_TYPE_ID) throw new BTFError(`${total - 1} types exceed the kernel's limit of ${MAX_TYPE_ID}`);
  if (maxRef >= total) findBadRef(view, le, offsets, n, firstId, total);
  return {
    bytes,
    view,
    le,
    byteOrder,
    firstId,
    count: n,
    // A view, not a copy: copying the index of vmlinux costs more than the slack it frees.
    offsets: offsets.subarray(0, n),
    strings,
  };
}

/** Slow path: name the first record that refers to a type id that does not exist. */
function findBadRef(
  view: DataView,
  le: boolean,
  offsets: Uint32Array,
  n: number,
  firstId: number,
  total: number,
): never {
  for (let i = 0; i < n; i++) {
    const id = firstId + i;
    const off = offsets[i]!;
    const kind = (view.getUint32(off + 4, le) >>> 24) & 0x1f;
    for (const ref of refsOf(view, le, off, kind)) {
      if (ref >= total) fail(id, kind, `refers to type id ${ref}, but the last id is ${total - 1}`);
    }
  }
  throw new BTFError("type section refers to a type id beyond the last type");
}

/** Type ids a record refers to, in record order. */
function refsOf(view: DataView, le: boolean, off: number, kind: number): number[] {
  const info = view.getUint32(off + 4, le);
  const vlen = info & 0xffff;
  const sizeOrType = view.getUint32(off + 8, le);
  const body = off + TYPE_HEADER_LEN;
  const out: number[] = [];
  switch (kind) {
    case K_POINTER:
    case K_TYPEDEF:
    case K_VOLATILE:
    case K_CONST:
    case K_RESTRICT:
    case K_TYPE_TAG:
    case K_FUNC:
    case K_VAR:
    case K_DECL_TAG:
      out.push(sizeOrType);
      break;
    case K_ARRAY:
      out.push(view.getUint32(body, le), view.getUint32(body + 4, le));
      break;
    case K_STRUCT:
    case K_UNION:
      for (let i = 0; i < vlen; i++) out.push(view.getUint32(body + i * 12 + 4, le));
      break;
    case K_FUNC_PROTO:
      out.push(sizeOrType);
      for (let i = 0; i < vlen; i++) out.push(view.getUint32(body + i * 8 + 4, le));
      break;
    case K_DATASEC:
      for (let i = 0; i < vlen; i++) out.push(view.getUint32(body + i * 12, le));
      break;
    default:
      break;
  }
  return out;
}

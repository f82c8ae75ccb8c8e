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
   * Absolute byte offset of every {@link CHECKPOINT_STRIDE}th type record (index `i` holds that
   * of type index `i * CHECKPOINT_STRIDE`, the type index being `id - firstId`); the others are
   * found by stepping over records from there ({@link offsetAt}). An offset per type would be
   * 0.5 MB for vmlinux, fresh memory on each parse, and fresh memory costs a page fault per
   * 4 KiB (10 µs each in a VM): a third of the parse.
   */
  readonly checkpoints: Uint32Array;
  readonly strings: StringTable;
}

/**
 * Types per entry of {@link RawTypes.checkpoints}.
 *
 * @example
 * ```ts
 * import { CHECKPOINT_STRIDE, loadKernelSpec } from "ebpf/btf";
 * const { raw } = loadKernelSpec();
 * console.log(raw.checkpoints.length === Math.ceil(raw.count / CHECKPOINT_STRIDE)); // true
 * ```
 */
export const CHECKPOINT_STRIDE = 8;

// Bytes a record has after its 12-byte header, by kind (the 5 bits of `info` above bit 24):
// a fixed part plus a part per entry (`vlen`, its low 16 bits). Tables, not a switch: walks over
// all of vmlinux's records compute this for each.
const FIXED_BODY = new Uint8Array(32);
const ENTRY_BODY = new Uint8Array(32);
for (const k of [K_INT, K_VAR, K_DECL_TAG]) FIXED_BODY[k] = 4;
FIXED_BODY[K_ARRAY] = 12;
for (const k of [K_STRUCT, K_UNION, K_DATASEC, K_ENUM64]) ENTRY_BODY[k] = 12;
for (const k of [K_ENUM, K_FUNC_PROTO]) ENTRY_BODY[k] = 8;

function bodyLength(kind: number, vlen: number): number {
  return FIXED_BODY[kind]! + ENTRY_BODY[kind]! * vlen;
}

/**
 * The offset just past the (validated) record at `off`: where the next type's record starts.
 *
 * @example
 * ```ts
 * import { loadKernelSpec, recordEnd } from "ebpf/btf";
 * const { raw } = loadKernelSpec();
 * let off = raw.checkpoints[0]!;
 * for (let i = 0; i < raw.count; i++) off = recordEnd(raw, off); // past the last record
 * ```
 */
export function recordEnd(raw: RawTypes, off: number): number {
  const info = raw.view.getUint32(off + 4, raw.le);
  return off + TYPE_HEADER_LEN + bodyLength((info >>> 24) & 0x1f, info & 0xffff);
}

/**
 * The byte offset of the record of the type at `index` (its id minus `raw.firstId`).
 *
 * @example
 * ```ts
 * import { loadKernelSpec, offsetAt } from "ebpf/btf";
 * const { raw } = loadKernelSpec();
 * const nameOff = raw.view.getUint32(offsetAt(raw, 100 - raw.firstId), raw.le); // type id 100
 * ```
 */
export function offsetAt(raw: RawTypes, index: number): number {
  let off = raw.checkpoints[(index / CHECKPOINT_STRIDE) | 0]!;
  for (let k = index % CHECKPOINT_STRIDE; k > 0; k--) off = recordEnd(raw, off);
  return off;
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
  return (raw.view.getUint32(offsetAt(raw, index) + 4, raw.le) >>> 24) & 0x1f;
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
  // Sized for 24 bytes per record, grown when there are more: Linux 6.18's vmlinux averages 25
  // (126k records in 3.2 MB), so its checkpoints are made once (66 KB).
  let cap = Math.max(8, Math.ceil(len / (24 * CHECKPOINT_STRIDE)));
  let checkpoints = new Uint32Array(cap);
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
    if (n % CHECKPOINT_STRIDE === 0) {
      const at = n / CHECKPOINT_STRIDE;
      if (at === cap) {
        cap *= 2;
        const c = new Uint32Array(cap);
        c.set(checkpoints);
        checkpoints = c;
      }
      checkpoints[at] = off;
    }
    n++;
    off += TYPE_HEADER_LEN;
    const extra = bodyLength(kind, vlen);
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
  const raw: RawTypes = {
    bytes,
    view,
    le,
    byteOrder,
    firstId,
    count: n,
    checkpoints: checkpoints.subarray(0, Math.ceil(n / CHECKPOINT_STRIDE)),
    strings,
  };
  if (maxRef >= total) findBadRef(raw, total);
  return raw;
}

/** Slow path: name the first record that refers to a type id that does not exist. */
function findBadRef(raw: RawTypes, total: number): never {
  const { view, le, firstId } = raw;
  for (let i = 0, off = raw.checkpoints[0]!; i < raw.count; i++, off = recordEnd(raw, off)) {
    const id = firstId + i;
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

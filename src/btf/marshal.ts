/**
 * Marshalling types into raw BTF for `BPF_BTF_LOAD`, with libbpf-style sanitisation for kernels
 * that lack newer kinds. Sanitisation rewrites records in place, so type ids stay the same and
 * func_info / line_info keep pointing at the right types.
 *
 * @module
 */

import { BTFError } from "../errors.js";
import { BTF_HEADER_LEN, BTF_MAGIC, hostByteOrder, type ByteOrder } from "./header.js";
import { Kind, kindName } from "./kind.js";
import { MAX_TYPE_ID } from "./raw.js";
import { Spec } from "./spec.js";
import { FuncLinkage, Int, VOID, type Member, type Type } from "./types.js";
import { StringTableBuilder, WordWriter } from "./writer.js";

/**
 * BTF features of the target kernel. A feature set to `false` is sanitised away; omitted ones are
 * assumed present.
 *
 * @example
 * ```ts
 * import type { BTFFeatures } from "ebpf/btf";
 * // A 5.10 kernel: no decl/type tags, no enum64.
 * const f: Partial<BTFFeatures> = { declTag: false, typeTag: false, enum64: false };
 * ```
 */
export interface BTFFeatures {
  /** FUNC and FUNC_PROTO (Linux 5.0). Without: FUNC becomes TYPEDEF, FUNC_PROTO an ENUM. */
  func: boolean;
  /** Global FUNC linkage (Linux 5.6). Without: every FUNC is static. */
  funcLinkage: boolean;
  /** VAR and DATASEC (Linux 5.2). Without: VAR becomes a 1-byte INT, DATASEC a STRUCT. */
  datasec: boolean;
  /** DATASEC names starting with `?` (recent kernels; libbpf's FEAT_BTF_QMARK_DATASEC). Without: `?` becomes `_`. */
  qmarkDatasec: boolean;
  /** FLOAT (Linux 5.13). Without: an empty anonymous STRUCT of the same size. */
  float: boolean;
  /** DECL_TAG (Linux 5.16). Without: a 1-byte anonymous INT. */
  declTag: boolean;
  /** TYPE_TAG (Linux 5.17). Without: CONST. */
  typeTag: boolean;
  /** ENUM64 and signed ENUM (Linux 6.0). Without: ENUM64 becomes a UNION, ENUM loses its sign. */
  enum64: boolean;
}

/**
 * Options of {@link marshalSpec}.
 *
 * @example
 * ```ts
 * import type { MarshalOptions } from "ebpf/btf";
 * const opts: MarshalOptions = { byteOrder: "little", sanitize: { typeTag: false } };
 * ```
 */
export interface MarshalOptions {
  /** Byte order of the output; the host's by default. */
  byteOrder?: ByteOrder;
  /** Features of the target kernel; kinds it lacks are replaced. */
  sanitize?: Partial<BTFFeatures>;
  /**
   * More strings for the string section (the file names and source lines of line info); their
   * offsets, with those of the types' names, are in the result's `strings`.
   */
  strings?: Iterable<string>;
}

/**
 * Marshal types into raw BTF: a header, the type section and the string section.
 *
 * Given a {@link Spec}, all its types (including a split spec's base) are written with their ids
 * unchanged. Given a list, its types get ids 1, 2, … in order, and any type they refer to that is
 * not in the list is appended after them. `typeIDs` of the result maps each written type to its
 * id, `strings` each string to its offset in the string section.
 *
 * @throws {BTFError} for a type that cannot be encoded (a bitfield offset beyond 2^24 bits, an
 *   enum value out of range, too many members).
 * @example
 * ```ts
 * import { loadKernelSpec, marshalSpec, Kind } from "ebpf/btf";
 * const task = loadKernelSpec().typeByName("task_struct", Kind.Struct);
 * const { bytes } = marshalSpec([task], { sanitize: { declTag: false, typeTag: false } });
 * ```
 */
export function marshalSpec(
  input: Spec | Iterable<Type>,
  options: MarshalOptions = {},
): { bytes: Uint8Array; typeIDs: Map<Type, number>; strings: ReadonlyMap<string, number> } {
  const le = (options.byteOrder ?? hostByteOrder()) === "little";
  const f: BTFFeatures = {
    func: true,
    funcLinkage: true,
    datasec: true,
    qmarkDatasec: true,
    float: true,
    declTag: true,
    typeTag: true,
    enum64: true,
    ...options.sanitize,
  };
  const list: Type[] = [];
  const ids = new Map<Type, number>([[VOID, 0]]);
  const add = (t: Type): void => {
    if (ids.has(t)) return;
    list.push(t);
    if (list.length > MAX_TYPE_ID) throw new BTFError(`more than ${MAX_TYPE_ID} types`);
    ids.set(t, list.length);
  };
  for (const t of input instanceof Spec ? input.types() : input) add(t);
  // Close over references: appended types are visited in turn.
  for (let i = 0; i < list.length; i++) visitRefs(list[i]!, add);

  // ENUM64 sanitised to a UNION needs a member type: one shared 1-byte INT, as libbpf adds.
  let placeholder = 0;
  if (!f.enum64 && list.some((t) => t.kind === Kind.Enum64)) {
    add(new Int({ name: "enum64_placeholder", size: 1, bits: 8 }));
    placeholder = list.length;
  }

  const strings = new StringTableBuilder();
  const w = new WordWriter(le);
  const id = (t: Type): number => ids.get(t)!;
  for (let i = 0; i < list.length; i++) encode(w, strings, list[i]!, i + 1, id, f, placeholder);
  if (options.strings !== undefined) for (const str of options.strings) strings.add(str);

  const types = w.bytes();
  const strs = strings.bytes();
  const out = new WordWriter(le);
  out.u16(BTF_MAGIC);
  out.u8(1);
  out.u8(0);
  out.u32(BTF_HEADER_LEN);
  out.u32(0);
  out.u32(types.length);
  out.u32(types.length);
  out.u32(strs.length);
  out.raw(types);
  out.raw(strs);
  ids.delete(VOID);
  return { bytes: out.bytes(), typeIDs: ids, strings: strings.offsets };
}

/** Calls `visit` with each type `t` refers to directly, in record order. */
function visitRefs(t: Type, visit: (r: Type) => void): void {
  switch (t.kind) {
    case Kind.Pointer:
      visit(t.target);
      return;
    case Kind.Array:
      visit(t.type);
      visit(t.index);
      return;
    case Kind.Struct:
    case Kind.Union:
      for (const m of t.members) visit(m.type);
      return;
    case Kind.Typedef:
    case Kind.Volatile:
    case Kind.Const:
    case Kind.Restrict:
    case Kind.TypeTag:
    case Kind.Func:
    case Kind.Var:
    case Kind.DeclTag:
      visit(t.type);
      return;
    case Kind.FuncProto:
      visit(t.return);
      for (const p of t.params) visit(p.type);
      return;
    case Kind.Datasec:
      for (const v of t.vars) visit(v.type);
      return;
    default:
      return;
  }
}

function info(kind: Kind, vlen: number, kflag: boolean): number {
  return ((kflag ? 0x80000000 : 0) | (kind << 24) | vlen) >>> 0;
}

function checkVlen(t: Type, n: number): number {
  if (n > 0xffff) throw new BTFError(`${kindName(t.kind)} ${t.name}: ${n} entries exceed 65535`);
  return n;
}

function u32(t: Type, what: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new BTFError(`${kindName(t.kind)} ${t.name || "(anonymous)"}: ${what} ${v} does not fit 32 bits`);
  }
  return v;
}

function encode(
  w: WordWriter,
  s: StringTableBuilder,
  t: Type,
  selfID: number,
  id: (t: Type) => number,
  f: BTFFeatures,
  placeholder: number,
): void {
  const head = (nameOff: number, kind: Kind, vlen: number, kflag: boolean, sizeOrType: number): void => {
    w.u32(nameOff);
    w.u32(info(kind, vlen, kflag));
    w.u32(sizeOrType);
  };
  switch (t.kind) {
    case Kind.Void:
      throw new BTFError("void cannot be marshalled as a type record");
    case Kind.Int:
      head(s.add(t.name), Kind.Int, 0, false, u32(t, "size", t.size));
      w.u32(((t.encoding & 0xf) << 24) | ((t.offset & 0xff) << 16) | (t.bits & 0xff));
      break;
    case Kind.Pointer:
      head(0, Kind.Pointer, 0, false, id(t.target));
      break;
    case Kind.Array:
      head(0, Kind.Array, 0, false, 0);
      w.u32(id(t.type));
      w.u32(id(t.index));
      w.u32(u32(t, "nelems", t.nelems));
      break;
    case Kind.Struct:
    case Kind.Union:
      members(w, s, t.kind, t.name, t.size, t.members, id, t);
      break;
    case Kind.Enum: {
      const signed = t.signed && f.enum64;
      head(s.add(t.name), Kind.Enum, checkVlen(t, t.values.length), signed, u32(t, "size", t.size));
      for (const v of t.values) {
        const ok = t.signed ? v.value >= -0x80000000 && v.value <= 0x7fffffff : v.value >= 0 && v.value <= 0xffffffff;
        if (!Number.isInteger(v.value) || !ok) throw new BTFError(`enum ${t.name}: value ${v.name} = ${v.value} out of range`);
        w.u32(s.add(v.name));
        w.u32(v.value >>> 0);
      }
      break;
    }
    case Kind.Enum64:
      if (!f.enum64) {
        head(s.add(t.name), Kind.Union, checkVlen(t, t.values.length), false, u32(t, "size", t.size));
        for (const v of t.values) {
          w.u32(s.add(v.name));
          w.u32(placeholder);
          w.u32(0);
        }
        break;
      }
      head(s.add(t.name), Kind.Enum64, checkVlen(t, t.values.length), t.signed, u32(t, "size", t.size));
      for (const v of t.values) {
        const u = BigInt.asUintN(64, v.value);
        if (BigInt.asIntN(64, v.value) !== v.value && u !== v.value) {
          throw new BTFError(`enum64 ${t.name}: value ${v.name} = ${v.value} does not fit 64 bits`);
        }
        w.u32(s.add(v.name));
        w.u32(Number(u & 0xffffffffn));
        w.u32(Number(u >> 32n));
      }
      break;
    case Kind.Fwd:
      head(s.add(t.name), Kind.Fwd, 0, t.fwdKind === 1, 0);
      break;
    case Kind.Typedef:
      head(s.add(t.name), Kind.Typedef, 0, false, id(t.type));
      break;
    case Kind.Volatile:
    case Kind.Const:
    case Kind.Restrict:
      head(0, t.kind, 0, false, id(t.type));
      break;
    case Kind.TypeTag:
      if (!f.typeTag) head(0, Kind.Const, 0, false, id(t.type));
      else head(s.add(t.value), Kind.TypeTag, 0, t.attribute, id(t.type));
      break;
    case Kind.Func:
      if (!f.func) head(s.add(t.name), Kind.Typedef, 0, false, id(t.type));
      else head(s.add(t.name), Kind.Func, f.funcLinkage ? t.linkage : FuncLinkage.Static, false, id(t.type));
      break;
    case Kind.FuncProto:
      // Without FUNC support the parameter records are reinterpreted as enum values, as libbpf does.
      head(0, f.func ? Kind.FuncProto : Kind.Enum, checkVlen(t, t.params.length), false, f.func ? id(t.return) : 4);
      for (const p of t.params) {
        w.u32(s.add(p.name));
        w.u32(id(p.type));
      }
      break;
    case Kind.Var:
      if (!f.datasec) {
        head(s.add(t.name), Kind.Int, 0, false, 1);
        w.u32(8);
        break;
      }
      head(s.add(t.name), Kind.Var, 0, false, id(t.type));
      w.u32(t.linkage);
      break;
    case Kind.Datasec: {
      if (!f.datasec) {
        const fields: Member[] = t.vars.map((v) => ({ name: v.type.name, type: v.type, bitOffset: v.offset * 8, bitfieldSize: 0 }));
        members(w, s, Kind.Struct, t.name.replaceAll(".", "_"), t.size, fields, id, t);
        break;
      }
      const name = !f.qmarkDatasec && t.name.startsWith("?") ? "_" + t.name.slice(1) : t.name;
      head(s.add(name), Kind.Datasec, checkVlen(t, t.vars.length), false, u32(t, "size", t.size));
      for (const v of t.vars) {
        w.u32(id(v.type));
        w.u32(u32(t, "offset", v.offset));
        w.u32(u32(t, "size", v.size));
      }
      break;
    }
    case Kind.Float:
      if (!f.float) head(0, Kind.Struct, 0, false, u32(t, "size", t.size));
      else head(s.add(t.name), Kind.Float, 0, false, u32(t, "size", t.size));
      break;
    case Kind.DeclTag:
      if (!f.declTag) {
        head(0, Kind.Int, 0, false, 1);
        w.u32(8);
        break;
      }
      if (!Number.isInteger(t.index) || t.index < -1 || t.index > 0x7fffffff) {
        throw new BTFError(`decl_tag ${t.value} [${selfID}]: invalid component index ${t.index}`);
      }
      head(s.add(t.value), Kind.DeclTag, 0, t.attribute, id(t.type));
      w.u32(t.index);
      break;
  }
}

function members(
  w: WordWriter,
  s: StringTableBuilder,
  kind: Kind,
  name: string,
  size: number,
  list: readonly Member[],
  id: (t: Type) => number,
  t: Type,
): void {
  // kind_flag is needed as soon as one member is a bitfield (Linux 5.0 semantics).
  const kflag = list.some((m) => m.bitfieldSize !== 0);
  w.u32(s.add(name));
  w.u32(info(kind, checkVlen(t, list.length), kflag));
  w.u32(u32(t, "size", size));
  for (const m of list) {
    w.u32(s.add(m.name));
    w.u32(id(m.type));
    if (kflag) {
      if (m.bitOffset < 0 || m.bitOffset > 0xffffff || m.bitfieldSize < 0 || m.bitfieldSize > 0xff) {
        throw new BTFError(`${kindName(kind)} ${name}: member ${m.name} bit offset ${m.bitOffset} / size ${m.bitfieldSize} cannot be encoded`);
      }
      w.u32((m.bitfieldSize << 24) | m.bitOffset);
    } else {
      if (!Number.isInteger(m.bitOffset) || m.bitOffset < 0 || m.bitOffset > 0xffffffff) {
        throw new BTFError(`${kindName(kind)} ${name || "(anonymous)"}: member ${m.name} bit offset ${m.bitOffset} does not fit 32 bits`);
      }
      w.u32(m.bitOffset);
    }
  }
}

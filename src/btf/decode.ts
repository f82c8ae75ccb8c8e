/**
 * Lazy materialisation of BTF types: a type and everything it refers to are turned into objects
 * on first request, except that the members of structs and unions are read when first accessed.
 * Referenced types are first created as empty shells and filled from a work list, so reference
 * cycles (pointer -> typedef -> pointer) need no recursion.
 *
 * @module
 */

import { BTFError } from "../errors.js";
import { Kind, kindName } from "./kind.js";
import { kindAt, offsetAt, TYPE_HEADER_LEN, type RawTypes } from "./raw.js";
import {
  Array as ArrayType,
  Const,
  Datasec,
  DeclTag,
  Enum,
  Enum64,
  Float,
  Func,
  FuncProto,
  Fwd,
  Int,
  Pointer,
  Restrict,
  Struct,
  Typedef,
  TypeTag,
  Union,
  Var,
  VOID,
  Volatile,
  lazyMembers,
  type Member,
  type Type,
} from "./types.js";

/**
 * What the decoder needs from a spec: its raw section, its object cache and the base spec's
 * lookup for ids below `raw.firstId`.
 *
 * @example
 * ```ts
 * // Internal to Spec; see Spec.typeByID.
 * ```
 */
export interface DecodeContext {
  readonly raw: RawTypes;
  /** Decoded types by index (`id - raw.firstId`): a map, as a load decodes few of vmlinux's types. */
  readonly cache: Map<number, Type>;
  readonly ids: Map<Type, number>;
  readonly baseTypeByID: ((id: number) => Type) | undefined;
}

// A struct or union reads its members (ctx, id) on first access.
function shell(kind: number, ctx: DecodeContext, id: number): Type {
  switch (kind) {
    case Kind.Int:
      return new Int();
    case Kind.Pointer:
      return new Pointer();
    case Kind.Array:
      return new ArrayType();
    case Kind.Struct:
      return new Struct({ [lazyMembers]: () => decodeMembers(ctx, id) });
    case Kind.Union:
      return new Union({ [lazyMembers]: () => decodeMembers(ctx, id) });
    case Kind.Enum:
      return new Enum();
    case Kind.Fwd:
      return new Fwd();
    case Kind.Typedef:
      return new Typedef();
    case Kind.Volatile:
      return new Volatile();
    case Kind.Const:
      return new Const();
    case Kind.Restrict:
      return new Restrict();
    case Kind.Func:
      return new Func();
    case Kind.FuncProto:
      return new FuncProto();
    case Kind.Var:
      return new Var();
    case Kind.Datasec:
      return new Datasec();
    case Kind.Float:
      return new Float();
    case Kind.DeclTag:
      return new DeclTag();
    case Kind.TypeTag:
      return new TypeTag();
    case Kind.Enum64:
      return new Enum64();
    default:
      throw new BTFError(`cannot decode ${kindName(kind)}`);
  }
}

/**
 * The type with `id`, materialised with all types it refers to.
 *
 * @throws {BTFError} for an id out of range or a record whose references break BTF's rules
 *   (a func whose type is not a func_proto, a decl tag on a missing member).
 * @example
 * ```ts
 * // Internal to Spec; use spec.typeByID(id).
 * ```
 */
export function decodeType(ctx: DecodeContext, id: number): Type {
  const { raw, cache, ids } = ctx;
  if (!Number.isInteger(id) || id < 0) throw new BTFError(`invalid type id ${id}`);
  if (id === 0) return VOID;
  if (id < raw.firstId) {
    if (ctx.baseTypeByID === undefined) throw new BTFError(`invalid type id ${id}`);
    return ctx.baseTypeByID(id);
  }
  const idx = id - raw.firstId;
  if (idx >= raw.count) throw new BTFError(`type id ${id} out of range (last id is ${raw.firstId + raw.count - 1})`);
  const cached = cache.get(idx);
  if (cached !== undefined) return cached;

  const pending: number[] = [];
  const created: number[] = [];
  const get = (ref: number): Type => {
    if (ref === 0) return VOID;
    if (ref < raw.firstId) return ctx.baseTypeByID!(ref);
    const i = ref - raw.firstId;
    let t = cache.get(i);
    if (t === undefined) {
      t = shell(kindAt(raw, i), ctx, ref);
      cache.set(i, t);
      ids.set(t, ref);
      pending.push(ref);
      created.push(i);
    }
    return t;
  };
  const root = get(id);
  try {
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      fill(raw, next, cache.get(next - raw.firstId)!, get);
    }
  } catch (err) {
    // Leave no half-filled shells behind.
    for (const i of created) {
      ids.delete(cache.get(i)!);
      cache.delete(i);
    }
    throw err;
  }
  return root;
}

/** The members of struct or union `id`, each member's type decoded (with its references). */
function decodeMembers(ctx: DecodeContext, id: number): Member[] {
  const { view, le, strings } = ctx.raw;
  const off = offsetAt(ctx.raw, id - ctx.raw.firstId);
  const info = view.getUint32(off + 4, le);
  const vlen = info & 0xffff;
  const kflag = info >>> 31 === 1;
  const body = off + TYPE_HEADER_LEN;
  const members = new globalThis.Array<Member>(vlen);
  for (let i = 0; i < vlen; i++) {
    const p = body + i * 12;
    const mOff = view.getUint32(p + 8, le);
    const mName = view.getUint32(p, le);
    members[i] = {
      name: mName === 0 ? "" : strings.lookup(mName),
      type: decodeType(ctx, view.getUint32(p + 4, le)),
      bitOffset: kflag ? mOff & 0xffffff : mOff,
      bitfieldSize: kflag ? mOff >>> 24 : 0,
    };
  }
  return members;
}

function fail(id: number, t: Type, what: string): never {
  throw new BTFError(`type id ${id} (${kindName(t.kind)}): ${what}`);
}

function fill(raw: RawTypes, id: number, t: Type, get: (ref: number) => Type): void {
  const { view, le, strings } = raw;
  const off = offsetAt(raw, id - raw.firstId);
  const nameOff = view.getUint32(off, le);
  const info = view.getUint32(off + 4, le);
  const sizeOrType = view.getUint32(off + 8, le);
  const vlen = info & 0xffff;
  const kflag = info >>> 31 === 1;
  const body = off + TYPE_HEADER_LEN;
  const name = nameOff === 0 ? "" : strings.lookup(nameOff);
  switch (t.kind) {
    case Kind.Int: {
      const data = view.getUint32(body, le);
      t.name = name;
      t.size = sizeOrType;
      t.encoding = (data >>> 24) & 0xf;
      t.offset = (data >>> 16) & 0xff;
      t.bits = data & 0xff;
      break;
    }
    case Kind.Pointer:
      t.target = get(sizeOrType);
      break;
    case Kind.Array:
      t.type = get(view.getUint32(body, le));
      t.index = get(view.getUint32(body + 4, le));
      t.nelems = view.getUint32(body + 8, le);
      break;
    case Kind.Struct:
    case Kind.Union:
      // Members are read on first access (decodeMembers).
      t.name = name;
      t.size = sizeOrType;
      break;
    case Kind.Enum: {
      t.name = name;
      t.size = sizeOrType;
      t.signed = kflag;
      const values = new globalThis.Array(vlen);
      for (let i = 0; i < vlen; i++) {
        const p = body + i * 8;
        const vName = view.getUint32(p, le);
        values[i] = {
          name: vName === 0 ? "" : strings.lookup(vName),
          value: kflag ? view.getInt32(p + 4, le) : view.getUint32(p + 4, le),
        };
      }
      t.values = values;
      break;
    }
    case Kind.Enum64: {
      t.name = name;
      t.size = sizeOrType;
      t.signed = kflag;
      const values = new globalThis.Array(vlen);
      for (let i = 0; i < vlen; i++) {
        const p = body + i * 12;
        const vName = view.getUint32(p, le);
        const v = (BigInt(view.getUint32(p + 8, le)) << 32n) | BigInt(view.getUint32(p + 4, le));
        values[i] = { name: vName === 0 ? "" : strings.lookup(vName), value: kflag ? BigInt.asIntN(64, v) : v };
      }
      t.values = values;
      break;
    }
    case Kind.Fwd:
      t.name = name;
      t.fwdKind = kflag ? 1 : 0;
      break;
    case Kind.Typedef:
      t.name = name;
      t.type = get(sizeOrType);
      break;
    case Kind.Volatile:
    case Kind.Const:
    case Kind.Restrict:
      t.type = get(sizeOrType);
      break;
    case Kind.TypeTag:
      t.value = name;
      t.attribute = kflag;
      t.type = get(sizeOrType);
      break;
    case Kind.Func: {
      const proto = get(sizeOrType);
      if (proto.kind !== Kind.FuncProto) fail(id, t, `type ${sizeOrType} is ${kindName(proto.kind)}, not func_proto`);
      t.name = name;
      t.type = proto;
      t.linkage = vlen;
      break;
    }
    case Kind.FuncProto: {
      t.return = get(sizeOrType);
      const params = new globalThis.Array(vlen);
      for (let i = 0; i < vlen; i++) {
        const p = body + i * 8;
        const pName = view.getUint32(p, le);
        params[i] = { name: pName === 0 ? "" : strings.lookup(pName), type: get(view.getUint32(p + 4, le)) };
      }
      t.params = params;
      break;
    }
    case Kind.Var:
      t.name = name;
      t.type = get(sizeOrType);
      t.linkage = view.getUint32(body, le);
      break;
    case Kind.Datasec: {
      t.name = name;
      t.size = sizeOrType;
      const vars = new globalThis.Array(vlen);
      for (let i = 0; i < vlen; i++) {
        const p = body + i * 12;
        const ref = view.getUint32(p, le);
        const v = get(ref);
        if (v.kind !== Kind.Var && v.kind !== Kind.Func) {
          fail(id, t, `entry ${i} refers to ${kindName(v.kind)} ${ref}, not a var`);
        }
        vars[i] = { type: v, offset: view.getUint32(p + 4, le), size: view.getUint32(p + 8, le) };
      }
      t.vars = vars;
      break;
    }
    case Kind.Float:
      t.name = name;
      t.size = sizeOrType;
      break;
    case Kind.DeclTag: {
      t.value = name;
      t.attribute = kflag;
      t.type = get(sizeOrType);
      t.index = view.getInt32(body, le);
      if (t.index >= 0) checkComponent(raw, id, t, sizeOrType);
      break;
    }
    default:
      break;
  }
}

/** A decl tag's component index must name an existing member or parameter. */
function checkComponent(raw: RawTypes, id: number, t: DeclTag, target: number): void {
  if (target < raw.firstId) return;
  const i = target - raw.firstId;
  const off = offsetAt(raw, i);
  const info = raw.view.getUint32(off + 4, raw.le);
  const kind = (info >>> 24) & 0x1f;
  const vlen = info & 0xffff;
  if (kind === Kind.Struct || kind === Kind.Union) {
    if (t.index < vlen) return;
  } else if (kind === Kind.Func) {
    const proto = raw.view.getUint32(off + 8, raw.le);
    if (proto < raw.firstId) return;
    const pvlen = raw.view.getUint32(offsetAt(raw, proto - raw.firstId) + 4, raw.le) & 0xffff;
    if (t.index < pvlen) return;
  }
  fail(id, t, `component index ${t.index} invalid for ${kindName(kind)} ${target}`);
}

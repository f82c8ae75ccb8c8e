/**
 * The BTF type model: one class per kind. Types refer to each other by object, never by id; a
 * {@link Spec} maps between the two.
 *
 * @module
 */

import { Kind } from "./kind.js";

/**
 * Encoding bits of an {@link Int} (`BTF_INT_SIGNED`, `BTF_INT_CHAR`, `BTF_INT_BOOL`).
 *
 * @example
 * ```ts
 * import { IntEncoding } from "ebpf/btf";
 * const signedChar = IntEncoding.Signed | IntEncoding.Char;
 * ```
 */
export enum IntEncoding {
  Unsigned = 0,
  Signed = 1,
  Char = 2,
  Bool = 4,
}

/**
 * Linkage of a {@link Func} (stored in the record's vlen; global and extern need Linux 5.6).
 *
 * @example
 * ```ts
 * import { FuncLinkage } from "ebpf/btf";
 * const l = FuncLinkage.Global;
 * ```
 */
export enum FuncLinkage {
  Static = 0,
  Global = 1,
  Extern = 2,
}

/**
 * Linkage of a {@link Var} (`BTF_VAR_STATIC`, `BTF_VAR_GLOBAL_ALLOCATED`, `BTF_VAR_GLOBAL_EXTERN`).
 *
 * @example
 * ```ts
 * import { VarLinkage } from "ebpf/btf";
 * const l = VarLinkage.Extern;
 * ```
 */
export enum VarLinkage {
  Static = 0,
  Global = 1,
  Extern = 2,
}

/**
 * Whether a {@link Fwd} declares a struct or a union (the record's kind_flag).
 *
 * @example
 * ```ts
 * import { Fwd, FwdKind } from "ebpf/btf";
 * const f = new Fwd({ name: "sk_buff", fwdKind: FwdKind.Struct });
 * ```
 */
export enum FwdKind {
  Struct = 0,
  Union = 1,
}

/**
 * `void`: type id 0. There is one instance, {@link VOID}.
 *
 * @example
 * ```ts
 * import { VOID, Pointer } from "ebpf/btf";
 * const voidPtr = new Pointer({ target: VOID });
 * ```
 */
export class Void {
  readonly kind = Kind.Void;
  readonly name = "";
}

/**
 * The `void` type.
 *
 * @example
 * ```ts
 * import { VOID } from "ebpf/btf";
 * console.log(VOID.kind); // 0
 * ```
 */
export const VOID = new Void();

/**
 * An integer type. `bits` is the number of value bits and `offset` a bit offset inside the
 * storage of `size` bytes (both as in `BTF_INT_BITS` / `BTF_INT_OFFSET`).
 *
 * @example
 * ```ts
 * import { Int, IntEncoding } from "ebpf/btf";
 * const s32 = new Int({ name: "int", size: 4, encoding: IntEncoding.Signed });
 * ```
 */
export class Int {
  readonly kind = Kind.Int;
  name = "";
  size = 0;
  encoding: IntEncoding = IntEncoding.Unsigned;
  /** Value bits; defaults to `size * 8`. */
  bits = 0;
  offset = 0;
  constructor(init?: Partial<Omit<Int, "kind">>) {
    if (init) Object.assign(this, init);
    if (init?.bits === undefined) this.bits = this.size * 8;
  }
}

/**
 * A pointer to `target`.
 *
 * @example
 * ```ts
 * import { Pointer, Int } from "ebpf/btf";
 * const p = new Pointer({ target: new Int({ name: "char", size: 1 }) });
 * ```
 */
export class Pointer {
  readonly kind = Kind.Pointer;
  readonly name = "";
  target: Type = VOID;
  constructor(init?: Partial<Omit<Pointer, "kind" | "name">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * An array of `nelems` elements of `type`, indexed by `index` (an integer type).
 *
 * @example
 * ```ts
 * import { Array as BTFArray, Int } from "ebpf/btf";
 * const u8 = new Int({ name: "u8", size: 1 });
 * const comm = new BTFArray({ type: u8, index: u8, nelems: 16 });
 * ```
 */
export class Array {
  readonly kind = Kind.Array;
  readonly name = "";
  type: Type = VOID;
  index: Type = VOID;
  nelems = 0;
  constructor(init?: Partial<Omit<Array, "kind" | "name">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A member of a {@link Struct} or {@link Union}. `bitfieldSize` is 0 unless the member is a
 * bitfield of a record with kind_flag set.
 *
 * @example
 * ```ts
 * import { Int, type Member } from "ebpf/btf";
 * const m: Member = { name: "pid", type: new Int({ name: "int", size: 4 }), bitOffset: 0, bitfieldSize: 0 };
 * ```
 */
export interface Member {
  name: string;
  type: Type;
  bitOffset: number;
  bitfieldSize: number;
}

/**
 * Key of the constructor option with which the decoder makes a struct or union whose members are
 * read from BTF on first access: decoding a kernel struct then stops at its own record instead of
 * materialising everything reachable from it (most of vmlinux for `task_struct`). Internal to
 * the BTF package.
 *
 * @example
 * ```ts
 * // Internal: new Struct({ [lazyMembers]: () => decodeMembers() });
 * ```
 */
export const lazyMembers: unique symbol = Symbol("lazyMembers");

/** Constructor options of {@link Struct} and {@link Union}. */
type RecordInit<T> = Partial<Omit<T, "kind">> & { [lazyMembers]?: () => Member[] };

// The members of a record made with `lazyMembers`, or the function that reads them: a
// non-enumerable own property, so deep equality and spreads see only `members`.
const lazyState: unique symbol = Symbol("lazyState");
type LazyRecord = (Struct | Union) & { [lazyState]: Member[] | (() => Member[]) };

// `members` as an own, enumerable accessor that reads them once: it looks like the data property
// to Object.keys, spreads and deep equality. One accessor pair for every record: a pair made per
// object gave each its own hidden class, which V8 frees only in a full collection, and the
// closures it held (with the whole decoder) survived every scavenge until then (about 700 KiB
// promoted per 40 parses of a small object).
const membersAccessor: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: LazyRecord): Member[] {
    const state = this[lazyState];
    return typeof state === "function" ? (this[lazyState] = state()) : state;
  },
  set(this: LazyRecord, members: Member[]): void {
    this[lazyState] = members;
  },
};

function defineLazyMembers(t: Struct | Union, read: () => Member[]): void {
  Object.defineProperty(t, lazyState, { value: read, writable: true });
  Object.defineProperty(t, "members", membersAccessor);
}

/**
 * A struct of `size` bytes.
 *
 * @example
 * ```ts
 * import { Struct, Int } from "ebpf/btf";
 * const int = new Int({ name: "int", size: 4, encoding: 1 });
 * const s = new Struct({ name: "pair", size: 8, members: [
 *   { name: "a", type: int, bitOffset: 0, bitfieldSize: 0 },
 *   { name: "b", type: int, bitOffset: 32, bitfieldSize: 0 },
 * ] });
 * ```
 */
export class Struct {
  readonly kind = Kind.Struct;
  name = "";
  size = 0;
  declare members: Member[];
  constructor(init?: RecordInit<Struct>) {
    const read = init?.[lazyMembers];
    if (read !== undefined) {
      defineLazyMembers(this, read);
      return;
    }
    this.members = [];
    if (init) Object.assign(this, init);
  }
}

/**
 * A union of `size` bytes.
 *
 * @example
 * ```ts
 * import { Union, Int } from "ebpf/btf";
 * const u = new Union({ name: "u", size: 4, members: [
 *   { name: "i", type: new Int({ name: "int", size: 4 }), bitOffset: 0, bitfieldSize: 0 },
 * ] });
 * ```
 */
export class Union {
  readonly kind = Kind.Union;
  name = "";
  size = 0;
  declare members: Member[];
  constructor(init?: RecordInit<Union>) {
    const read = init?.[lazyMembers];
    if (read !== undefined) {
      defineLazyMembers(this, read);
      return;
    }
    this.members = [];
    if (init) Object.assign(this, init);
  }
}

/**
 * A value of an {@link Enum}: signed when the enum is, otherwise unsigned.
 *
 * @example
 * ```ts
 * import type { EnumValue } from "ebpf/btf";
 * const v: EnumValue = { name: "BPF_ANY", value: 0 };
 * ```
 */
export interface EnumValue {
  name: string;
  value: number;
}

/**
 * An enumeration with 32-bit values stored in `size` bytes (1, 2, 4 or 8). `signed` is the
 * record's kind_flag (Linux 6.0).
 *
 * @example
 * ```ts
 * import { Enum } from "ebpf/btf";
 * const e = new Enum({ name: "e", size: 4, values: [{ name: "A", value: 1 }] });
 * ```
 */
export class Enum {
  readonly kind = Kind.Enum;
  name = "";
  size = 4;
  signed = false;
  values: EnumValue[] = [];
  constructor(init?: Partial<Omit<Enum, "kind">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A value of an {@link Enum64}.
 *
 * @example
 * ```ts
 * import type { Enum64Value } from "ebpf/btf";
 * const v: Enum64Value = { name: "LARGE", value: 0x1ffffffffn };
 * ```
 */
export interface Enum64Value {
  name: string;
  value: bigint;
}

/**
 * An enumeration with 64-bit values (Linux 6.0).
 *
 * @example
 * ```ts
 * import { Enum64 } from "ebpf/btf";
 * const e = new Enum64({ name: "e64", size: 8, values: [{ name: "LARGE", value: 0x1ffffffffn }] });
 * ```
 */
export class Enum64 {
  readonly kind = Kind.Enum64;
  name = "";
  size = 8;
  signed = false;
  values: Enum64Value[] = [];
  constructor(init?: Partial<Omit<Enum64, "kind">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A forward declaration of a struct or union.
 *
 * @example
 * ```ts
 * import { Fwd, FwdKind } from "ebpf/btf";
 * const f = new Fwd({ name: "sock", fwdKind: FwdKind.Struct });
 * ```
 */
export class Fwd {
  readonly kind = Kind.Fwd;
  name = "";
  fwdKind: FwdKind = FwdKind.Struct;
  constructor(init?: Partial<Omit<Fwd, "kind">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A typedef naming `type`.
 *
 * @example
 * ```ts
 * import { Typedef, Int } from "ebpf/btf";
 * const u32 = new Typedef({ name: "u32", type: new Int({ name: "unsigned int", size: 4 }) });
 * ```
 */
export class Typedef {
  readonly kind = Kind.Typedef;
  name = "";
  type: Type = VOID;
  constructor(init?: Partial<Omit<Typedef, "kind">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * The `volatile` qualifier on `type`.
 *
 * @example
 * ```ts
 * import { Volatile, Int } from "ebpf/btf";
 * const v = new Volatile({ type: new Int({ name: "int", size: 4 }) });
 * ```
 */
export class Volatile {
  readonly kind = Kind.Volatile;
  readonly name = "";
  type: Type = VOID;
  constructor(init?: Partial<Omit<Volatile, "kind" | "name">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * The `const` qualifier on `type`.
 *
 * @example
 * ```ts
 * import { Const, Int } from "ebpf/btf";
 * const c = new Const({ type: new Int({ name: "char", size: 1 }) });
 * ```
 */
export class Const {
  readonly kind = Kind.Const;
  readonly name = "";
  type: Type = VOID;
  constructor(init?: Partial<Omit<Const, "kind" | "name">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * The `restrict` qualifier on `type`.
 *
 * @example
 * ```ts
 * import { Restrict, Pointer, VOID } from "ebpf/btf";
 * const r = new Restrict({ type: new Pointer({ target: VOID }) });
 * ```
 */
export class Restrict {
  readonly kind = Kind.Restrict;
  readonly name = "";
  type: Type = VOID;
  constructor(init?: Partial<Omit<Restrict, "kind" | "name">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A function: a name, a {@link FuncProto} and a linkage (Linux 5.0).
 *
 * @example
 * ```ts
 * import { Func, FuncProto, FuncLinkage, VOID } from "ebpf/btf";
 * const f = new Func({ name: "main", type: new FuncProto({ return: VOID }), linkage: FuncLinkage.Global });
 * ```
 */
export class Func {
  readonly kind = Kind.Func;
  name = "";
  type: FuncProto = new FuncProto();
  linkage: FuncLinkage = FuncLinkage.Static;
  constructor(init?: Partial<Omit<Func, "kind">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A parameter of a {@link FuncProto}. A trailing parameter of type void with no name marks a
 * variadic function.
 *
 * @example
 * ```ts
 * import { Int, type FuncParam } from "ebpf/btf";
 * const p: FuncParam = { name: "ctx", type: new Int({ name: "long", size: 8 }) };
 * ```
 */
export interface FuncParam {
  name: string;
  type: Type;
}

/**
 * A function prototype: return type and parameters (Linux 5.0).
 *
 * @example
 * ```ts
 * import { FuncProto, Int } from "ebpf/btf";
 * const int = new Int({ name: "int", size: 4, encoding: 1 });
 * const proto = new FuncProto({ return: int, params: [{ name: "x", type: int }] });
 * ```
 */
export class FuncProto {
  readonly kind = Kind.FuncProto;
  readonly name = "";
  return: Type = VOID;
  params: FuncParam[] = [];
  constructor(init?: Partial<Omit<FuncProto, "kind" | "name">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A variable (Linux 5.2).
 *
 * @example
 * ```ts
 * import { Var, VarLinkage, Int } from "ebpf/btf";
 * const v = new Var({ name: "counter", type: new Int({ name: "int", size: 4 }), linkage: VarLinkage.Global });
 * ```
 */
export class Var {
  readonly kind = Kind.Var;
  name = "";
  type: Type = VOID;
  linkage: VarLinkage = VarLinkage.Static;
  constructor(init?: Partial<Omit<Var, "kind">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A variable's place in a {@link Datasec}: its byte offset and size.
 *
 * @example
 * ```ts
 * import { Var, Int, type VarSecinfo } from "ebpf/btf";
 * const int = new Int({ name: "int", size: 4 });
 * const s: VarSecinfo = { type: new Var({ name: "x", type: int }), offset: 0, size: 4 };
 * ```
 */
export interface VarSecinfo {
  /** Normally a {@link Var}; a Func for `.ksyms` kfuncs. */
  type: Type;
  offset: number;
  size: number;
}

/**
 * A data section (`.data`, `.bss`, `.rodata`, `.maps`, `.ksyms` …) and the variables in it
 * (Linux 5.2).
 *
 * @example
 * ```ts
 * import { Datasec } from "ebpf/btf";
 * const bss = new Datasec({ name: ".bss", size: 0, vars: [] });
 * ```
 */
export class Datasec {
  readonly kind = Kind.Datasec;
  name = "";
  size = 0;
  vars: VarSecinfo[] = [];
  constructor(init?: Partial<Omit<Datasec, "kind">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A floating point type of `size` bytes (Linux 5.13).
 *
 * @example
 * ```ts
 * import { Float } from "ebpf/btf";
 * const d = new Float({ name: "double", size: 8 });
 * ```
 */
export class Float {
  readonly kind = Kind.Float;
  name = "";
  size = 0;
  constructor(init?: Partial<Omit<Float, "kind">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A declaration tag `value` on `type`, or on its member / parameter number `index` when
 * `index >= 0` (Linux 5.16). `attribute` is the record's kind_flag: the tag is a C attribute.
 *
 * @example
 * ```ts
 * import { DeclTag, Struct } from "ebpf/btf";
 * const t = new DeclTag({ value: "c", type: new Struct({ name: "s" }), index: -1 });
 * ```
 */
export class DeclTag {
  readonly kind = Kind.DeclTag;
  readonly name = "";
  value = "";
  type: Type = VOID;
  index = -1;
  attribute = false;
  constructor(init?: Partial<Omit<DeclTag, "kind" | "name">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * A type tag `value` on `type`, such as `__user` or `__rcu` (Linux 5.17). `attribute` is the
 * record's kind_flag.
 *
 * @example
 * ```ts
 * import { TypeTag, Int } from "ebpf/btf";
 * const t = new TypeTag({ value: "user", type: new Int({ name: "int", size: 4 }) });
 * ```
 */
export class TypeTag {
  readonly kind = Kind.TypeTag;
  readonly name = "";
  value = "";
  type: Type = VOID;
  attribute = false;
  constructor(init?: Partial<Omit<TypeTag, "kind" | "name">>) {
    if (init) Object.assign(this, init);
  }
}

/**
 * Any BTF type. Narrow it with `switch (t.kind)` or `instanceof`.
 *
 * @example
 * ```ts
 * import { Kind, type Type } from "ebpf/btf";
 * function isComposite(t: Type): boolean {
 *   return t.kind === Kind.Struct || t.kind === Kind.Union;
 * }
 * ```
 */
export type Type =
  | Void
  | Int
  | Pointer
  | Array
  | Struct
  | Union
  | Enum
  | Fwd
  | Typedef
  | Volatile
  | Const
  | Restrict
  | Func
  | FuncProto
  | Var
  | Datasec
  | Float
  | DeclTag
  | TypeTag
  | Enum64;

/**
 * Qualifier-like types that wrap another type without changing its layout.
 *
 * @example
 * ```ts
 * import type { Qualifier } from "ebpf/btf";
 * function inner(q: Qualifier) { return q.type; }
 * ```
 */
export type Qualifier = Volatile | Const | Restrict | TypeTag;

/**
 * Whether `t` is `const`, `volatile`, `restrict` or a type tag.
 *
 * @example
 * ```ts
 * import { isQualifier, Const, VOID } from "ebpf/btf";
 * isQualifier(new Const({ type: VOID })); // true
 * ```
 */
export function isQualifier(t: Type): t is Qualifier {
  return (
    t.kind === Kind.Const || t.kind === Kind.Volatile || t.kind === Kind.Restrict || t.kind === Kind.TypeTag
  );
}

/**
 * Compiling a BTF type to a pair of JavaScript functions (decode, encode) with `new Function`:
 * every offset, size and byte order is a constant in the generated code, so a call does no
 * reflection. A struct, union, array or data section becomes one "unit" (its own function pair,
 * cached per type); members of scalar types are read and written inline.
 *
 * @module
 */
import { endianness } from "node:os";
import { BTFError } from "../../errors.js";
import { Kind, kindName } from "../kind.js";
import { typeLabel as formatType } from "./label.js";
import { typeSize, underlyingType } from "../size.js";
import { IntEncoding, type Member, type Type } from "../types.js";
import { isKernelOwned } from "./kernel-owned.js";
import * as rt from "./runtime.js";

/**
 * How enums decode; see `CodecOptions`.
 *
 * @example
 * ```ts
 * const mode: EnumMode = "name";
 * ```
 */
export type EnumMode = "name" | "number";

/**
 * Generated decoder of one unit: `b` and `dv` view the whole ArrayBuffer, `o` is absolute.
 *
 * @example
 * ```ts
 * const value = unit.decode(new DataView(buf), new Uint8Array(buf), 16);
 * ```
 */
export type DecodeFn = (dv: DataView, b: Uint8Array, o: number) => unknown;
/**
 * Generated encoder of one unit, writing into zeroed memory.
 *
 * @example
 * ```ts
 * unit.encode({ x: 1, y: 2 }, new DataView(buf), new Uint8Array(buf), 0);
 * ```
 */
export type EncodeFn = (v: unknown, dv: DataView, b: Uint8Array, o: number) => void;

/**
 * A compiled unit.
 *
 * @example
 * ```ts
 * const unit: Unit = compileUnit(pointType, "name", 0);
 * ```
 */
export interface Unit {
  readonly decode: DecodeFn;
  readonly encode: EncodeFn;
}

const LE = endianness() === "LE";
/** Bound on nesting by value, so a cycle in malformed BTF cannot recurse forever. */
const MAX_DEPTH = 64;
/** Arrays up to this many elements decode as one array literal; longer ones loop. */
const UNROLL = 16;

const caches: Record<EnumMode, WeakMap<Type, Unit>> = { name: new WeakMap(), number: new WeakMap() };

/**
 * `t` without typedefs, qualifiers and `Var` wrappers; throws on a cycle.
 *
 * @example
 * ```ts
 * resolve(new Typedef({ name: "u32", type: u32 })); // u32
 * ```
 */
export function resolve(t: Type): Type {
  let cur = underlyingType(t);
  for (let i = 0; cur.kind === Kind.Var; i++) {
    if (i > MAX_DEPTH) throw new BTFError(`var chain from ${formatType(t)} is a cycle`);
    cur = underlyingType(cur.type);
  }
  return cur;
}

/**
 * The unit of `t` for `mode`, compiled on first use and cached with the type.
 *
 * @example
 * ```ts
 * const { decode } = compileUnit(structType, "name", 0);
 * ```
 */
export function compileUnit(t: Type, mode: EnumMode, depth: number): Unit {
  const cache = caches[mode];
  let unit = cache.get(t);
  if (unit === undefined) {
    if (depth > MAX_DEPTH) throw new BTFError(`${formatType(t)} nests more than ${MAX_DEPTH} levels deep by value (a cycle?)`);
    unit = new Gen(mode, depth).unit(t);
    cache.set(t, unit);
  }
  return unit;
}


/** Whether an array of `elem` is text: its element is `char` (by name or the CHAR encoding). */
function isChar(elem: Type): boolean {
  const u = resolve(elem);
  return u.kind === Kind.Int && u.size === 1 && ((u.encoding & IntEncoding.Char) !== 0 || u.name === "char");
}

/** Whether an array of `elem` is bytes: a 1-byte integer that is not `char` or `bool`. */
function isByte(elem: Type): boolean {
  const u = resolve(elem);
  return u.kind === Kind.Int && u.size === 1 && u.bits === 8 && u.offset === 0 && (u.encoding & IntEncoding.Bool) === 0;
}

function key(name: string): string {
  // A literal `__proto__:` would set the prototype; a computed key defines a property.
  return name === "__proto__" ? `["__proto__"]` : JSON.stringify(name);
}

function prop(name: string): string {
  return `v[${JSON.stringify(name)}]`;
}

function at(off: number): string {
  return off === 0 ? "o" : `o + ${off}`;
}

/** One generated function pair and the constants it closes over. */
class Gen {
  readonly #names: string[] = ["rt"];
  readonly #values: unknown[] = [rt];
  /** Statements that must run before the expression `dec` returned (enum temporaries). */
  #pre: string[] = [];
  #tmp = 0;

  constructor(
    readonly mode: EnumMode,
    readonly depth: number,
  ) {}

  /** A closure constant, by the name the generated code uses for it. */
  k(value: unknown): string {
    const name = `k${this.#values.length}`;
    this.#names.push(name);
    this.#values.push(value);
    return name;
  }

  tmp(): string {
    return `t${this.#tmp++}`;
  }

  takePre(): string {
    const pre = this.#pre.join("\n");
    this.#pre = [];
    return pre ? `${pre}\n` : "";
  }

  /**
   * An enum's name for the raw value `raw` (else the value itself): an array index for small
   * non-negative enumerators, which is most enums, else a Map.
   */
  enumName(raw: string, names: Map<number | bigint, string>): string {
    const t = this.tmp();
    this.#pre.push(`const ${t} = ${raw};`);
    const small = [...names.keys()].every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 4096);
    if (small) {
      const table: (string | undefined)[] = [];
      for (const [v, name] of names) table[v as number] = name;
      return `(${this.k(table)}[${t}] ?? ${t})`;
    }
    return `(${this.k(names)}.get(${t}) ?? ${t})`;
  }

  unit(t: Type): Unit {
    const u = resolve(t);
    let dec: string;
    let enc: string;
    switch (u.kind) {
      case Kind.Struct:
      case Kind.Union: {
        const fields: string[] = [];
        this.decMembers(u.members, 0, fields);
        dec = `${this.takePre()}return {${fields.join(", ")}};`;
        enc = this.objectCheck("") + this.encMembers(u.members, 0, u.kind === Kind.Union, "");
        break;
      }
      case Kind.Datasec: {
        const fields: string[] = [];
        let body = this.objectCheck("");
        for (const s of u.vars) {
          if (s.type.kind !== Kind.Var) continue;
          fields.push(`${key(s.type.name)}: ${this.dec(s.type, s.offset)}`);
          body += this.encNamed(s.type.name, s.type, s.offset);
        }
        dec = `${this.takePre()}return {${fields.join(", ")}};`;
        enc = body;
        break;
      }
      default: {
        // Strings, bytes and empty arrays are one expression; other arrays get a loop here.
        if (u.kind === Kind.Array && !isChar(u.type) && !isByte(u.type) && u.nelems > 0) {
          ({ dec, enc } = this.array(u.type, u.nelems));
          break;
        }
        const expr = this.dec(u, 0);
        dec = `${this.takePre()}return ${expr};`;
        enc = `let x = v;\n${this.enc(u, "x", 0, "")}`;
      }
    }
    const body = `"use strict";\nreturn [function decode(dv, b, o) {\n${dec}\n}, function encode(v, dv, b, o) {\n${enc}\n}];`;
    const [decode, encode] = new Function(...this.#names, body)(...this.#values) as [DecodeFn, EncodeFn];
    return { decode, encode };
  }

  objectCheck(seg: string): string {
    return `if (typeof v !== "object" || v === null) rt.bad(${JSON.stringify(seg)}, "an object", v);\nlet x;\n`;
  }

  /** Decoded properties of `members` (anonymous struct/union members flattened). */
  decMembers(members: readonly Member[], base: number, out: string[]): void {
    for (const m of members) {
      if (isKernelOwned(m.type)) continue;
      const bit = base + m.bitOffset;
      if (m.name === "") {
        const u = resolve(m.type);
        if ((u.kind === Kind.Struct || u.kind === Kind.Union) && m.bitfieldSize === 0) {
          this.decMembers(u.members, this.byteOffset(bit, m) * 8, out);
        }
        continue;
      }
      out.push(`${key(m.name)}: ${m.bitfieldSize > 0 ? this.decBits(m.type, bit, m.bitfieldSize) : this.dec(m.type, this.byteOffset(bit, m))}`);
    }
  }

  byteOffset(bit: number, m: Member): number {
    if (bit % 8 !== 0) throw new BTFError(`member ${m.name || "(anonymous)"} at bit ${bit} is not byte-aligned and not a bitfield`);
    return bit / 8;
  }

  /**
   * Encoder statements for `members`. In a union every present member is written in order (so a
   * decoded union, which has all of them, round-trips) and at least one must be present.
   */
  encMembers(members: readonly Member[], base: number, union: boolean, where: string): string {
    let body = "";
    const any = union ? this.tmp() : "";
    if (union) body += `let ${any} = false;\n`;
    const names: string[] = [];
    for (const m of members) {
      if (isKernelOwned(m.type)) continue;
      const bit = base + m.bitOffset;
      let stmt: string;
      let present: string;
      if (m.name === "") {
        const u = resolve(m.type);
        if (!((u.kind === Kind.Struct || u.kind === Kind.Union) && m.bitfieldSize === 0)) continue;
        const leaves = leafNames(u.members);
        if (leaves.length === 0) continue;
        names.push(...leaves);
        stmt = this.encMembers(u.members, this.byteOffset(bit, m) * 8, u.kind === Kind.Union, where);
        present = leaves.map((n) => `${prop(n)} !== undefined`).join(" || ");
      } else {
        // A flexible array member has no bytes to write: nothing to ask for.
        if (isEmptyArray(m.type)) continue;
        names.push(m.name);
        const seg = JSON.stringify(m.name);
        stmt =
          `x = ${prop(m.name)};\n` +
          (union ? "" : `if (x === undefined) rt.missing(${seg});\n`) +
          (m.bitfieldSize > 0 ? this.encBits(m.type, bit, m.bitfieldSize, "x", m.name) : this.enc(m.type, "x", this.byteOffset(bit, m), m.name));
        present = `${prop(m.name)} !== undefined`;
      }
      body += union ? `if (${present}) {\n${any} = true;\n${stmt}}\n` : stmt;
    }
    if (union && names.length > 0) {
      body += `if (!${any}) rt.bad(${JSON.stringify(where)}, ${JSON.stringify(`one of the union members ${names.join(", ")}`)}, v);\n`;
    }
    return body;
  }

  encNamed(name: string, t: Type, off: number): string {
    const seg = JSON.stringify(name);
    return `x = ${prop(name)};\nif (x === undefined) rt.missing(${seg});\n${this.enc(t, "x", off, name)}`;
  }

  /** An expression decoding a value of `t` at byte `off` of the unit. */
  dec(t: Type, off: number): string {
    const u = resolve(t);
    const o = at(off);
    switch (u.kind) {
      case Kind.Int: {
        if (u.offset !== 0 || u.bits !== u.size * 8) return this.decBits(u, off * 8 + u.offset, u.bits);
        const signed = (u.encoding & IntEncoding.Signed) !== 0;
        if ((u.encoding & IntEncoding.Bool) !== 0) return `(${this.decInt(u.size, false, o)} !== ${u.size === 8 ? "0n" : "0"})`;
        return this.decInt(u.size, signed, o);
      }
      case Kind.Enum:
      case Kind.Enum64: {
        const raw = this.decInt(u.size, u.signed, o);
        if (this.mode === "number") return raw;
        return this.enumName(raw, enumNames(u.values, u.size, u.signed));
      }
      case Kind.Float:
        if (u.size === 4) return `dv.getFloat32(${o}, ${LE})`;
        if (u.size === 8) return `dv.getFloat64(${o}, ${LE})`;
        return `b.slice(${o}, ${o} + ${u.size})`;
      case Kind.Pointer:
        return `dv.getBigUint64(${o}, ${LE})`;
      case Kind.Array:
        if (u.nelems === 0) return isChar(u.type) ? `""` : isByte(u.type) ? "new Uint8Array(0)" : "[]";
        if (isChar(u.type)) return `rt.decodeString(b, ${o}, ${u.nelems})`;
        if (isByte(u.type)) return `b.slice(${o}, ${o} + ${u.nelems})`;
        return `${this.k(compileUnit(u, this.mode, this.depth + 1).decode)}(dv, b, ${o})`;
      case Kind.Struct:
      case Kind.Union:
      case Kind.Datasec:
        return `${this.k(compileUnit(u, this.mode, this.depth + 1).decode)}(dv, b, ${o})`;
      default:
        throw noLayout(t);
    }
  }

  decInt(size: number, signed: boolean, o: string): string {
    switch (size) {
      case 1:
        return signed ? `dv.getInt8(${o})` : `b[${o}]`;
      case 2:
        return `dv.get${signed ? "Int" : "Uint"}16(${o}, ${LE})`;
      case 4:
        return `dv.get${signed ? "Int" : "Uint"}32(${o}, ${LE})`;
      case 8:
        return `dv.getBig${signed ? "Int" : "Uint"}64(${o}, ${LE})`;
      case 16:
        return `rt.readInt128(dv, ${o}, ${signed}, ${LE})`;
      default:
        throw new BTFError(`integers of ${size} bytes have no codec`);
    }
  }

  /** A bitfield of `bits` bits at unit bit `bit`, declared as `t` (an integer or enum). */
  decBits(t: Type, bit: number, bits: number): string {
    const u = resolve(t);
    if (u.kind !== Kind.Int && u.kind !== Kind.Enum && u.kind !== Kind.Enum64) throw new BTFError(`bitfield of ${formatType(t)} has no codec`);
    const signed = u.kind === Kind.Int ? (u.encoding & IntEncoding.Signed) !== 0 : u.signed;
    const byte = Math.floor(bit / 8);
    const shift = bit % 8;
    const nbytes = Math.ceil((shift + bits) / 8);
    const big = u.size > 4;
    const raw = `rt.${big ? "readBitsBig" : "readBits"}(b, ${at(byte)}, ${shift}, ${bits}, ${nbytes}, ${signed}, ${LE})`;
    if (u.kind === Kind.Int) return (u.encoding & IntEncoding.Bool) !== 0 ? `(${raw} !== ${big ? "0n" : "0"})` : raw;
    if (this.mode === "number") return raw;
    return this.enumName(raw, enumNames(u.values, u.size, signed));
  }

  /** Statements encoding the value in variable `x` as `t` at byte `off`; `seg` names it in errors. */
  enc(t: Type, x: string, off: number, seg: string): string {
    const u = resolve(t);
    const o = at(off);
    const s = JSON.stringify(seg);
    switch (u.kind) {
      case Kind.Int: {
        if (u.offset !== 0 || u.bits !== u.size * 8) return this.encBits(u, off * 8 + u.offset, u.bits, x, seg);
        if ((u.encoding & IntEncoding.Bool) !== 0) {
          return (
            `if (typeof ${x} !== "boolean") rt.bad(${s}, "a boolean", ${x});\n` +
            this.encInt(u.size, false, `(${x} ? ${u.size === 8 ? "1n" : "1"} : ${u.size === 8 ? "0n" : "0"})`, o, s, false)
          );
        }
        return this.encInt(u.size, (u.encoding & IntEncoding.Signed) !== 0, x, o, s, true);
      }
      case Kind.Enum:
      case Kind.Enum64: {
        const values = enumValues(u.values, u.size, u.signed);
        const what = JSON.stringify(`an enumerator of ${formatType(u)}`);
        return (
          `if (typeof ${x} === "string") { const e = ${this.k(values)}.get(${x}); if (e === undefined) rt.bad(${s}, ${what}, ${x}); ${x} = e; }\n` +
          this.encInt(u.size, u.signed, x, o, s, true)
        );
      }
      case Kind.Float:
        if (u.size === 4 || u.size === 8) {
          return `if (typeof ${x} !== "number") rt.bad(${s}, "a number", ${x});\ndv.setFloat${u.size * 8}(${o}, ${x}, ${LE});\n`;
        }
        return this.encBytes(u.size, x, o, s);
      case Kind.Pointer:
        return this.encInt(8, false, x, o, s, true);
      case Kind.Array:
        if (u.nelems === 0) return "";
        if (isChar(u.type)) return `rt.encodeString(${x}, b, ${o}, ${u.nelems}, ${s});\n`;
        if (isByte(u.type)) return this.encBytes(u.nelems, x, o, s);
        return this.encCall(u, x, o, s);
      case Kind.Struct:
      case Kind.Union:
      case Kind.Datasec:
        return this.encCall(u, x, o, s);
      default:
        throw noLayout(t);
    }
  }

  encCall(u: Type, x: string, o: string, s: string): string {
    const fn = this.k(compileUnit(u, this.mode, this.depth + 1).encode);
    return `try { ${fn}(${x}, dv, b, ${o}); } catch (e) { throw rt.within(e, ${s}); }\n`;
  }

  encBytes(n: number, x: string, o: string, s: string): string {
    return `if (!(${x} instanceof Uint8Array) || ${x}.length !== ${n}) rt.bad(${s}, "a Uint8Array of ${n} bytes", ${x});\nb.set(${x}, ${o});\n`;
  }

  /** Range-checked integer store; `num` allows a safe-integer number for a 64-bit field. */
  encInt(size: number, signed: boolean, x: string, o: string, s: string, check: boolean): string {
    const name = `${signed ? "s" : "u"}${size * 8}`;
    const fail = `rt.bad(${s}, "${size === 8 || size === 16 ? "a bigint" : "an integer"} that fits ${name}", ${x});\n`;
    switch (size) {
      case 1:
      case 2:
      case 4: {
        const bits = size * 8;
        const test = signed
          ? bits === 32 ? `(${x} | 0) !== ${x}` : `(${x} << ${32 - bits} >> ${32 - bits}) !== ${x}`
          : bits === 32 ? `(${x} >>> 0) !== ${x}` : `(${x} & ${2 ** bits - 1}) !== ${x}`;
        const store = size === 1 ? (signed ? `dv.setInt8(${o}, ${x});` : `b[${o}] = ${x};`) : `dv.set${signed ? "Int" : "Uint"}${bits}(${o}, ${x}, ${LE});`;
        return (check ? `if (typeof ${x} !== "number" || ${test}) ${fail}` : "") + `${store}\n`;
      }
      case 8: {
        if (!check) return `dv.setBigUint64(${o}, ${x}, ${LE});\n`;
        const min = this.k(signed ? -(1n << 63n) : 0n);
        const max = this.k(signed ? (1n << 63n) - 1n : (1n << 64n) - 1n);
        return (
          `if (typeof ${x} === "number" && Number.isSafeInteger(${x})) ${x} = BigInt(${x});\n` +
          `if (typeof ${x} !== "bigint" || ${x} < ${min} || ${x} > ${max}) ${fail}` +
          `dv.setBig${signed ? "Int" : "Uint"}64(${o}, ${x}, ${LE});\n`
        );
      }
      case 16:
        return `rt.writeInt128(dv, ${o}, ${signed}, ${LE}, ${x}, ${s});\n`;
      default:
        throw new BTFError(`integers of ${size} bytes have no codec`);
    }
  }

  encBits(t: Type, bit: number, bits: number, x: string, seg: string): string {
    const u = resolve(t);
    if (u.kind !== Kind.Int && u.kind !== Kind.Enum && u.kind !== Kind.Enum64) throw new BTFError(`bitfield of ${formatType(t)} has no codec`);
    const s = JSON.stringify(seg);
    let pre = "";
    let signed: boolean;
    if (u.kind === Kind.Int) {
      signed = (u.encoding & IntEncoding.Signed) !== 0;
      if ((u.encoding & IntEncoding.Bool) !== 0) {
        pre = `if (typeof ${x} !== "boolean") rt.bad(${s}, "a boolean", ${x});\n${x} = ${x} ? ${u.size > 4 ? "1n" : "1"} : ${u.size > 4 ? "0n" : "0"};\n`;
      }
    } else {
      signed = u.signed;
      const values = enumValues(u.values, u.size, signed);
      const what = JSON.stringify(`an enumerator of ${formatType(u)}`);
      pre = `if (typeof ${x} === "string") { const e = ${this.k(values)}.get(${x}); if (e === undefined) rt.bad(${s}, ${what}, ${x}); ${x} = e; }\n`;
    }
    const byte = Math.floor(bit / 8);
    const shift = bit % 8;
    const nbytes = Math.ceil((shift + bits) / 8);
    return `${pre}rt.${u.size > 4 ? "writeBitsBig" : "writeBits"}(b, ${at(byte)}, ${shift}, ${bits}, ${nbytes}, ${signed}, ${LE}, ${x}, ${s});\n`;
  }

  /** Decoder and encoder bodies of an array unit. */
  array(elem: Type, n: number): { dec: string; enc: string } {
    const size = typeSize(elem);
    if (n === 0) return { dec: "return [];", enc: "" };
    let dec: string;
    if (n <= UNROLL) {
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(this.dec(elem, i * size));
      dec = `${this.takePre()}return [${items.join(", ")}];`;
    } else {
      // Elements decode at `o` of a nested scope, stepping by the element size.
      const inner = this.dec(elem, 0);
      dec = `const a = new Array(${n});\nfor (let i = 0; i < ${n}; i++, o += ${size}) {\n${this.takePre()}a[i] = ${inner};\n}\nreturn a;`;
    }
    const check = `if (!Array.isArray(v) || v.length !== ${n}) rt.bad("", "an array of ${n} elements", v);\n`;
    const item = this.enc(elem, "x", 0, "");
    const enc =
      check +
      `for (let i = 0; i < ${n}; i++, o += ${size}) {\nlet x = v[i];\n` +
      `try {\n${item}} catch (e) { throw rt.within(e, "[" + i + "]"); }\n}`;
    return { dec, enc };
  }
}

function isEmptyArray(t: Type): boolean {
  const u = resolve(t);
  return u.kind === Kind.Array && u.nelems === 0;
}

/** Member names a flattened anonymous member contributes. */
function leafNames(members: readonly Member[]): string[] {
  const out: string[] = [];
  for (const m of members) {
    if (isKernelOwned(m.type)) continue;
    if (m.name !== "") {
      out.push(m.name);
      continue;
    }
    const u = resolve(m.type);
    if ((u.kind === Kind.Struct || u.kind === Kind.Union) && m.bitfieldSize === 0) out.push(...leafNames(u.members));
  }
  return out;
}

/**
 * An enumerator's value as the codec reads the storage: `size` bytes, signed or not (clang 14
 * marks every enum unsigned, so `-1` must read back as 0xffffffff to find its name).
 */
function enumValue(value: number | bigint, size: number, signed: boolean): number | bigint {
  const bits = size * 8;
  if (size > 4) return signed ? BigInt.asIntN(bits, BigInt(value)) : BigInt.asUintN(bits, BigInt(value));
  const v = Number(BigInt.asUintN(bits, BigInt(value)));
  return signed && v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

function enumNames(values: readonly { name: string; value: number | bigint }[], size: number, signed: boolean): Map<number | bigint, string> {
  const names = new Map<number | bigint, string>();
  for (const e of values) {
    const v = enumValue(e.value, size, signed);
    if (!names.has(v)) names.set(v, e.name);
  }
  return names;
}

function enumValues(values: readonly { name: string; value: number | bigint }[], size: number, signed: boolean): Map<string, number | bigint> {
  return new Map(values.map((e) => [e.name, enumValue(e.value, size, signed)]));
}

function noLayout(t: Type): BTFError {
  return new BTFError(`${kindName(t.kind)} ${formatType(t)} has no value to encode or decode`);
}

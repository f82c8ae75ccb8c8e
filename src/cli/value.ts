/**
 * JSON renderings of typed bytes (global variables) for `ebpf inspect`.
 *
 * @module
 */
import { IntEncoding, Kind, typeSize, underlyingType, type Type } from "../btf/index.js";

/**
 * A value as JSON holds it.
 *
 * @example
 * ```ts
 * const v: JSONValue = { product: 0, table: [1, 2, 4, 8] };
 * ```
 */
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/** Bound on nesting, so malformed BTF cannot recurse forever. */
const MAX_DEPTH = 16;

/**
 * `bytes` (little- or big-endian) read as `type`, for display: integers as numbers (64-bit ones
 * beyond 2^53 as decimal strings), `bool` as true/false, `char` arrays as strings, enums as the
 * enumerator's name (the number when none matches), structs and unions as objects of their
 * named members, pointers as `"0x…"`, anything else, and any value without BTF, as hex bytes.
 *
 * @example
 * ```ts
 * renderValue(spec.variables.cfg_multiplier.get(), spec.variables.cfg_multiplier.type, true); // 3
 * ```
 */
export function renderValue(bytes: Uint8Array, type: Type | undefined, littleEndian: boolean): JSONValue {
  if (type === undefined) return hex(bytes);
  return render(bytes, 0, type, littleEndian, 0);
}

function render(bytes: Uint8Array, at: number, type: Type, le: boolean, depth: number): JSONValue {
  const t = underlyingType(type);
  if (depth > MAX_DEPTH) return hex(bytes.subarray(at));
  switch (t.kind) {
    case Kind.Int: {
      if (t.bits !== t.size * 8 || t.offset !== 0 || t.size > 8) return hex(bytes.subarray(at, at + t.size));
      const n = readInt(bytes, at, t.size, (t.encoding & IntEncoding.Signed) !== 0, le);
      if ((t.encoding & IntEncoding.Bool) !== 0) return n !== 0n;
      if ((t.encoding & IntEncoding.Char) !== 0 && n >= 0x20n && n < 0x7fn) return String.fromCharCode(Number(n));
      return jsonInt(n);
    }
    case Kind.Enum:
    case Kind.Enum64: {
      const n = readInt(bytes, at, t.size, t.signed, le);
      const named = (t.values as readonly { name: string; value: number | bigint }[]).find((v) => BigInt(v.value) === n);
      return named ? named.name : jsonInt(n);
    }
    case Kind.Float:
      if (t.size !== 4 && t.size !== 8) return hex(bytes.subarray(at, at + t.size));
      return dataView(bytes, at, t.size)[t.size === 4 ? "getFloat32" : "getFloat64"](0, le);
    case Kind.Pointer:
      return `0x${readInt(bytes, at, 8, false, le).toString(16)}`;
    case Kind.Array: {
      const elem = underlyingType(t.type);
      const size = typeSize(elem);
      if (elem.kind === Kind.Int && size === 1 && ((elem.encoding & IntEncoding.Char) !== 0 || elem.name === "char")) {
        return cString(bytes.subarray(at, at + t.nelems)) ?? hex(bytes.subarray(at, at + t.nelems));
      }
      return Array.from({ length: t.nelems }, (_, i) => render(bytes, at + i * size, elem, le, depth + 1));
    }
    case Kind.Struct:
    case Kind.Union: {
      const out: { [key: string]: JSONValue } = {};
      for (const m of t.members) {
        if (m.bitfieldSize !== 0 || m.bitOffset % 8 !== 0) {
          out[m.name] = bitfield(bytes, at, m.bitOffset, m.bitfieldSize || typeSize(m.type) * 8, le);
          continue;
        }
        const v = render(bytes, at + m.bitOffset / 8, m.type, le, depth + 1);
        if (m.name !== "") out[m.name] = v;
        else if (v !== null && typeof v === "object" && !Array.isArray(v)) Object.assign(out, v);
      }
      return out;
    }
    default:
      return hex(bytes.subarray(at, at + safeSize(t)));
  }
}

function safeSize(t: Type): number {
  try {
    return typeSize(t);
  } catch {
    return 0;
  }
}

function dataView(bytes: Uint8Array, at: number, size: number): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset + at, size);
}

function readInt(bytes: Uint8Array, at: number, size: number, signed: boolean, le: boolean): bigint {
  let n = 0n;
  for (let i = 0; i < size; i++) n = (n << 8n) | BigInt(bytes[le ? at + size - 1 - i : at + i] ?? 0);
  return signed ? BigInt.asIntN(size * 8, n) : n;
}

function bitfield(bytes: Uint8Array, at: number, bitOffset: number, bits: number, le: boolean): JSONValue {
  // Little-endian bitfields count from bit 0 of the lowest byte; big-endian from the top bit.
  let n = 0n;
  for (let i = 0; i < bits; i++) {
    const bit = bitOffset + i;
    const byte = bytes[at + Math.floor(bit / 8)] ?? 0;
    const set = le ? (byte >> (bit % 8)) & 1 : (byte >> (7 - (bit % 8))) & 1;
    if (set) n |= le ? 1n << BigInt(i) : 1n << BigInt(bits - 1 - i);
  }
  return jsonInt(n);
}

function jsonInt(n: bigint): number | string {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

/** A NUL-terminated printable string, or undefined when the bytes are not one. */
function cString(bytes: Uint8Array): string | undefined {
  const end = bytes.indexOf(0);
  const text = bytes.subarray(0, end < 0 ? bytes.length : end);
  if (text.some((b) => b < 0x20 || b === 0x7f)) return undefined;
  if (end >= 0 && bytes.subarray(end).some((b) => b !== 0)) return undefined;
  return new TextDecoder("utf-8", { fatal: false }).decode(text);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

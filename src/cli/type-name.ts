/**
 * Short C spellings of BTF types for listings: `__u32`, `struct pair`, `__u8[4]`, `char *`.
 *
 * @module
 */
import { Kind, type Type } from "../btf/index.js";

/** Bound on nesting, so a cycle in malformed BTF cannot recurse forever. */
const MAX_DEPTH = 16;

/**
 * How C code would refer to `t`: named types by name (with `struct`/`union`/`enum` before
 * record names), qualifiers, arrays and pointers spelled out, anonymous records as
 * `struct {…}`.
 *
 * @example
 * ```ts
 * cTypeName(spec.maps.btf_hash.value!); // "struct pair"
 * ```
 */
export function cTypeName(t: Type, depth = 0): string {
  if (depth > MAX_DEPTH) return "…";
  switch (t.kind) {
    case Kind.Void:
      return "void";
    case Kind.Struct:
    case Kind.Union:
    case Kind.Enum:
    case Kind.Enum64: {
      const keyword = t.kind === Kind.Struct ? "struct" : t.kind === Kind.Union ? "union" : "enum";
      return t.name === "" ? `${keyword} {…}` : `${keyword} ${t.name}`;
    }
    case Kind.Fwd:
      return `struct ${t.name}`;
    case Kind.Const:
      return `const ${cTypeName(t.type, depth + 1)}`;
    case Kind.Volatile:
      return `volatile ${cTypeName(t.type, depth + 1)}`;
    case Kind.Restrict:
    case Kind.TypeTag:
      return cTypeName(t.type, depth + 1);
    case Kind.Array:
      return `${cTypeName(t.type, depth + 1)}[${t.nelems}]`;
    case Kind.Pointer:
      return `${cTypeName(t.target, depth + 1)} *`;
    case Kind.FuncProto:
      return "fn";
    default:
      return t.name === "" ? "?" : t.name;
  }
}

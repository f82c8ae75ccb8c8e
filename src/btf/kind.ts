/**
 * BTF kind numbers as in `include/uapi/linux/btf.h`.
 *
 * @module
 */

/**
 * The kind of a BTF type record (`BTF_KIND_*`). The comment of each member names the first kernel
 * that accepts it.
 *
 * @example
 * ```ts
 * import { Kind, kindName } from "ebpf/btf";
 * console.log(kindName(Kind.Struct)); // "struct"
 * ```
 */
export enum Kind {
  /** Not a record kind: id 0, `void`. */
  Void = 0,
  /** Integer (4.18). */
  Int = 1,
  /** Pointer (4.18). */
  Pointer = 2,
  /** Array (4.18). */
  Array = 3,
  /** Struct (4.18). */
  Struct = 4,
  /** Union (4.18). */
  Union = 5,
  /** Enumeration with 32-bit values (4.18). */
  Enum = 6,
  /** Forward declaration of a struct or union (4.18). */
  Fwd = 7,
  /** Typedef (4.18). */
  Typedef = 8,
  /** `volatile` qualifier (4.18). */
  Volatile = 9,
  /** `const` qualifier (4.18). */
  Const = 10,
  /** `restrict` qualifier (4.18). */
  Restrict = 11,
  /** Function (5.0). */
  Func = 12,
  /** Function prototype (5.0). */
  FuncProto = 13,
  /** Variable (5.2). */
  Var = 14,
  /** Data section (5.2). */
  Datasec = 15,
  /** Floating point type (5.13). */
  Float = 16,
  /** Declaration tag (5.16). */
  DeclTag = 17,
  /** Type tag (5.17). */
  TypeTag = 18,
  /** Enumeration with 64-bit values (6.0). */
  Enum64 = 19,
}

/**
 * Highest kind number this library knows.
 *
 * @example
 * ```ts
 * import { MAX_KIND, kindName } from "ebpf/btf";
 * kindName(MAX_KIND); // "enum64"
 * ```
 */
export const MAX_KIND = Kind.Enum64;

const NAMES: readonly string[] = [
  "void",
  "int",
  "pointer",
  "array",
  "struct",
  "union",
  "enum",
  "fwd",
  "typedef",
  "volatile",
  "const",
  "restrict",
  "func",
  "func_proto",
  "var",
  "datasec",
  "float",
  "decl_tag",
  "type_tag",
  "enum64",
];

/**
 * Lower-case name of a kind, as bpftool prints it (`"struct"`, `"func_proto"`); `"kind N"` for a
 * number this library does not know.
 *
 * @example
 * ```ts
 * import { Kind, kindName } from "ebpf/btf";
 * kindName(Kind.FuncProto); // "func_proto"
 * ```
 */
export function kindName(kind: number): string {
  return NAMES[kind] ?? `kind ${kind}`;
}

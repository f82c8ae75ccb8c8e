/**
 * Size and alignment of BTF types, resolving typedefs, qualifiers and arrays.
 *
 * @module
 */

import { BTFError } from "../errors.js";
import { Kind, kindName } from "./kind.js";
import type { Type } from "./types.js";

/** Bound on typedef/qualifier chains, so a cycle in malformed BTF cannot hang. */
const MAX_RESOLVE_DEPTH = 32;

/** BTF does not record the pointer size; BPF's is 8 bytes. */
const POINTER_SIZE = 8;

/**
 * `t` without typedefs, `const`, `volatile`, `restrict` and type tags.
 *
 * @throws {BTFError} when the chain is longer than 32 (a cycle).
 * @example
 * ```ts
 * import { loadKernelSpec, underlyingType } from "ebpf/btf";
 * const spec = loadKernelSpec();
 * underlyingType(spec.typeByName("u32")).kind; // Kind.Int
 * ```
 */
export function underlyingType(t: Type): Type {
  let cur = t;
  for (let i = 0; i <= MAX_RESOLVE_DEPTH; i++) {
    switch (cur.kind) {
      case Kind.Typedef:
      case Kind.Const:
      case Kind.Volatile:
      case Kind.Restrict:
      case Kind.TypeTag:
        cur = cur.type;
        break;
      default:
        return cur;
    }
  }
  throw new BTFError(`typedef/qualifier chain from ${kindName(t.kind)} ${t.name} exceeds ${MAX_RESOLVE_DEPTH} steps`);
}

/**
 * Size in bytes of a value of type `t` (C `sizeof`). Variables have the size of their type.
 *
 * @throws {BTFError} for types without a size: void, functions, forward declarations.
 * @example
 * ```ts
 * import { loadKernelSpec, typeSize, Kind } from "ebpf/btf";
 * typeSize(loadKernelSpec().typeByName("task_struct", Kind.Struct)); // e.g. 9792
 * ```
 */
export function typeSize(t: Type): number {
  let n = 1;
  let cur = t;
  for (let i = 0; i <= MAX_RESOLVE_DEPTH; i++) {
    switch (cur.kind) {
      case Kind.Int:
      case Kind.Struct:
      case Kind.Union:
      case Kind.Enum:
      case Kind.Enum64:
      case Kind.Float:
      case Kind.Datasec:
        return n * cur.size;
      case Kind.Pointer:
        return n * POINTER_SIZE;
      case Kind.Array:
        n *= cur.nelems;
        if (n > Number.MAX_SAFE_INTEGER) throw new BTFError(`size of array ${t.name} overflows`);
        cur = cur.type;
        break;
      case Kind.Typedef:
      case Kind.Const:
      case Kind.Volatile:
      case Kind.Restrict:
      case Kind.TypeTag:
      case Kind.Var:
        cur = cur.type;
        break;
      default:
        throw new BTFError(`${kindName(cur.kind)} ${cur.name || "(anonymous)"} has no size`);
    }
  }
  throw new BTFError(`type chain from ${kindName(t.kind)} ${t.name} exceeds ${MAX_RESOLVE_DEPTH} steps`);
}

/**
 * Alignment in bytes of type `t`, as libbpf's `btf__align_of` computes it: scalars align to their
 * size (at most 8), arrays to their element, structs to their strictest member, and a struct
 * whose layout shows it is packed to 1.
 *
 * @throws {BTFError} for types without a size.
 * @example
 * ```ts
 * import { loadKernelSpec, typeAlign } from "ebpf/btf";
 * typeAlign(loadKernelSpec().typeByName("u64")); // 8
 * ```
 */
export function typeAlign(t: Type): number {
  return alignOf(t, 0, new Map());
}

// `memo` keeps shared member types from being walked once per path.
function alignOf(t: Type, depth: number, memo: Map<Type, number>): number {
  const known = memo.get(t);
  if (known !== undefined) return known;
  const a = computeAlign(t, depth, memo);
  memo.set(t, a);
  return a;
}

function computeAlign(t: Type, depth: number, memo: Map<Type, number>): number {
  if (depth > MAX_RESOLVE_DEPTH) throw new BTFError(`type nesting from ${t.name || kindName(t.kind)} too deep`);
  switch (t.kind) {
    case Kind.Int:
    case Kind.Enum:
    case Kind.Enum64:
    case Kind.Float:
      return Math.min(POINTER_SIZE, t.size);
    case Kind.Pointer:
      return POINTER_SIZE;
    case Kind.Array:
    case Kind.Typedef:
    case Kind.Const:
    case Kind.Volatile:
    case Kind.Restrict:
    case Kind.TypeTag:
    case Kind.Var:
      return alignOf(t.type, depth + 1, memo);
    case Kind.Struct:
    case Kind.Union: {
      let max = 1;
      for (const m of t.members) {
        const a = alignOf(m.type, depth + 1, memo);
        // A member off its natural alignment means the struct is packed.
        if (m.bitfieldSize === 0 && m.bitOffset % (8 * a) !== 0) return 1;
        if (a > max) max = a;
      }
      if (t.size % max !== 0) return 1;
      return max;
    }
    default:
      throw new BTFError(`${kindName(t.kind)} ${t.name || "(anonymous)"} has no alignment`);
  }
}

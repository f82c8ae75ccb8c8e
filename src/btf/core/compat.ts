/**
 * CO-RE compatibility of a local and a target type, as libbpf decides it: one rule for whole
 * types (`bpf_core_types_are_compat`) and a looser one for accessed fields
 * (`bpf_core_fields_are_compat`).
 *
 * @module
 */

import { BTFError } from "../../errors.js";
import { Kind } from "../kind.js";
import { essentialName } from "../names.js";
import { underlyingType } from "../size.js";
import type { Type } from "../types.js";
import { isAnyEnum, isComposite } from "./access.js";

/** libbpf's recursion bound for type comparisons. */
const MAX_DEPTH = 32;

/**
 * Whether two types may stand for each other as candidates: the same kind, or enums of either
 * width (libbpf's `btf_kind_core_compat`).
 *
 * @example
 * ```ts
 * import { Enum, Enum64 } from "ebpf/btf";
 * import { kindsCompatible } from "./compat.js";
 * kindsCompatible(new Enum(), new Enum64()); // true
 * ```
 */
export function kindsCompatible(a: Type, b: Type): boolean {
  return a.kind === b.kind || (isAnyEnum(a) && isAnyEnum(b));
}

/**
 * Type compatibility for type-based relocations (exists, size, target id). Names below the
 * root are ignored; structs, unions, enums and forward declarations of the same kind always
 * match; integers match unless one is an old-style bitfield int; pointers and arrays compare
 * their targets; function prototypes compare arity, parameters and return type.
 *
 * @throws {BTFError} when the types nest deeper than libbpf allows (32).
 * @example
 * ```ts
 * import { typesAreCompatible, loadKernelSpec } from "ebpf/btf";
 * const ok = typesAreCompatible(localTaskStruct, loadKernelSpec().typeByName("task_struct"));
 * ```
 */
export function typesAreCompatible(local: Type, target: Type, level = MAX_DEPTH): boolean {
  if (!kindsCompatible(local, target)) return false;
  let l = local;
  let t = target;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    l = underlyingType(l);
    t = underlyingType(t);
    if (!kindsCompatible(l, t)) return false;
    switch (l.kind) {
      case Kind.Void:
      case Kind.Struct:
      case Kind.Union:
      case Kind.Enum:
      case Kind.Enum64:
      case Kind.Fwd:
        return true;
      case Kind.Int:
        return l.offset === 0 && (t as typeof l).offset === 0;
      case Kind.Pointer: {
        const tp = t as typeof l;
        l = l.target;
        t = tp.target;
        break;
      }
      case Kind.Array: {
        const ta = t as typeof l;
        l = l.type;
        t = ta.type;
        break;
      }
      case Kind.FuncProto: {
        const tp = t as typeof l;
        if (l.params.length !== tp.params.length) return false;
        for (let i = 0; i < l.params.length; i++) {
          if (level <= 0) throw new BTFError(`function prototypes nest deeper than ${MAX_DEPTH}`);
          if (!typesAreCompatible(underlyingType(l.params[i]!.type), underlyingType(tp.params[i]!.type), level - 1)) {
            return false;
          }
        }
        l = l.return;
        t = tp.return;
        break;
      }
      default:
        return false;
    }
  }
  throw new BTFError(`types nest deeper than ${MAX_DEPTH}`);
}

/**
 * Compatibility of an accessed field's local and target types: any two structs or unions, any
 * two pointers or floats, integers (not old-style bitfield ints), enums and forward
 * declarations whose essential names match (or one is anonymous), arrays of compatible
 * elements.
 *
 * @throws {BTFError} for array nesting deeper than 32.
 * @example
 * ```ts
 * import { fieldsAreCompatible, Int } from "ebpf/btf";
 * fieldsAreCompatible(new Int({ size: 4 }), new Int({ size: 8 })); // true
 * ```
 */
export function fieldsAreCompatible(local: Type, target: Type): boolean {
  let l = local;
  let t = target;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    l = underlyingType(l);
    t = underlyingType(t);
    if (isComposite(l) && isComposite(t)) return true;
    if (!kindsCompatible(l, t)) return false;
    switch (l.kind) {
      case Kind.Pointer:
      case Kind.Float:
        return true;
      case Kind.Fwd:
      case Kind.Enum:
      case Kind.Enum64: {
        const ln = essentialName(l.name);
        const tn = essentialName(t.name);
        return ln === "" || tn === "" || ln === tn;
      }
      case Kind.Int:
        return l.offset === 0 && (t as typeof l).offset === 0;
      case Kind.Array: {
        const ta = t as typeof l;
        l = l.type;
        t = ta.type;
        break;
      }
      default:
        return false;
    }
  }
  throw new BTFError(`arrays nest deeper than ${MAX_DEPTH}`);
}

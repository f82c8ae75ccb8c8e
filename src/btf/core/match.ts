/**
 * `bpf_core_type_matches()`: the strict "types match" relation of libbpf's
 * `__bpf_core_types_match` (Linux 6.1 / libbpf 1.0).
 *
 * @module
 */

import { BTFError } from "../../errors.js";
import { FwdKind, IntEncoding, type Enum, type Enum64, type Struct, type Type, type Union } from "../types.js";
import { Kind } from "../kind.js";
import { essentialName } from "../names.js";
import { underlyingType } from "../size.js";
import { isAnyEnum } from "./access.js";

const MAX_DEPTH = 32;

function namesMatch(local: string, target: string): boolean {
  if (target === "") return local === "";
  return essentialName(local) === essentialName(target);
}

/**
 * Whether `local` matches `target`: typedefs and qualifiers are ignored; names must match
 * modulo flavour; integers need the same size and signedness; enums the same size and every
 * local value name in the target; structs and unions every local member (by name) matching;
 * arrays the same length; behind a pointer a struct or union may match a forward declaration of
 * the same kind, and only names and kinds are compared.
 *
 * @throws {BTFError} when the types nest deeper than libbpf allows (32).
 * @example
 * ```ts
 * import { typesMatch, loadKernelSpec } from "ebpf/btf";
 * const ok = typesMatch(localType, loadKernelSpec().typeByName("task_struct"));
 * ```
 */
export function typesMatch(local: Type, target: Type, behindPointer = false, level = MAX_DEPTH): boolean {
  if (level <= 0) throw new BTFError(`types nest deeper than ${MAX_DEPTH}`);
  let l = local;
  let t = target;
  let behindPtr = behindPointer;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    l = underlyingType(l);
    t = underlyingType(t);
    if (!namesMatch(l.name, t.name)) return false;
    switch (l.kind) {
      case Kind.Void:
        return t.kind === Kind.Void;
      case Kind.Fwd:
        if (t.kind === Kind.Fwd) return l.fwdKind === t.fwdKind;
        if (!behindPtr) return false;
        return (
          (t.kind === Kind.Struct && l.fwdKind === FwdKind.Struct) ||
          (t.kind === Kind.Union && l.fwdKind === FwdKind.Union)
        );
      case Kind.Enum:
      case Kind.Enum64:
        return isAnyEnum(t) && enumsMatch(l, t);
      case Kind.Struct:
      case Kind.Union:
        if (behindPtr) {
          if (t.kind === l.kind) return true;
          if (t.kind !== Kind.Fwd) return false;
          return (l.kind === Kind.Union) === (t.fwdKind === FwdKind.Union);
        }
        return t.kind === l.kind && compositesMatch(l, t as Struct | Union, behindPtr, level);
      case Kind.Int:
        return (
          t.kind === Kind.Int &&
          l.size === t.size &&
          (l.encoding & IntEncoding.Signed) === (t.encoding & IntEncoding.Signed)
        );
      case Kind.Pointer:
        if (t.kind !== Kind.Pointer) return false;
        behindPtr = true;
        l = l.target;
        t = t.target;
        break;
      case Kind.Array:
        if (t.kind !== Kind.Array || l.nelems !== t.nelems) return false;
        l = l.type;
        t = t.type;
        break;
      case Kind.FuncProto:
        if (t.kind !== Kind.FuncProto || l.params.length !== t.params.length) return false;
        for (let i = 0; i < l.params.length; i++) {
          if (!typesMatch(l.params[i]!.type, t.params[i]!.type, behindPtr, level - 1)) return false;
        }
        l = l.return;
        t = t.return;
        break;
      default:
        return false;
    }
  }
  throw new BTFError(`types nest deeper than ${MAX_DEPTH}`);
}

function enumsMatch(local: Enum | Enum64, target: Enum | Enum64): boolean {
  if (local.size !== target.size || local.values.length > target.values.length) return false;
  return local.values.every((lv) => target.values.some((tv) => namesMatch(lv.name, tv.name)));
}

function compositesMatch(local: Struct | Union, target: Struct | Union, behindPtr: boolean, level: number): boolean {
  if (local.members.length > target.members.length) return false;
  return local.members.every((lm) =>
    target.members.some((tm) => namesMatch(lm.name, tm.name) && typesMatch(lm.type, tm.type, behindPtr, level - 1)),
  );
}

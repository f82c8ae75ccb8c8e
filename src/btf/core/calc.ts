/**
 * The values of a relocation in one BTF (libbpf's `bpf_core_calc_*_relo`): a field's offset,
 * size, signedness or bitfield shifts; a type's existence, size or id; an enum value.
 *
 * @module
 */

import { BTFError } from "../../errors.js";
import { COREKind, isFieldRelocation } from "../core-kind.js";
import type { ByteOrder } from "../header.js";
import { Kind } from "../kind.js";
import { typeSize, underlyingType } from "../size.js";
import { IntEncoding, type Type } from "../types.js";
import { isAnyEnum, isComposite, isEnumRelocation, type COREAccessSpec } from "./access.js";

/**
 * The outcome of a relocation for one target candidate (or for none): libbpf's
 * `bpf_core_relo_res` without the type ids.
 *
 * @example
 * ```ts
 * import type { CORERelocationResult } from "./calc.js";
 * const changes = (r: CORERelocationResult) => !r.poison && r.local !== r.target;
 * ```
 */
export interface CORERelocationResult {
  local: bigint;
  target: bigint;
  poison: boolean;
  validate: boolean;
  localSize: number;
  targetSize: number;
  memSizeMismatch: boolean;
}

interface FieldValue {
  value: bigint;
  /** Memory access size of a non-bitfield byte offset, else 0. */
  size: number;
  sizeType: Type | undefined;
  validate: boolean;
}

const POISON = Symbol("poison");

/**
 * Compute local and target values of a relocation. `target` is the matched candidate's access
 * spec, or undefined when no candidate matched: existence checks then give 0, type-based
 * relocations 0, everything else is poisoned.
 *
 * @throws {BTFError} for relocations that cannot apply (a shift on an array element, a
 *   bitfield wider than 64 bits, a type without a size).
 * @example
 * ```ts
 * import { parseLocalAccessSpec } from "./access.js";
 * import { calcRelocation } from "./calc.js";
 * const res = calcRelocation(parseLocalAccessSpec(local, relo), undefined, "little");
 * console.log(res.poison);
 * ```
 */
export function calcRelocation(
  local: COREAccessSpec,
  target: COREAccessSpec | undefined,
  byteOrder: ByteOrder,
): CORERelocationResult {
  const res: CORERelocationResult = {
    local: 0n,
    target: 0n,
    poison: false,
    validate: true,
    localSize: 0,
    targetSize: 0,
    memSizeMismatch: false,
  };
  const kind = local.kind;
  if (kind === COREKind.FieldExists) {
    res.local = 1n;
    res.target = target === undefined ? 0n : 1n;
    return res;
  }
  if (isFieldRelocation(kind)) {
    const l = fieldValue(local, byteOrder);
    const t = target === undefined ? POISON : fieldValue(target, byteOrder);
    res.local = l.value;
    res.validate = l.validate;
    res.localSize = l.size;
    if (t === POISON) {
      res.poison = true;
      return res;
    }
    res.target = t.value;
    res.targetSize = t.size;
    if (l.size !== t.size) res.memSizeMismatch = !sizeChangeKeepsValue(l.sizeType, t.sizeType);
    return res;
  }
  if (isEnumRelocation(kind)) {
    res.local = enumValue(kind, local);
    if (kind === COREKind.EnumvalValue && target === undefined) {
      res.poison = true;
      return res;
    }
    res.target = target === undefined ? 0n : enumValue(kind, target);
    return res;
  }
  res.local = typeValue(kind, local);
  res.target = target === undefined ? 0n : typeValue(kind, target);
  // Type ids change when BTF is rebuilt for the kernel, so the compiled value is not checked.
  if (kind === COREKind.TypeIDTarget) res.validate = false;
  return res;
}

/**
 * libbpf allows a different access size only for pointers and unsigned integers, whose values
 * survive zero extension.
 */
function sizeChangeKeepsValue(a: Type | undefined, b: Type | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.kind === Kind.Pointer && b.kind === Kind.Pointer) return true;
  return (
    a.kind === Kind.Int && b.kind === Kind.Int && a.encoding !== IntEncoding.Signed && b.encoding !== IntEncoding.Signed
  );
}

function elementSize(t: Type): number {
  let cur = underlyingType(t);
  while (cur.kind === Kind.Array) cur = underlyingType(cur.type);
  return typeSize(cur);
}

function fieldValue(spec: COREAccessSpec, byteOrder: ByteOrder): FieldValue {
  const kind = spec.kind;
  const acc = spec.accessors[spec.accessors.length - 1]!;

  if (acc.name === undefined) {
    // The path ends in an array element (or the root): only offset and size make sense.
    if (kind === COREKind.FieldByteOffset) {
      const value = BigInt(spec.bitOffset / 8);
      return { value, size: elementSize(acc.type), sizeType: underlyingType(acc.type), validate: true };
    }
    if (kind === COREKind.FieldByteSize) {
      return { value: BigInt(typeSize(acc.type)), size: 0, sizeType: undefined, validate: true };
    }
    throw new BTFError("relocation cannot be applied to an array element access");
  }

  const parent = acc.type;
  if (!isComposite(parent)) throw new BTFError("field accessor outside a struct or union");
  const m = parent.members[acc.idx]!;
  const mt = underlyingType(m.type);
  const bitOff = spec.bitOffset;
  let bitSize = m.bitfieldSize;
  const bitfield = bitSize > 0;
  let byteSize: number;
  let byteOff: number;
  if (bitfield) {
    if (mt.kind !== Kind.Int && !isAnyEnum(mt)) throw new BTFError(`bitfield ${m.name} is not an integer or enum`);
    byteSize = mt.size;
    byteOff = Math.floor(bitOff / 8 / byteSize) * byteSize;
    // The smallest load that covers the bitfield.
    while (bitOff + bitSize - byteOff * 8 > byteSize * 8) {
      if (byteSize >= 8) throw new BTFError(`bitfield ${m.name} cannot be read with a 64-bit load`);
      byteSize *= 2;
      byteOff = Math.floor(bitOff / 8 / byteSize) * byteSize;
    }
  } else {
    byteSize = typeSize(mt);
    byteOff = Math.floor(bitOff / 8);
    bitSize = byteSize * 8;
  }

  // Bitfield offsets, sizes and left shifts may legitimately differ from what the compiler
  // chose, so libbpf checks them only for plain fields.
  const out: FieldValue = { value: 0n, size: 0, sizeType: undefined, validate: !bitfield };
  switch (kind) {
    case COREKind.FieldByteOffset:
      out.value = BigInt(byteOff);
      if (!bitfield) {
        out.size = elementSize(mt);
        out.sizeType = mt;
      }
      break;
    case COREKind.FieldByteSize:
      out.value = BigInt(byteSize);
      break;
    case COREKind.FieldSigned:
      out.value =
        (isAnyEnum(mt) && mt.signed) || (mt.kind === Kind.Int && (mt.encoding & IntEncoding.Signed) !== 0) ? 1n : 0n;
      out.validate = true;
      break;
    case COREKind.FieldLShiftU64:
      out.value =
        byteOrder === "little"
          ? BigInt(64 - (bitOff + bitSize - byteOff * 8))
          : BigInt((8 - byteSize) * 8 + (bitOff - byteOff * 8));
      break;
    case COREKind.FieldRShiftU64:
      out.value = BigInt(64 - bitSize);
      out.validate = true;
      break;
    default:
      throw new BTFError(`unknown field relocation kind ${kind}`);
  }
  return out;
}

function enumValue(kind: COREKind, spec: COREAccessSpec): bigint {
  if (kind === COREKind.EnumvalExists) return 1n;
  const acc = spec.accessors[0]!;
  const e = acc.type;
  if (!isAnyEnum(e)) throw new BTFError("enum value accessor outside an enum");
  return BigInt(e.values[acc.idx]!.value);
}

function typeValue(kind: COREKind, spec: COREAccessSpec): bigint {
  switch (kind) {
    case COREKind.TypeIDTarget:
      return BigInt(spec.rootID);
    case COREKind.TypeExists:
    case COREKind.TypeMatches:
      return 1n;
    case COREKind.TypeSize:
      return BigInt(typeSize(spec.root));
    default:
      throw new BTFError(`relocation kind ${kind} has no target value`);
  }
}

/**
 * Access specs: a relocation's access string turned into the path it walks through a type, as
 * libbpf's `bpf_core_parse_spec` does. The raw path has one step per access string index; the
 * accessors keep only the meaningful ones (named fields, array indices, the enum value).
 *
 * @module
 */

import { BTFError } from "../../errors.js";
import { COREKind, isFieldRelocation } from "../core-kind.js";
import type { CORERelocation } from "../ext.js";
import { Kind, kindName } from "../kind.js";
import { typeSize, underlyingType } from "../size.js";
import type { Spec } from "../spec.js";
import type { Array as BTFArray, Enum, Enum64, Struct, Type, Union } from "../types.js";

/** libbpf's `BPF_CORE_SPEC_MAX_LEN`: the deepest access path it accepts. */
export const CORE_SPEC_MAX_LEN = 64;

/**
 * One step of an access path. `type` is the composite holding field `idx` (then `name` is the
 * field's name), the enum holding value `idx` (then `name` is the value's name), or the element
 * type of an array indexed by `idx` (then `name` is undefined).
 *
 * @example
 * ```ts
 * import type { COREAccessor } from "./access.js";
 * const step = (a: COREAccessor) => (a.name === undefined ? `[${a.idx}]` : `.${a.name}`);
 * ```
 */
export interface COREAccessor {
  readonly type: Type;
  readonly idx: number;
  readonly name: string | undefined;
}

/**
 * A relocation's access path resolved in one BTF: the root type, the accessors, the raw indices
 * and the bit offset of the accessed field from the start of the root.
 *
 * @example
 * ```ts
 * import type { COREAccessSpec } from "./access.js";
 * const byteOffset = (s: COREAccessSpec) => s.bitOffset / 8;
 * ```
 */
export interface COREAccessSpec {
  readonly btf: Spec;
  readonly root: Type;
  readonly rootID: number;
  readonly kind: COREKind;
  readonly accessors: COREAccessor[];
  readonly raw: number[];
  bitOffset: number;
}

/**
 * Whether `t` is a struct or union.
 *
 * @example
 * ```ts
 * import { Struct } from "ebpf/btf";
 * import { isComposite } from "./access.js";
 * isComposite(new Struct()); // true
 * ```
 */
export function isComposite(t: Type): t is Struct | Union {
  return t.kind === Kind.Struct || t.kind === Kind.Union;
}

/**
 * Whether `t` is an enum of either width.
 *
 * @example
 * ```ts
 * import { Enum64 } from "ebpf/btf";
 * import { isAnyEnum } from "./access.js";
 * isAnyEnum(new Enum64()); // true
 * ```
 */
export function isAnyEnum(t: Type): t is Enum | Enum64 {
  return t.kind === Kind.Enum || t.kind === Kind.Enum64;
}

/**
 * Whether the array reached through field accessor `prev` is a flexible array member: no
 * elements and the last member of its struct.
 *
 * @example
 * ```ts
 * import { isFlexArray } from "./access.js";
 * const flex = isFlexArray(prevAccessor, arrayType);
 * ```
 */
export function isFlexArray(prev: COREAccessor | undefined, arr: BTFArray): boolean {
  if (prev === undefined || prev.name === undefined || arr.nelems > 0) return false;
  return isComposite(prev.type) && prev.idx === prev.type.members.length - 1;
}

/**
 * Parse `relo`'s access string against its local type.
 *
 * @throws {BTFError} when the access string does not fit the type (libbpf fails the load too).
 * @example
 * ```ts
 * import { parseLocalAccessSpec } from "./access.js";
 * const spec = parseLocalAccessSpec(objectSpec, relo);
 * console.log(spec.bitOffset / 8);
 * ```
 */
export function parseLocalAccessSpec(btf: Spec, relo: CORERelocation): COREAccessSpec {
  const spec: COREAccessSpec = {
    btf,
    root: relo.type,
    rootID: relo.typeID,
    kind: relo.kind,
    accessors: [],
    raw: [],
    bitOffset: 0,
  };
  if (relo.accessor.length === 0) throw new BTFError("empty access string");
  if (isTypeRelocation(relo.kind)) {
    if (relo.accessStr !== "0") throw new BTFError(`type relocation with access string "${relo.accessStr}", not "0"`);
    return spec;
  }
  if (relo.accessor.length > CORE_SPEC_MAX_LEN) {
    throw new BTFError(`access string has ${relo.accessor.length} steps, more than ${CORE_SPEC_MAX_LEN}`);
  }
  spec.raw.push(...relo.accessor);
  let t = underlyingType(relo.type);
  const first = relo.accessor[0]!;

  if (isEnumRelocation(relo.kind)) {
    if (!isAnyEnum(t)) throw new BTFError(`enum value relocation on ${kindName(t.kind)}`);
    if (relo.accessor.length > 1 || first >= t.values.length) {
      throw new BTFError(`access string does not name one of the ${t.values.length} enum values`);
    }
    spec.accessors.push({ type: t, idx: first, name: t.values[first]!.name });
    return spec;
  }
  if (!isFieldRelocation(relo.kind)) throw new BTFError(`unknown relocation kind ${relo.kind}`);

  spec.accessors.push({ type: t, idx: first, name: undefined });
  spec.bitOffset = first * typeSize(t) * 8;
  for (let i = 1; i < relo.accessor.length; i++) {
    const idx = relo.accessor[i]!;
    if (isComposite(t)) {
      const m = t.members[idx];
      if (m === undefined) throw new BTFError(`${describeType(t)} has no member #${idx}`);
      spec.bitOffset += m.bitOffset;
      if (m.name !== "") spec.accessors.push({ type: t, idx, name: m.name });
      t = underlyingType(m.type);
    } else if (t.kind === Kind.Array) {
      const elem = underlyingType(t.type);
      const flex = isFlexArray(spec.accessors[spec.accessors.length - 1], t);
      if (!flex && idx >= t.nelems) throw new BTFError(`index ${idx} beyond array of ${t.nelems} elements`);
      spec.accessors.push({ type: elem, idx, name: undefined });
      spec.bitOffset += idx * typeSize(elem) * 8;
      t = elem;
    } else {
      throw new BTFError(`access step ${i} reaches ${describeType(t)}, neither a struct, union nor array`);
    }
  }
  return spec;
}

/**
 * Whether `kind` relocates a whole type (id, existence, size, match).
 *
 * @example
 * ```ts
 * import { COREKind } from "ebpf/btf";
 * import { isTypeRelocation } from "./access.js";
 * isTypeRelocation(COREKind.TypeSize); // true
 * ```
 */
export function isTypeRelocation(kind: COREKind): boolean {
  return (
    kind === COREKind.TypeIDLocal ||
    kind === COREKind.TypeIDTarget ||
    kind === COREKind.TypeExists ||
    kind === COREKind.TypeSize ||
    kind === COREKind.TypeMatches
  );
}

/**
 * Whether `kind` relocates an enum value.
 *
 * @example
 * ```ts
 * import { COREKind } from "ebpf/btf";
 * import { isEnumRelocation } from "./access.js";
 * isEnumRelocation(COREKind.EnumvalValue); // true
 * ```
 */
export function isEnumRelocation(kind: COREKind): boolean {
  return kind === COREKind.EnumvalExists || kind === COREKind.EnumvalValue;
}

/**
 * `"struct foo"`, `"union (anon)"`: a type as messages name it.
 *
 * @example
 * ```ts
 * import { Struct } from "ebpf/btf";
 * import { describeType } from "./access.js";
 * describeType(new Struct({ name: "s" })); // "struct s"
 * ```
 */
export function describeType(t: Type): string {
  return `${kindName(t.kind)} ${t.name === "" ? "(anon)" : t.name}`;
}


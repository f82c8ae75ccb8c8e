/**
 * CO-RE relocation kinds (`enum bpf_core_relo_kind` in `linux/bpf.h`), named as in libbpf.
 *
 * @module
 */

/**
 * What a CO-RE relocation asks for. The comment of each member names libbpf's constant.
 *
 * @example
 * ```ts
 * import { COREKind, coreKindName } from "ebpf/btf";
 * coreKindName(COREKind.FieldByteOffset); // "byte_off"
 * ```
 */
export enum COREKind {
  /** `BPF_CORE_FIELD_BYTE_OFFSET` */
  FieldByteOffset = 0,
  /** `BPF_CORE_FIELD_BYTE_SIZE` */
  FieldByteSize = 1,
  /** `BPF_CORE_FIELD_EXISTS` */
  FieldExists = 2,
  /** `BPF_CORE_FIELD_SIGNED` */
  FieldSigned = 3,
  /** `BPF_CORE_FIELD_LSHIFT_U64` */
  FieldLShiftU64 = 4,
  /** `BPF_CORE_FIELD_RSHIFT_U64` */
  FieldRShiftU64 = 5,
  /** `BPF_CORE_TYPE_ID_LOCAL` */
  TypeIDLocal = 6,
  /** `BPF_CORE_TYPE_ID_TARGET` */
  TypeIDTarget = 7,
  /** `BPF_CORE_TYPE_EXISTS` */
  TypeExists = 8,
  /** `BPF_CORE_TYPE_SIZE` */
  TypeSize = 9,
  /** `BPF_CORE_ENUMVAL_EXISTS` */
  EnumvalExists = 10,
  /** `BPF_CORE_ENUMVAL_VALUE` */
  EnumvalValue = 11,
  /** `BPF_CORE_TYPE_MATCHES` */
  TypeMatches = 12,
}

/**
 * Highest relocation kind this library knows.
 *
 * @example
 * ```ts
 * import { MAX_CORE_KIND, coreKindName } from "ebpf/btf";
 * coreKindName(MAX_CORE_KIND); // "type_matches"
 * ```
 */
export const MAX_CORE_KIND = COREKind.TypeMatches;

const NAMES: readonly string[] = [
  "byte_off",
  "byte_sz",
  "field_exists",
  "signed",
  "lshift_u64",
  "rshift_u64",
  "local_type_id",
  "target_type_id",
  "type_exists",
  "type_size",
  "enumval_exists",
  "enumval_value",
  "type_matches",
];

/**
 * libbpf's short name of a relocation kind (as in its debug output).
 *
 * @example
 * ```ts
 * import { COREKind, coreKindName } from "ebpf/btf";
 * coreKindName(COREKind.TypeIDTarget); // "target_type_id"
 * ```
 */
export function coreKindName(kind: number): string {
  return NAMES[kind] ?? `unknown kind ${kind}`;
}

/**
 * Whether `kind` relocates a field access (as opposed to a type or enum value).
 *
 * @example
 * ```ts
 * import { COREKind, isFieldRelocation } from "ebpf/btf";
 * isFieldRelocation(COREKind.FieldSigned); // true
 * ```
 */
export function isFieldRelocation(kind: COREKind): boolean {
  return kind <= COREKind.FieldRShiftU64;
}

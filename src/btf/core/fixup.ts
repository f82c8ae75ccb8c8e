/**
 * The result of one CO-RE relocation: what the instruction holds now and what it must hold.
 *
 * @module
 */

import type { COREKind } from "../core-kind.js";
import type { CORERelocation } from "../ext.js";
import type { Spec } from "../spec.js";
import type { Type } from "../types.js";

/**
 * The immediate of libbpf's poison: a call to helper `0xbad2310` ("bad relo"). The verifier
 * rejects it only when reachable, with `invalid func unknown#195896080`.
 *
 * @example
 * ```ts
 * import { COREBadRelocationSentinel } from "ebpf/btf";
 * console.log(COREBadRelocationSentinel); // 195896080
 * ```
 */
export const COREBadRelocationSentinel = 0xbad2310;

/**
 * The fixup of one relocation, computed by `coreRelocate` and applied by `applyCOREFixups`.
 *
 * - `local`: the value computed from the object's own BTF, which the instruction must hold when
 *   `validate` is set (libbpf's `orig_val`).
 * - `target`: the value to write (libbpf's `new_val`).
 * - `poison`: no target satisfies the relocation; the instruction becomes a call to the invalid
 *   helper {@link COREBadRelocationSentinel}, which fails the load only if reachable.
 * - `localSize` / `targetSize`: for a field byte offset on a load or store, the memory access
 *   sizes in bytes; when they differ the access size is rewritten, or the instruction poisoned
 *   when `memSizeMismatch` says that would change the value read (not a pointer or unsigned int).
 * - `targetSpec` / `targetType`: the candidate chosen, when one was; for a target type id in a
 *   kernel module, `targetSpec` is the module's split BTF and `target` an id in it.
 *
 * @example
 * ```ts
 * import { coreKindName, type COREFixup } from "ebpf/btf";
 * const show = (f: COREFixup) =>
 *   f.poison ? `${coreKindName(f.kind)}=poison` : `${coreKindName(f.kind)}=${f.local}->${f.target}`;
 * ```
 */
export interface COREFixup {
  readonly relocation: CORERelocation;
  readonly kind: COREKind;
  readonly local: bigint;
  readonly target: bigint;
  readonly poison: boolean;
  readonly validate: boolean;
  readonly localSize: number;
  readonly targetSize: number;
  readonly memSizeMismatch: boolean;
  readonly targetSpec?: Spec | undefined;
  readonly targetType?: Type | undefined;
}

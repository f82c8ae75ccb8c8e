/**
 * The error of a CO-RE relocation that can neither be resolved nor poisoned.
 *
 * @module
 */

import { BTFError } from "../../errors.js";
import { coreKindName } from "../core-kind.js";
import type { CORERelocation } from "../ext.js";
import { describeType } from "./access.js";

/**
 * A CO-RE relocation failed for good: its access string does not fit the local type, several
 * target candidates disagree (ambiguity), or the instruction does not hold the value the
 * relocation expects. The message names the relocation kind, the local type, the access string
 * and the instruction (a slot index, as libbpf's "insn #N").
 *
 * @example
 * ```ts
 * import { COREError, coreRelocate } from "ebpf/btf";
 * try {
 *   coreRelocate(relos, local, [target]);
 * } catch (err) {
 *   if (err instanceof COREError) console.error(err.relocation.accessStr, err.message);
 * }
 * ```
 */
export class COREError extends BTFError {
  override name = "COREError";
  constructor(
    readonly relocation: CORERelocation,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${describeRelocation(relocation)}: ${problem}`, options);
  }
}

/**
 * `"CO-RE byte_off of struct task_struct [5] (access 0:1) at insn #3"`: how messages name a
 * relocation.
 *
 * @example
 * ```ts
 * import { describeRelocation } from "ebpf/btf";
 * console.log(describeRelocation(relo));
 * ```
 */
export function describeRelocation(relo: CORERelocation): string {
  const what = `${coreKindName(relo.kind)} of ${describeType(relo.type)} [${relo.typeID}]`;
  return `CO-RE ${what} (access ${relo.accessStr}) at insn #${relo.insnOff}`;
}

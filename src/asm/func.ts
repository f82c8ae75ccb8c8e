/**
 * Kernel helper functions, called with `call <id>`.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { Instruction } from "./instruction.js";
import { Class, JumpOp } from "./opcode.js";
import { PseudoCall } from "./register.js";

/**
 * A kernel helper function: its id from `enum bpf_func_id` in `linux/bpf.h`, its name as
 * cilium/ebpf spells it (`FnMapLookupElem`) and the first kernel version that has it.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.FnMapLookupElem.id, asm.FnMapLookupElem.helperName); // 1 "bpf_map_lookup_elem"
 * const insn = asm.FnMapLookupElem.Call(); // call 1
 * ```
 */
export class BuiltinFunc {
  constructor(
    /** The helper id (`BPF_FUNC_*`). */
    readonly id: number,
    /** The name in cilium/ebpf style, e.g. `FnMapLookupElem`. */
    readonly name: string,
    /** The C name, e.g. `bpf_map_lookup_elem`. */
    readonly helperName: string,
    /** The first Linux version with the helper, e.g. `"3.19"`. */
    readonly minKernel: string,
  ) {
    if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
      throw new ArgumentError(`helper id ${String(id)} out of range`);
    }
  }

  /**
   * The instruction calling this helper.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.FnKtimeGetNs.Call().toString(); // "call 5"
   * ```
   */
  Call(): Instruction {
    return new Instruction({ opcode: Class.JMP | JumpOp.CALL, src: PseudoCall.Helper, constant: this.id });
  }

  /**
   * The cilium/ebpf-style name.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * String(asm.FnTailCall); // "FnTailCall"
   * ```
   */
  toString(): string {
    return this.name;
  }
}

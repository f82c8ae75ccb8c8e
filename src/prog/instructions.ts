/**
 * Turning a spec's instructions into the bytes BPF_PROG_LOAD reads.
 *
 * @module
 */
import { assemble, Instruction, marshalInstructions, nativeByteOrder } from "../asm/index.js";
import { ArgumentError } from "../errors.js";

/** Size of one instruction slot. */
const SLOT = 8;

/**
 * The encoded instructions of a spec, in fresh memory the kernel may read: builder output is
 * assembled (labels resolved) and encoded in the host's byte order; bytes are checked and copied.
 * Throws `ArgumentError` (or the asm package's `InstructionError`) for input that can never load.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const bytes = encodeInstructions([asm.Mov.Imm(asm.R0, 0), asm.Return()], "prog"); // 16 bytes
 * ```
 */
export function encodeInstructions(instructions: readonly Instruction[] | Uint8Array, what: string): Uint8Array {
  if (instructions instanceof Uint8Array) {
    if (instructions.byteLength === 0 || instructions.byteLength % SLOT !== 0) {
      throw new ArgumentError(
        `${what}: instructions are ${instructions.byteLength} bytes, not a positive multiple of ${SLOT}`,
      );
    }
    return new Uint8Array(instructions);
  }
  if (!Array.isArray(instructions)) {
    throw new ArgumentError(`${what}: instructions must be an array of asm Instructions or a Uint8Array`);
  }
  if (instructions.length === 0) throw new ArgumentError(`${what}: no instructions`);
  instructions.forEach((insn, index) => {
    if (!(insn instanceof Instruction)) {
      throw new ArgumentError(`${what}: instruction ${index} is not an asm Instruction: ${String(insn)}`);
    }
  });
  return marshalInstructions(assemble(instructions), nativeByteOrder);
}

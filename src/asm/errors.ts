/**
 * The error the asm package reports for an instruction it cannot encode, decode or assemble.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";

/**
 * An invalid instruction or instruction stream: an unknown opcode, a register above r10, a
 * truncated 64-bit immediate load, a jump to an unknown label. `index` is the position of the
 * offending instruction (in instructions, not 8-byte slots) when there is one.
 *
 * It extends `ArgumentError`, so callers that only care about bad input can catch that.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * try {
 *   asm.unmarshalInstructions(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0]), "little");
 * } catch (err) {
 *   if (err instanceof asm.InstructionError) console.log(err.index); // 0
 * }
 * ```
 */
export class InstructionError extends ArgumentError {
  override name = "InstructionError";
  constructor(
    message: string,
    readonly index?: number,
    options?: ErrorOptions,
  ) {
    super(index === undefined ? message : `instruction ${index}: ${message}`, options);
    this.detail = message;
  }

  /** The message without the instruction index, for re-throwing with a different index. */
  readonly detail: string;
}

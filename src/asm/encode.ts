/**
 * Instructions to bytes.
 *
 * @module
 */
import { isLittleEndian, type ByteOrder } from "./byte-order.js";
import { Instruction } from "./instruction.js";
import { InstructionError } from "./errors.js";

/**
 * The number of 8-byte slots a list of instructions occupies (`lddw` takes two).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.instructionSlots([asm.LoadImm(asm.R0, 1n, asm.DWord), asm.Return()]); // 3
 * ```
 */
export function instructionSlots(insns: readonly Instruction[]): number {
  let slots = 0;
  for (const insn of insns) slots += insn.slots;
  return slots;
}

/**
 * Encodes instructions as the kernel reads them, 8 bytes per slot and 16 for `lddw`. Fields
 * are written exactly as they are: labels are not resolved here (call `assemble` first for
 * programs built with labels).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const bytes = asm.marshalInstructions([asm.Mov.Imm(asm.R0, 0), asm.Return()], "little");
 * console.log(bytes.length); // 16
 * ```
 */
export function marshalInstructions(insns: readonly Instruction[], byteOrder: ByteOrder): Uint8Array {
  const little = isLittleEndian(byteOrder);
  const out = new Uint8Array(instructionSlots(insns) * 8);
  const view = new DataView(out.buffer);
  let pos = 0;
  insns.forEach((insn, index) => {
    if (!(insn instanceof Instruction)) {
      throw new InstructionError(`not an Instruction: ${String(insn)}`, index);
    }
    out[pos] = insn.opcode;
    out[pos + 1] = little ? (insn.src << 4) | insn.dst : (insn.dst << 4) | insn.src;
    view.setInt16(pos + 2, insn.offset, little);
    if (insn.slots === 2) {
      view.setInt32(pos + 4, Number(BigInt.asIntN(32, insn.constant)), little);
      // The second slot is zero apart from the upper half of the immediate.
      view.setInt32(pos + 12, Number(BigInt.asIntN(32, insn.constant >> 32n)), little);
      pos += 16;
    } else {
      view.setInt32(pos + 4, Number(insn.constant), little);
      pos += 8;
    }
  });
  return out;
}

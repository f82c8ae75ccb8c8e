/**
 * Label resolution: turns the `symbol` / `reference` metadata of builder output into the jump
 * offsets and call targets the kernel reads.
 *
 * @module
 */
import { InstructionError } from "./errors.js";
import type { Instruction } from "./instruction.js";
import { Class, opClass } from "./opcode.js";

/**
 * The slot (8-byte unit) at which each symbol starts. `lddw` counts as two slots. Throws
 * {@link InstructionError} for a symbol defined twice.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const offsets = asm.symbolOffsets([asm.LoadImm(asm.R0, 1n, asm.DWord), asm.Return().withSymbol("out")]);
 * offsets.get("out"); // 2
 * ```
 */
export function symbolOffsets(insns: readonly Instruction[]): Map<string, number> {
  const offsets = new Map<string, number>();
  let slot = 0;
  insns.forEach((insn, index) => {
    if (insn.symbol !== undefined) {
      if (offsets.has(insn.symbol)) {
        throw new InstructionError(`duplicate symbol "${insn.symbol}"`, index);
      }
      offsets.set(insn.symbol, slot);
    }
    slot += insn.slots;
  });
  return offsets;
}

/**
 * Resolves labels: every jump (`goto`, `gotol`, `may_goto`, conditional), bpf-to-bpf call and
 * function-pointer load (`LoadFuncPtr`) with a `reference` gets the offset, relative to the next
 * slot, of the instruction carrying that `symbol`. Other references (maps, kfuncs) are left for
 * the loader. Returns new instructions; references and symbols are kept. Throws
 * {@link InstructionError} with the instruction index for an unknown or duplicate label or a
 * target out of the offset's range.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const prog = asm.assemble([
 *   asm.Mov.Imm(asm.R0, 0),
 *   asm.JEq.Imm(asm.R1, 0, "out"),
 *   asm.Mov.Imm(asm.R0, 1),
 *   asm.Return().withSymbol("out"),
 * ]);
 * prog[1].offset; // 1
 * ```
 */
export function assemble(insns: readonly Instruction[]): Instruction[] {
  const symbols = symbolOffsets(insns);
  const out: Instruction[] = [];
  let slot = 0;
  insns.forEach((insn, index) => {
    const next = slot + insn.slots;
    slot = next;
    const ref = insn.reference;
    const isCode = insn.isJump() || insn.isFunctionCall() || insn.isLoadOfFunctionPointer();
    if (ref === undefined || !isCode) {
      out.push(insn);
      return;
    }
    const target = symbols.get(ref);
    if (target === undefined) {
      throw new InstructionError(`reference to unknown label "${ref}"`, index);
    }
    // Jumps and calls count from the next instruction; a function-pointer lddw counts from its
    // own first slot plus one, as the kernel's find_subprog(i + imm + 1) reads it.
    const delta = insn.isLoadOfFunctionPointer() ? target - (next - insn.slots) - 1 : target - next;
    const longJump = insn.isJump() && opClass(insn.opcode) === Class.JMP32 && (insn.opcode & 0xf0) === 0;
    if (insn.isJump() && !longJump) {
      if (delta < -0x8000 || delta > 0x7fff) {
        throw new InstructionError(`jump to "${ref}" (${delta} slots) exceeds the 16-bit offset; use JA.Long`, index);
      }
      out.push(insn.with({ offset: delta }));
    } else {
      out.push(insn.with({ constant: delta }));
    }
  });
  return out;
}

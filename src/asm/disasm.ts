/**
 * Program listings in the layout of `llvm-objdump -d --no-show-raw-insn`.
 *
 * @module
 */
import { formatInstruction, type FormatOptions } from "./format.js";
import type { Instruction } from "./instruction.js";
import { Class, JumpOp, jumpOp, opClass } from "./opcode.js";

/**
 * Options of {@link disassemble}.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const opts: asm.DisassembleOptions = { alu32: true };
 * ```
 */
export type DisassembleOptions = FormatOptions;

/**
 * The slot a jump lands on, or `undefined` for instructions that are not jumps.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.jumpTarget(asm.JA.Offset(3), 10); // 14
 * ```
 */
export function jumpTarget(insn: Instruction, slot: number): number | undefined {
  if (!insn.isJump()) return undefined;
  const long = opClass(insn.opcode) === Class.JMP32 && jumpOp(insn.opcode) === JumpOp.JA;
  return slot + 1 + (long ? Number(insn.constant) : insn.offset);
}

/**
 * Disassembles a program section. Every instruction prints as `<slot>:\t<text>` with the slot
 * right-aligned in 8 columns; an instruction carrying a `symbol` is preceded by a blank line and
 * a `<16-hex-digit byte address> <symbol>:` header; a jump is followed by ` <name>` naming the
 * nearest symbol at or before its target, with `+0x<byte offset>` when the target is past it.
 * That is how `llvm-objdump -d --no-show-raw-insn` lays out a section whose symbols are the
 * instructions' `symbol`s, so the output compares line for line with it.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const text = asm.disassemble([
 *   asm.Mov.Imm(asm.R0, 0).withSymbol("prog"),
 *   asm.Return(),
 * ]);
 * // "\n0000000000000000 <prog>:\n       0:\tr0 = 0\n       1:\texit\n"
 * ```
 */
export function disassemble(insns: readonly Instruction[], options: DisassembleOptions = {}): string {
  const symbols: { slot: number; name: string }[] = [];
  let slot = 0;
  for (const insn of insns) {
    if (insn.symbol !== undefined) symbols.push({ slot, name: insn.symbol });
    slot += insn.slots;
  }
  const nearest = (target: number): string => {
    let found: { slot: number; name: string } | undefined;
    for (const sym of symbols) {
      if (sym.slot > target) break;
      found = sym;
    }
    if (found === undefined) return "";
    const delta = (target - found.slot) * 8;
    return delta === 0 ? ` <${found.name}>` : ` <${found.name}+0x${delta.toString(16)}>`;
  };
  const lines: string[] = [];
  slot = 0;
  for (const insn of insns) {
    if (insn.symbol !== undefined) {
      lines.push("", `${(slot * 8).toString(16).padStart(16, "0")} <${insn.symbol}>:`);
    }
    const target = jumpTarget(insn, slot);
    const annotation = target === undefined || target < 0 ? "" : nearest(target);
    lines.push(`${String(slot).padStart(8)}:\t${formatInstruction(insn, options)}${annotation}`);
    slot += insn.slots;
  }
  return lines.map((line) => `${line}\n`).join("");
}

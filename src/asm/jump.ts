/**
 * Builders of jumps, calls and exit. A jump target is a label (string) that `assemble`
 * resolves, or a raw offset in 8-byte slots relative to the next instruction (number).
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import type { BuiltinFunc } from "./func.js";
import { Instruction } from "./instruction.js";
import { Class, JumpOp, Source } from "./opcode.js";
import { PseudoCall, type Register } from "./register.js";

/**
 * Where a jump goes: a label resolved by `assemble`, or a raw offset in slots relative to the
 * instruction after the jump.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const t: asm.JumpTarget = "out";
 * ```
 */
export type JumpTarget = string | number;

/** Placeholder offset of a jump whose label is not resolved yet, as in cilium/ebpf. */
const UNRESOLVED = -1;

function target(opcode: number, fields: { dst?: Register; src?: Register; constant?: number | bigint }, to: JumpTarget): Instruction {
  if (typeof to === "string") {
    if (to === "") throw new ArgumentError("jump label must not be empty");
    return new Instruction({ opcode, ...fields, offset: UNRESOLVED, reference: to });
  }
  return new Instruction({ opcode, ...fields, offset: to });
}

/**
 * The four forms of a conditional jump: comparing 64-bit registers (`Imm`, `Reg`) or their low
 * 32 bits (`Imm32`, `Reg32`, Linux 5.1) against an immediate or a register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const b: asm.JumpBuilder = asm.JEq;
 * b.Imm(asm.R0, 0, "out"); // if r0 == 0 goto <out>
 * ```
 */
export interface JumpBuilder {
  /** `if dst op value goto target` on 64 bits. */
  Imm(dst: Register, value: number | bigint, to: JumpTarget): Instruction;
  /** `if dst op src goto target` on 64 bits. */
  Reg(dst: Register, src: Register, to: JumpTarget): Instruction;
  /** `if wdst op value goto target` on 32 bits. */
  Imm32(dst: Register, value: number | bigint, to: JumpTarget): Instruction;
  /** `if wdst op wsrc goto target` on 32 bits. */
  Reg32(dst: Register, src: Register, to: JumpTarget): Instruction;
}

function jumpBuilder(op: JumpOp): JumpBuilder {
  return {
    Imm: (dst, value, to) => target(Class.JMP | op | Source.K, { dst, constant: value }, to),
    Reg: (dst, src, to) => target(Class.JMP | op | Source.X, { dst, src }, to),
    Imm32: (dst, value, to) => target(Class.JMP32 | op | Source.K, { dst, constant: value }, to),
    Reg32: (dst, src, to) => target(Class.JMP32 | op | Source.X, { dst, src }, to),
  };
}

/**
 * Jump if equal.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JEq.Imm(asm.R0, 0, "out");
 * ```
 */
export const JEq = jumpBuilder(JumpOp.JEQ);
/**
 * Jump if not equal.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JNE.Reg(asm.R1, asm.R2, "loop");
 * ```
 */
export const JNE = jumpBuilder(JumpOp.JNE);
/**
 * Jump if greater (unsigned).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JGT.Imm(asm.R1, 10, "big");
 * ```
 */
export const JGT = jumpBuilder(JumpOp.JGT);
/**
 * Jump if greater or equal (unsigned).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JGE.Reg32(asm.R1, asm.R2, "ge");
 * ```
 */
export const JGE = jumpBuilder(JumpOp.JGE);
/**
 * Jump if less (unsigned), Linux 4.14.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JLT.Imm(asm.R1, 10, "small");
 * ```
 */
export const JLT = jumpBuilder(JumpOp.JLT);
/**
 * Jump if less or equal (unsigned), Linux 4.14.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JLE.Imm(asm.R1, 10, "small");
 * ```
 */
export const JLE = jumpBuilder(JumpOp.JLE);
/**
 * Jump if greater (signed).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JSGT.Imm(asm.R1, -1, "nonneg");
 * ```
 */
export const JSGT = jumpBuilder(JumpOp.JSGT);
/**
 * Jump if greater or equal (signed).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JSGE.Imm(asm.R1, 0, "nonneg");
 * ```
 */
export const JSGE = jumpBuilder(JumpOp.JSGE);
/**
 * Jump if less (signed), Linux 4.14.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JSLT.Imm(asm.R0, 0, "error");
 * ```
 */
export const JSLT = jumpBuilder(JumpOp.JSLT);
/**
 * Jump if less or equal (signed), Linux 4.14.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JSLE.Imm(asm.R0, 0, "error");
 * ```
 */
export const JSLE = jumpBuilder(JumpOp.JSLE);
/**
 * Jump if `dst & operand` is non-zero.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JSet.Imm(asm.R1, 0x10, "flagged");
 * ```
 */
export const JSet = jumpBuilder(JumpOp.JSET);

/**
 * Unconditional jumps: `JA.Label(name)` / `JA.Offset(n)` (`goto`, 16-bit offset) and
 * `JA.Long(name | n)` (`gotol`, 32-bit offset in the immediate, Linux 6.6).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.JA.Label("out"); // goto <out>
 * ```
 */
export const JA = {
  /** `goto label`. */
  Label: (label: string): Instruction => target(Class.JMP | JumpOp.JA, {}, label),
  /** `goto +offset`. */
  Offset: (offset: number): Instruction => target(Class.JMP | JumpOp.JA, {}, offset),
  /** `gotol label` or `gotol +offset`, with the offset in the immediate. */
  Long: (to: JumpTarget): Instruction => {
    const opcode = Class.JMP32 | JumpOp.JA;
    if (typeof to === "string") {
      if (to === "") throw new ArgumentError("jump label must not be empty");
      return new Instruction({ opcode, constant: UNRESOLVED, reference: to });
    }
    return new Instruction({ opcode, constant: to });
  },
} as const;

/**
 * `may_goto`: jump unless the kernel's loop budget is exhausted, Linux 6.9.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.MayGoto("out");
 * ```
 */
export function MayGoto(to: JumpTarget): Instruction {
  return target(Class.JMP | JumpOp.JCOND, {}, to);
}

/**
 * `exit`: return r0 to the caller.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const prog = [asm.Mov.Imm(asm.R0, 0), asm.Return()];
 * ```
 */
export function Return(): Instruction {
  return new Instruction({ opcode: Class.JMP | JumpOp.EXIT });
}

/**
 * Calls a kernel helper by id or {@link BuiltinFunc}.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Call(asm.FnKtimeGetNs); // call 5
 * asm.Call(5); // the same
 * ```
 */
export function Call(fn: number | BuiltinFunc): Instruction {
  const id = typeof fn === "number" ? fn : fn.id;
  if (!Number.isInteger(id) || id < 0) throw new ArgumentError(`helper id ${String(id)} is not a non-negative integer`);
  return new Instruction({ opcode: Class.JMP | JumpOp.CALL, src: PseudoCall.Helper, constant: id });
}

/**
 * A bpf-to-bpf call of the function whose first instruction carries the symbol `label`
 * (Linux 4.16). `assemble` computes the relative offset.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const prog = [asm.CallLabel("sub"), asm.Return(), asm.Mov.Imm(asm.R0, 1).withSymbol("sub"), asm.Return()];
 * ```
 */
export function CallLabel(label: string): Instruction {
  if (label === "") throw new ArgumentError("call label must not be empty");
  return new Instruction({
    opcode: Class.JMP | JumpOp.CALL,
    src: PseudoCall.Call,
    constant: UNRESOLVED,
    reference: label,
  });
}

/**
 * A call of a kernel function (kfunc) by BTF id, Linux 5.13. `moduleIndex` is the index of the
 * module's BTF fd in the program's `fd_array` (0 for vmlinux).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.CallKfunc(71234);
 * ```
 */
export function CallKfunc(btfId: number, moduleIndex = 0): Instruction {
  return new Instruction({
    opcode: Class.JMP | JumpOp.CALL,
    src: PseudoCall.KfuncCall,
    offset: moduleIndex,
    constant: btfId,
  });
}

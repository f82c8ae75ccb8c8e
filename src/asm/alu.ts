/**
 * Builders of ALU instructions, named as cilium/ebpf names them: `Add.Imm(dst, 1)` is
 * `r dst += 1`, `Add.Reg32(dst, src)` is `w dst += w src`.
 *
 * @module
 */
import type { ByteOrder } from "./byte-order.js";
import { isLittleEndian } from "./byte-order.js";
import { Instruction } from "./instruction.js";
import { ALUOp, Class, Source, type Size } from "./opcode.js";
import type { Register } from "./register.js";
import { swapWidth } from "./size.js";

/**
 * The four forms of a binary ALU operation: 64-bit (`Imm`, `Reg`) and 32-bit (`Imm32`, `Reg32`,
 * which zero the upper half of `dst`), with an immediate or a register operand.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const b: asm.ALUBuilder = asm.Xor;
 * b.Reg32(asm.R0, asm.R0); // w0 ^= w0
 * ```
 */
export interface ALUBuilder {
  /** `dst op= value` on 64 bits; `value` is a signed 32-bit immediate. */
  Imm(dst: Register, value: number | bigint): Instruction;
  /** `dst op= src` on 64 bits. */
  Reg(dst: Register, src: Register): Instruction;
  /** `dst op= value` on the low 32 bits. */
  Imm32(dst: Register, value: number | bigint): Instruction;
  /** `dst op= src` on the low 32 bits. */
  Reg32(dst: Register, src: Register): Instruction;
}

function aluBuilder(op: ALUOp, offset = 0): ALUBuilder {
  return {
    Imm: (dst, value) => new Instruction({ opcode: Class.ALU64 | op | Source.K, dst, offset, constant: value }),
    Reg: (dst, src) => new Instruction({ opcode: Class.ALU64 | op | Source.X, dst, src, offset }),
    Imm32: (dst, value) => new Instruction({ opcode: Class.ALU | op | Source.K, dst, offset, constant: value }),
    Reg32: (dst, src) => new Instruction({ opcode: Class.ALU | op | Source.X, dst, src, offset }),
  };
}

/**
 * Addition.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Add.Imm(asm.R2, -4); // r2 += -4
 * ```
 */
export const Add = aluBuilder(ALUOp.ADD);
/**
 * Subtraction.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Sub.Reg(asm.R0, asm.R1); // r0 -= r1
 * ```
 */
export const Sub = aluBuilder(ALUOp.SUB);
/**
 * Multiplication.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Mul.Imm32(asm.R0, 3); // w0 *= 3
 * ```
 */
export const Mul = aluBuilder(ALUOp.MUL);
/**
 * Unsigned division; division by zero yields 0.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Div.Imm(asm.R0, 10); // r0 /= 10
 * ```
 */
export const Div = aluBuilder(ALUOp.DIV);
/**
 * Signed division (offset 1), Linux 6.6.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.SDiv.Reg(asm.R0, asm.R1); // r0 s/= r1
 * ```
 */
export const SDiv = aluBuilder(ALUOp.DIV, 1);
/**
 * Bitwise or.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Or.Imm(asm.R0, 0xff00); // r0 |= 65280
 * ```
 */
export const Or = aluBuilder(ALUOp.OR);
/**
 * Bitwise and.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.And.Imm32(asm.R0, 3); // w0 &= 3
 * ```
 */
export const And = aluBuilder(ALUOp.AND);
/**
 * Left shift.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LSh.Imm(asm.R1, 32); // r1 <<= 32
 * ```
 */
export const LSh = aluBuilder(ALUOp.LSH);
/**
 * Logical right shift.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.RSh.Imm(asm.R1, 32); // r1 >>= 32
 * ```
 */
export const RSh = aluBuilder(ALUOp.RSH);
/**
 * Unsigned modulo; modulo by zero leaves `dst` unchanged.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Mod.Imm(asm.R0, 7); // r0 %= 7
 * ```
 */
export const Mod = aluBuilder(ALUOp.MOD);
/**
 * Signed modulo (offset 1), Linux 6.6.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.SMod.Imm(asm.R0, 7); // r0 s%= 7
 * ```
 */
export const SMod = aluBuilder(ALUOp.MOD, 1);
/**
 * Bitwise exclusive or.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Xor.Reg32(asm.R0, asm.R0); // w0 ^= w0
 * ```
 */
export const Xor = aluBuilder(ALUOp.XOR);
/**
 * Move. `Mov.Imm` sign-extends its 32-bit immediate to 64 bits; `Mov.Imm32` zero-extends.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Mov.Imm(asm.R0, 42); // r0 = 42
 * asm.Mov.Reg(asm.R1, asm.R2); // r1 = r2
 * ```
 */
export const Mov = aluBuilder(ALUOp.MOV);
/**
 * Arithmetic (sign-preserving) right shift.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.ArSh.Imm(asm.R1, 32); // r1 s>>= 32
 * ```
 */
export const ArSh = aluBuilder(ALUOp.ARSH);

/**
 * The forms of a sign-extending move: 64-bit (`Reg`) and 32-bit (`Reg32`) destination.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const b: asm.MovSXBuilder = asm.MovSX8;
 * b.Reg(asm.R0, asm.R1); // r0 = (s8)r1
 * ```
 */
export interface MovSXBuilder {
  /** `dst = (sN)src` on 64 bits. */
  Reg(dst: Register, src: Register): Instruction;
  /** `dst = (sN)src` on 32 bits (not available for `MovSX32`). */
  Reg32(dst: Register, src: Register): Instruction;
}

function movSXBuilder(width: 8 | 16 | 32): MovSXBuilder {
  const mov = aluBuilder(ALUOp.MOV, width);
  return { Reg: mov.Reg, Reg32: mov.Reg32 };
}

/**
 * Move of the sign-extended low byte of a register, Linux 6.6.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.MovSX8.Reg32(asm.R0, asm.R1); // w0 = (s8)w1
 * ```
 */
export const MovSX8 = movSXBuilder(8);
/**
 * Move of the sign-extended low 16 bits of a register, Linux 6.6.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.MovSX16.Reg(asm.R0, asm.R1); // r0 = (s16)r1
 * ```
 */
export const MovSX16 = movSXBuilder(16);
/**
 * Move of the sign-extended low 32 bits of a register, Linux 6.6 (64-bit destination only).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.MovSX32.Reg(asm.R0, asm.R1); // r0 = (s32)r1
 * ```
 */
export const MovSX32 = movSXBuilder(32);

/**
 * Negation; the kernel only has the immediate-source encoding, which ignores the immediate.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.Neg.Imm(asm.R0); // r0 = -r0
 * asm.Neg.Imm32(asm.R0); // w0 = -w0
 * ```
 */
export const Neg = {
  /** `dst = -dst` on 64 bits. */
  Imm: (dst: Register): Instruction => new Instruction({ opcode: Class.ALU64 | ALUOp.NEG | Source.K, dst }),
  /** `dst = -dst` on 32 bits. */
  Imm32: (dst: Register): Instruction => new Instruction({ opcode: Class.ALU | ALUOp.NEG | Source.K, dst }),
} as const;

/**
 * Converts the low `size` bytes of `dst` from host order to little endian (a no-op apart from
 * truncation on little-endian hosts).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.ToLE(asm.R1, asm.Half); // r1 = le16 r1
 * ```
 */
export function ToLE(dst: Register, size: Size): Instruction {
  return new Instruction({ opcode: Class.ALU | ALUOp.END | Source.K, dst, constant: swapWidth(size) });
}

/**
 * Converts the low `size` bytes of `dst` from host order to big endian.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.ToBE(asm.R1, asm.Word); // r1 = be32 r1
 * ```
 */
export function ToBE(dst: Register, size: Size): Instruction {
  return new Instruction({ opcode: Class.ALU | ALUOp.END | Source.X, dst, constant: swapWidth(size) });
}

/**
 * Converts `dst` from host order to `order`, as cilium/ebpf's `HostTo`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.HostTo("big", asm.R1, asm.DWord); // r1 = be64 r1
 * ```
 */
export function HostTo(order: ByteOrder, dst: Register, size: Size): Instruction {
  return isLittleEndian(order) ? ToLE(dst, size) : ToBE(dst, size);
}

/**
 * Unconditionally reverses the low `size` bytes of `dst` (`BPF_ALU64 | BPF_END`), Linux 6.6.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.BSwap(asm.R1, asm.Half); // r1 = bswap16 r1
 * ```
 */
export function BSwap(dst: Register, size: Size): Instruction {
  return new Instruction({ opcode: Class.ALU64 | ALUOp.END | Source.K, dst, constant: swapWidth(size) });
}

/**
 * The fields of an eBPF opcode byte, as `Documentation/bpf/standardization/instruction-set.rst`
 * lays them out: the low 3 bits are the class; ALU and jump opcodes add a source bit and a 4-bit
 * operation, load and store opcodes a 2-bit size and a 3-bit mode.
 *
 * @module
 */

/**
 * Instruction classes (the low 3 bits of the opcode).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.opClass(0x07) === asm.Class.ALU64); // true
 * ```
 */
export const Class = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  JMP32: 0x06,
  ALU64: 0x07,
} as const;
/** A value of {@link Class}. @example const c: Class = Class.JMP; */
export type Class = (typeof Class)[keyof typeof Class];

/**
 * Access sizes of load and store instructions (bits 3-4).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.sizeBytes(asm.Size.W)); // 4
 * ```
 */
export const Size = {
  W: 0x00,
  H: 0x08,
  B: 0x10,
  DW: 0x18,
} as const;
/** A value of {@link Size}. @example const s: Size = Size.DW; */
export type Size = (typeof Size)[keyof typeof Size];

/**
 * A 1-byte access, as cilium/ebpf names it.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.LoadMem(asm.R0, asm.R1, 0, asm.Byte);
 * ```
 */
export const Byte: Size = Size.B;
/**
 * A 2-byte access.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.LoadMem(asm.R0, asm.R1, 0, asm.Half);
 * ```
 */
export const Half: Size = Size.H;
/**
 * A 4-byte access.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.LoadMem(asm.R0, asm.R1, 0, asm.Word);
 * ```
 */
export const Word: Size = Size.W;
/**
 * An 8-byte access; with `LoadImm` the 16-byte 64-bit immediate load.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.LoadImm(asm.R0, 1n << 40n, asm.DWord);
 * ```
 */
export const DWord: Size = Size.DW;

/**
 * Modes of load and store instructions (bits 5-7).
 *
 * - `IMM`: 64-bit immediate load (`LD` class, `DW` size only).
 * - `ABS` / `IND`: legacy packet access of socket filters.
 * - `MEM`: regular memory access.
 * - `MEMSX`: sign-extending load (`LDX` only, Linux 6.6).
 * - `ATOMIC`: atomic operation (`STX` only; the operation is in the immediate).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.opMode(0x61) === asm.Mode.MEM); // true
 * ```
 */
export const Mode = {
  IMM: 0x00,
  ABS: 0x20,
  IND: 0x40,
  MEM: 0x60,
  MEMSX: 0x80,
  ATOMIC: 0xc0,
} as const;
/** A value of {@link Mode}. @example const m: Mode = Mode.MEM; */
export type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * Operand source of ALU and jump instructions (bit 3): the immediate (`K`) or the source
 * register (`X`). For `ALU`-class byte swaps the bit selects the target byte order instead
 * (`K` = to little endian, `X` = to big endian).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.opSource(0x0f) === asm.Source.X); // true
 * ```
 */
export const Source = {
  K: 0x00,
  X: 0x08,
} as const;
/** A value of {@link Source}. @example const s: Source = Source.K; */
export type Source = (typeof Source)[keyof typeof Source];

/**
 * ALU operations (bits 4-7 of `ALU` and `ALU64` opcodes). `DIV` and `MOD` with offset 1 are
 * signed (Linux 6.6); `MOV` with offset 8, 16 or 32 sign-extends (Linux 6.6); `END` is a byte
 * swap whose width is in the immediate (16, 32 or 64).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.aluOp(0x0f) === asm.ALUOp.ADD); // true
 * ```
 */
export const ALUOp = {
  ADD: 0x00,
  SUB: 0x10,
  MUL: 0x20,
  DIV: 0x30,
  OR: 0x40,
  AND: 0x50,
  LSH: 0x60,
  RSH: 0x70,
  NEG: 0x80,
  MOD: 0x90,
  XOR: 0xa0,
  MOV: 0xb0,
  ARSH: 0xc0,
  END: 0xd0,
} as const;
/** A value of {@link ALUOp}. @example const op: ALUOp = ALUOp.XOR; */
export type ALUOp = (typeof ALUOp)[keyof typeof ALUOp];

/**
 * Jump operations (bits 4-7 of `JMP` and `JMP32` opcodes). `JA` in the `JMP32` class is `gotol`
 * with a 32-bit offset in the immediate (Linux 6.6); `JCOND` is `may_goto` (Linux 6.9).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.jumpOp(0x95) === asm.JumpOp.EXIT); // true
 * ```
 */
export const JumpOp = {
  JA: 0x00,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  JNE: 0x50,
  JSGT: 0x60,
  JSGE: 0x70,
  CALL: 0x80,
  EXIT: 0x90,
  JLT: 0xa0,
  JLE: 0xb0,
  JSLT: 0xc0,
  JSLE: 0xd0,
  JCOND: 0xe0,
} as const;
/** A value of {@link JumpOp}. @example const op: JumpOp = JumpOp.JEQ; */
export type JumpOp = (typeof JumpOp)[keyof typeof JumpOp];

/**
 * Atomic operations, stored in the immediate of `STX | ATOMIC` instructions. `FETCH` may be
 * or-ed into `ADD`, `OR`, `AND` and `XOR` (Linux 5.12; plain `ADD` since 3.19, the others 5.12).
 * `XCHG` and `CMPXCHG` always fetch (Linux 5.12). `LOAD_ACQ` and `STORE_REL` (Linux 6.15) also
 * work on 1- and 2-byte sizes.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.AtomicFetchAdd(asm.R1, 0, asm.R2, asm.DWord).constant); // 1n
 * ```
 */
export const AtomicOp = {
  ADD: 0x00,
  OR: 0x40,
  AND: 0x50,
  XOR: 0xa0,
  FETCH: 0x01,
  XCHG: 0xe1,
  CMPXCHG: 0xf1,
  LOAD_ACQ: 0x100,
  STORE_REL: 0x110,
} as const;
/** A value of {@link AtomicOp}. @example const op: AtomicOp = AtomicOp.XCHG; */
export type AtomicOp = (typeof AtomicOp)[keyof typeof AtomicOp];

/**
 * The class of an opcode.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.opClass(0x18); // asm.Class.LD
 * ```
 */
export function opClass(opcode: number): Class {
  return (opcode & 0x07) as Class;
}

/**
 * The size field of a load or store opcode.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.opSize(0x79); // asm.Size.DW
 * ```
 */
export function opSize(opcode: number): Size {
  return (opcode & 0x18) as Size;
}

/**
 * The mode field of a load or store opcode.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.opMode(0xdb); // asm.Mode.ATOMIC
 * ```
 */
export function opMode(opcode: number): Mode {
  return (opcode & 0xe0) as Mode;
}

/**
 * The source bit of an ALU or jump opcode.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.opSource(0x1d); // asm.Source.X
 * ```
 */
export function opSource(opcode: number): Source {
  return (opcode & 0x08) as Source;
}

/**
 * The operation field of an ALU opcode.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.aluOp(0xb7); // asm.ALUOp.MOV
 * ```
 */
export function aluOp(opcode: number): ALUOp {
  return (opcode & 0xf0) as ALUOp;
}

/**
 * The operation field of a jump opcode.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.jumpOp(0x85); // asm.JumpOp.CALL
 * ```
 */
export function jumpOp(opcode: number): JumpOp {
  return (opcode & 0xf0) as JumpOp;
}

/**
 * The number of bytes a size field accesses.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.sizeBytes(asm.Half); // 2
 * ```
 */
export function sizeBytes(size: Size): 1 | 2 | 4 | 8 {
  switch (size) {
    case Size.B:
      return 1;
    case Size.H:
      return 2;
    case Size.W:
      return 4;
    case Size.DW:
      return 8;
  }
}

/**
 * Whether the class is `ALU` or `ALU64`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.isALUClass(asm.Class.ALU64); // true
 * ```
 */
export function isALUClass(cls: Class): boolean {
  return cls === Class.ALU || cls === Class.ALU64;
}

/**
 * Whether the class is `JMP` or `JMP32`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.isJumpClass(asm.Class.JMP32); // true
 * ```
 */
export function isJumpClass(cls: Class): boolean {
  return cls === Class.JMP || cls === Class.JMP32;
}

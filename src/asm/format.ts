/**
 * Text of one instruction in the syntax of LLVM's BPF backend, as `llvm-objdump -d` prints it.
 * Forms LLVM 14 knows print exactly as LLVM 14 prints them; newer forms (signed division,
 * sign-extending moves and loads, `bswap`, `gotol`, `may_goto`, stores of immediates, `%=`,
 * `&` jumps, 32-bit atomics other than `lock +=`, load-acquire and store-release) use the
 * syntax of the LLVM release that introduced them.
 *
 * @module
 */
import type { Instruction } from "./instruction.js";
import {
  ALUOp,
  AtomicOp,
  Class,
  JumpOp,
  Mode,
  Size,
  Source,
  aluOp,
  jumpOp,
  opClass,
  opMode,
  opSize,
  opSource,
  sizeBytes,
} from "./opcode.js";

/**
 * Options of {@link formatInstruction} and `disassemble`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const opts: asm.FormatOptions = { alu32: true };
 * ```
 */
export interface FormatOptions {
  /**
   * Print sub-64-bit loads, stores and atomics with `w` registers, as
   * `llvm-objdump --mattr=+alu32` does. Default false: `r` registers, as plain `llvm-objdump`.
   */
  readonly alu32?: boolean;
}

const aluSymbols: Record<number, string> = {
  [ALUOp.ADD]: "+=",
  [ALUOp.SUB]: "-=",
  [ALUOp.MUL]: "*=",
  [ALUOp.DIV]: "/=",
  [ALUOp.OR]: "|=",
  [ALUOp.AND]: "&=",
  [ALUOp.LSH]: "<<=",
  [ALUOp.RSH]: ">>=",
  [ALUOp.MOD]: "%=",
  [ALUOp.XOR]: "^=",
  [ALUOp.ARSH]: "s>>=",
};

const jumpSymbols: Record<number, string> = {
  [JumpOp.JEQ]: "==",
  [JumpOp.JGT]: ">",
  [JumpOp.JGE]: ">=",
  [JumpOp.JSET]: "&",
  [JumpOp.JNE]: "!=",
  [JumpOp.JSGT]: "s>",
  [JumpOp.JSGE]: "s>=",
  [JumpOp.JLT]: "<",
  [JumpOp.JLE]: "<=",
  [JumpOp.JSLT]: "s<",
  [JumpOp.JSLE]: "s<=",
};

const atomicNames: Record<number, string> = {
  [AtomicOp.ADD]: "add",
  [AtomicOp.OR]: "or",
  [AtomicOp.AND]: "and",
  [AtomicOp.XOR]: "xor",
};

const atomicSymbols: Record<number, string> = {
  [AtomicOp.ADD]: "+=",
  [AtomicOp.OR]: "|=",
  [AtomicOp.AND]: "&=",
  [AtomicOp.XOR]: "^=",
};

/**
 * A signed branch offset as LLVM prints it: `+3`, `+0`, `-2`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.formatBranchOffset(3); // "+3"
 * ```
 */
export function formatBranchOffset(offset: number | bigint): string {
  return offset >= 0 ? `+${offset}` : `${offset}`;
}

function memOperand(base: number, offset: number): string {
  return offset < 0 ? `(r${base} - ${-offset})` : `(r${base} + ${offset})`;
}

function formatALU(insn: Instruction): string {
  const cls = opClass(insn.opcode);
  const p = cls === Class.ALU64 ? "r" : "w";
  const op = aluOp(insn.opcode);
  const x = opSource(insn.opcode) === Source.X;
  const dst = `${p}${insn.dst}`;
  const operand = x ? `${p}${insn.src}` : `${insn.constant}`;
  switch (op) {
    case ALUOp.MOV:
      if (x && insn.offset !== 0) return `${dst} = (s${insn.offset})${p}${insn.src}`;
      return `${dst} = ${operand}`;
    case ALUOp.NEG:
      return `${dst} = -${dst}`;
    case ALUOp.END: {
      if (cls === Class.ALU64) return `r${insn.dst} = bswap${insn.constant} r${insn.dst}`;
      const order = x ? "be" : "le";
      return `r${insn.dst} = ${order}${insn.constant} r${insn.dst}`;
    }
    case ALUOp.DIV:
    case ALUOp.MOD:
      if (insn.offset === 1) return `${dst} s${aluSymbols[op]} ${operand}`;
      return `${dst} ${aluSymbols[op]} ${operand}`;
    default:
      return `${dst} ${aluSymbols[op]} ${operand}`;
  }
}

function formatJump(insn: Instruction): string {
  const cls = opClass(insn.opcode);
  const op = jumpOp(insn.opcode);
  switch (op) {
    case JumpOp.JA:
      return cls === Class.JMP32
        ? `gotol ${formatBranchOffset(insn.constant)}`
        : `goto ${formatBranchOffset(insn.offset)}`;
    case JumpOp.CALL:
      return `call ${insn.constant}`;
    case JumpOp.EXIT:
      return "exit";
    case JumpOp.JCOND:
      return `may_goto ${formatBranchOffset(insn.offset)}`;
    default: {
      const p = cls === Class.JMP ? "r" : "w";
      const operand = opSource(insn.opcode) === Source.X ? `${p}${insn.src}` : `${insn.constant}`;
      return `if ${p}${insn.dst} ${jumpSymbols[op]} ${operand} goto ${formatBranchOffset(insn.offset)}`;
    }
  }
}

function formatAtomic(insn: Instruction, alu32: boolean): string {
  const size = opSize(insn.opcode);
  const bits = sizeBytes(size) * 8;
  const imm = Number(insn.constant);
  const mem = memOperand(insn.dst, insn.offset);
  const p = size === Size.DW ? "r" : "w";
  const src = `${p}${insn.src}`;
  switch (imm) {
    case AtomicOp.LOAD_ACQ:
      return `${p}${insn.dst} = load_acquire((u${bits} *)${memOperand(insn.src, insn.offset)})`;
    case AtomicOp.STORE_REL:
      return `store_release((u${bits} *)${mem}, ${src})`;
    case AtomicOp.XCHG:
      return size === Size.DW
        ? `${src} = xchg_64(${mem.slice(1, -1)}, ${src})`
        : `${src} = xchg32_32(${mem.slice(1, -1)}, ${src})`;
    case AtomicOp.CMPXCHG:
      return size === Size.DW
        ? `r0 = cmpxchg_64(${mem.slice(1, -1)}, r0, ${src})`
        : `w0 = cmpxchg32_32(${mem.slice(1, -1)}, w0, ${src})`;
  }
  const base = imm & ~AtomicOp.FETCH;
  if ((imm & AtomicOp.FETCH) !== 0) {
    return `${src} = atomic_fetch_${atomicNames[base]}((u${bits} *)${mem}, ${src})`;
  }
  // LLVM 14 without +alu32 decodes only the 32-bit `lock +=`, and with r registers.
  const lockSrc = size === Size.W && imm === AtomicOp.ADD && !alu32 ? `r${insn.src}` : src;
  return `lock *(u${bits} *)${mem} ${atomicSymbols[base]} ${lockSrc}`;
}

/**
 * The text of one instruction as `llvm-objdump -d --no-show-raw-insn` prints it (without the
 * `<symbol>` annotation of jump targets, which needs the surrounding program).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.formatInstruction(asm.JGT.Reg(asm.R1, asm.R2, 3)); // "if r1 > r2 goto +3"
 * ```
 */
export function formatInstruction(insn: Instruction, options: FormatOptions = {}): string {
  const alu32 = options.alu32 ?? false;
  const cls = opClass(insn.opcode);
  const size = opSize(insn.opcode);
  const bits = sizeBytes(size) * 8;
  const narrow = alu32 && size !== Size.DW ? "w" : "r";
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      return formatALU(insn);
    case Class.JMP:
    case Class.JMP32:
      return formatJump(insn);
    case Class.LD: {
      const mode = opMode(insn.opcode);
      if (mode === Mode.IMM) return `r${insn.dst} = ${insn.constant} ll`;
      if (mode === Mode.ABS) return `r0 = *(u${bits} *)skb[${insn.constant}]`;
      return insn.constant === 0n
        ? `r0 = *(u${bits} *)skb[r${insn.src}]`
        : `r0 = *(u${bits} *)skb[r${insn.src} + ${insn.constant}]`;
    }
    case Class.LDX:
      if (opMode(insn.opcode) === Mode.MEMSX) {
        return `r${insn.dst} = *(s${bits} *)${memOperand(insn.src, insn.offset)}`;
      }
      return `${narrow}${insn.dst} = *(u${bits} *)${memOperand(insn.src, insn.offset)}`;
    case Class.ST:
      return `*(u${bits} *)${memOperand(insn.dst, insn.offset)} = ${insn.constant}`;
    case Class.STX:
      if (opMode(insn.opcode) === Mode.ATOMIC) return formatAtomic(insn, alu32);
      return `*(u${bits} *)${memOperand(insn.dst, insn.offset)} = ${narrow}${insn.src}`;
  }
}

/**
 * Which opcodes exist. The table follows the kernel's instruction set document and verifier:
 * anything the kernel would reject as an unknown opcode is unknown here too, so a bad byte
 * stream fails at decode time with the instruction's index.
 *
 * @module
 */
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
} from "./opcode.js";

function knownOpcode(opcode: number): boolean {
  const cls = opClass(opcode);
  switch (cls) {
    case Class.LD: {
      const mode = opMode(opcode);
      const size = opSize(opcode);
      if (mode === Mode.IMM) return size === Size.DW;
      if (mode === Mode.ABS || mode === Mode.IND) return size !== Size.DW;
      return false;
    }
    case Class.LDX: {
      const mode = opMode(opcode);
      if (mode === Mode.MEM) return true;
      return mode === Mode.MEMSX && opSize(opcode) !== Size.DW;
    }
    case Class.ST:
      return opMode(opcode) === Mode.MEM;
    case Class.STX: {
      const mode = opMode(opcode);
      return mode === Mode.MEM || mode === Mode.ATOMIC;
    }
    case Class.ALU:
    case Class.ALU64: {
      const op = aluOp(opcode);
      if (op > ALUOp.END) return false;
      if (op === ALUOp.NEG) return opSource(opcode) === Source.K;
      // BPF_ALU64 | BPF_END | BPF_X has no meaning; the K form is the unconditional bswap.
      if (op === ALUOp.END && cls === Class.ALU64) return opSource(opcode) === Source.K;
      return true;
    }
    case Class.JMP:
    case Class.JMP32: {
      const op = jumpOp(opcode);
      const k = opSource(opcode) === Source.K;
      switch (op) {
        case JumpOp.JA:
          return k;
        case JumpOp.CALL:
        case JumpOp.EXIT:
        case JumpOp.JCOND:
          return k && cls === Class.JMP;
        default:
          return op <= JumpOp.JSLE;
      }
    }
  }
}

const known = new Uint8Array(256);
for (let op = 0; op < 256; op++) known[op] = knownOpcode(op) ? 1 : 0;

/**
 * Whether an opcode byte is part of the eBPF instruction set.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.isKnownOpcode(0xb7); // true: mov r, imm
 * asm.isKnownOpcode(0xff); // false
 * ```
 */
export function isKnownOpcode(opcode: number): boolean {
  return Number.isInteger(opcode) && opcode >= 0 && opcode <= 0xff && known[opcode] === 1;
}

const wideAtomics = new Set<number>([
  AtomicOp.ADD,
  AtomicOp.OR,
  AtomicOp.AND,
  AtomicOp.XOR,
  AtomicOp.ADD | AtomicOp.FETCH,
  AtomicOp.OR | AtomicOp.FETCH,
  AtomicOp.AND | AtomicOp.FETCH,
  AtomicOp.XOR | AtomicOp.FETCH,
  AtomicOp.XCHG,
  AtomicOp.CMPXCHG,
]);

/**
 * Why an atomic operation immediate is invalid for an access size, or `undefined` when it is
 * valid. Read-modify-write operations need 4 or 8 bytes; load-acquire and store-release work on
 * every size.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.atomicProblem(asm.Size.B, asm.AtomicOp.ADD); // "atomic add needs a 4- or 8-byte access"
 * ```
 */
export function atomicProblem(size: Size, imm: number): string | undefined {
  if (imm === AtomicOp.LOAD_ACQ || imm === AtomicOp.STORE_REL) return undefined;
  if (!wideAtomics.has(imm)) return `unknown atomic operation 0x${(imm >>> 0).toString(16)}`;
  if (size === Size.W || size === Size.DW) return undefined;
  return `atomic ${atomicName(imm)} needs a 4- or 8-byte access`;
}

function atomicName(imm: number): string {
  if (imm === AtomicOp.XCHG) return "xchg";
  if (imm === AtomicOp.CMPXCHG) return "cmpxchg";
  switch (imm & ~AtomicOp.FETCH) {
    case AtomicOp.ADD:
      return "add";
    case AtomicOp.OR:
      return "or";
    case AtomicOp.AND:
      return "and";
    default:
      return "xor";
  }
}

/**
 * One eBPF instruction: the raw fields the kernel reads plus the labels the assembler resolves.
 *
 * @module
 */
import { InstructionError } from "./errors.js";
import { formatInstruction } from "./format.js";
import { ALUOp, Class, JumpOp, Mode, Source, aluOp, jumpOp, opClass, opMode, opSize, opSource } from "./opcode.js";
import { MaxRegister, PseudoCall, PseudoLoad, type Register } from "./register.js";
import { atomicProblem, isKnownOpcode } from "./validate.js";

/**
 * The fields of an {@link Instruction}. Only `opcode` is required; the rest default to 0 (and
 * to no labels).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const fields: asm.InstructionFields = { opcode: 0xb7, dst: asm.R0, constant: 1n };
 * const insn = new asm.Instruction(fields);
 * ```
 */
export interface InstructionFields {
  /** The opcode byte. */
  readonly opcode: number;
  /** Destination register (0-10). */
  readonly dst?: Register;
  /** Source register (0-10), or a pseudo value for `lddw` and calls. */
  readonly src?: Register;
  /** Signed 16-bit offset. */
  readonly offset?: number;
  /**
   * The immediate: signed 32 bits, or 64 bits for `lddw`. Unsigned values of the same width are
   * accepted and stored as their two's-complement signed value.
   */
  readonly constant?: bigint | number;
  /** A label this instruction carries (a function name or jump target). */
  readonly symbol?: string | undefined;
  /** A label this jump, call or `lddw` refers to. */
  readonly reference?: string | undefined;
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const UINT32_END = 2n ** 32n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_END = 2n ** 64n;

function checkRegister(name: string, reg: number): void {
  if (!Number.isInteger(reg) || reg < 0 || reg > MaxRegister) {
    throw new InstructionError(`${name} register ${String(reg)} out of range (0-${MaxRegister})`);
  }
}

function toConstant(value: bigint | number, wide: boolean): bigint {
  let big: bigint;
  if (typeof value === "bigint") {
    big = value;
  } else {
    if (!Number.isSafeInteger(value)) {
      throw new InstructionError(`constant ${value} is not a safe integer; pass a bigint`);
    }
    big = BigInt(value);
  }
  // Already sign-extended, as every decoded constant is: kept as it is, no new bigint.
  if (wide ? big >= INT64_MIN && big <= INT64_MAX : big >= INT32_MIN && big <= INT32_MAX) return big;
  const bits = wide ? 64 : 32;
  if (big < 0n || big >= (wide ? UINT64_END : UINT32_END)) {
    throw new InstructionError(`constant ${big} does not fit in ${bits} bits`);
  }
  return BigInt.asIntN(bits, big);
}

/**
 * One eBPF instruction. A 64-bit immediate load (`lddw`) is one `Instruction` that occupies two
 * 8-byte slots. Instances are immutable: the `with*` methods return changed copies. The
 * constructor rejects anything the kernel could never accept as an encoding: an unknown opcode,
 * a register above r10, an offset outside 16 bits, an immediate outside 32 bits (64 for `lddw`),
 * an unknown atomic operation or byte-swap width.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = new asm.Instruction({ opcode: 0xb7, dst: asm.R0, constant: 42 });
 * console.log(insn.toString()); // "r0 = 42"
 * ```
 */
export class Instruction {
  /** The opcode byte: class, size/mode or source/operation. */
  readonly opcode: number;
  /** Destination register. */
  readonly dst: Register;
  /** Source register, or a `PseudoLoad` / `PseudoCall` value. */
  readonly src: Register;
  /** Signed 16-bit offset: memory displacement or jump distance in slots. */
  readonly offset: number;
  /** The immediate, sign-extended: 32 bits, or 64 for `lddw`. */
  readonly constant: bigint;
  /** The label this instruction carries, if any. */
  readonly symbol: string | undefined;
  /** The label this instruction refers to, if any. */
  readonly reference: string | undefined;

  constructor(fields: InstructionFields) {
    const { opcode } = fields;
    if (!isKnownOpcode(opcode)) {
      throw new InstructionError(`unknown opcode ${formatOpcode(opcode)}`);
    }
    const dst = fields.dst ?? 0;
    const src = fields.src ?? 0;
    const offset = fields.offset ?? 0;
    checkRegister("destination", dst);
    checkRegister("source", src);
    if (!Number.isInteger(offset) || offset < -0x8000 || offset > 0x7fff) {
      throw new InstructionError(`offset ${String(offset)} does not fit in 16 bits`);
    }
    const constant = toConstant(fields.constant ?? 0n, opcode === LDDW);
    this.opcode = opcode;
    this.dst = dst;
    this.src = src;
    this.offset = offset;
    this.constant = constant;
    this.symbol = fields.symbol;
    this.reference = fields.reference;
    const problem = semanticProblem(this);
    if (problem !== undefined) throw new InstructionError(problem);
  }

  /**
   * A copy with some fields replaced. Passing `symbol: undefined` or `reference: undefined`
   * removes the label.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * const patched = asm.LoadMapPtr(asm.R1, 0).with({ constant: 7 });
   * ```
   */
  with(changes: Partial<InstructionFields>): Instruction {
    return new Instruction({
      opcode: changes.opcode ?? this.opcode,
      dst: changes.dst ?? this.dst,
      src: changes.src ?? this.src,
      offset: changes.offset ?? this.offset,
      constant: changes.constant ?? this.constant,
      symbol: "symbol" in changes ? changes.symbol : this.symbol,
      reference: "reference" in changes ? changes.reference : this.reference,
    });
  }

  /**
   * A copy carrying the label `name`, which jumps, calls and function-pointer loads can refer to.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * const entry = asm.Mov.Imm(asm.R0, 0).withSymbol("my_func");
   * ```
   */
  withSymbol(name: string | undefined): Instruction {
    return this.with({ symbol: name });
  }

  /**
   * A copy that refers to the label `name`: a jump target, a bpf-to-bpf callee, or for `lddw` a
   * map or function the loader resolves.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * const load = asm.LoadMapPtr(asm.R1, 0).withReference("counters");
   * ```
   */
  withReference(name: string | undefined): Instruction {
    return this.with({ reference: name });
  }

  /**
   * The number of 8-byte slots the instruction occupies: 2 for `lddw`, else 1.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.LoadImm(asm.R0, 1n, asm.DWord).slots; // 2
   * ```
   */
  get slots(): 1 | 2 {
    return this.opcode === LDDW ? 2 : 1;
  }

  /**
   * Whether this is a 16-byte 64-bit immediate load (`lddw`).
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.LoadMapPtr(asm.R1, 3).isDWordLoad(); // true
   * ```
   */
  isDWordLoad(): boolean {
    return this.opcode === LDDW;
  }

  /**
   * Whether this `lddw` loads a map pointer or map value address (any map pseudo source).
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.LoadMapValue(asm.R1, 3, 8).isLoadFromMap(); // true
   * ```
   */
  isLoadFromMap(): boolean {
    return (
      this.opcode === LDDW &&
      (this.src === PseudoLoad.MapFD ||
        this.src === PseudoLoad.MapValue ||
        this.src === PseudoLoad.MapIdx ||
        this.src === PseudoLoad.MapIdxValue)
    );
  }

  /**
   * Whether this `lddw` loads the address of a function (a callback), Linux 5.13.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.LoadFuncPtr(asm.R2, "callback").isLoadOfFunctionPointer(); // true
   * ```
   */
  isLoadOfFunctionPointer(): boolean {
    return this.opcode === LDDW && this.src === PseudoLoad.Func;
  }

  /**
   * Whether this is a call to a helper function.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.FnKtimeGetNs.Call().isBuiltinCall(); // true
   * ```
   */
  isBuiltinCall(): boolean {
    return this.opcode === CALL && this.src === PseudoCall.Helper;
  }

  /**
   * Whether this is a bpf-to-bpf call (Linux 4.16).
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.CallLabel("sub").isFunctionCall(); // true
   * ```
   */
  isFunctionCall(): boolean {
    return this.opcode === CALL && this.src === PseudoCall.Call;
  }

  /**
   * Whether this is a call to a kernel function by BTF id (Linux 5.13).
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.CallKfunc(1234).isKfuncCall(); // true
   * ```
   */
  isKfuncCall(): boolean {
    return this.opcode === CALL && this.src === PseudoCall.KfuncCall;
  }

  /**
   * Whether this transfers control within the program: `goto`, `gotol`, `may_goto` or a
   * conditional jump (not calls or exit).
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.JEq.Imm(asm.R0, 0, "out").isJump(); // true
   * ```
   */
  isJump(): boolean {
    const cls = opClass(this.opcode);
    if (cls !== Class.JMP && cls !== Class.JMP32) return false;
    const op = jumpOp(this.opcode);
    return op !== JumpOp.CALL && op !== JumpOp.EXIT;
  }

  /**
   * Whether this is `exit`.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.Return().isExit(); // true
   * ```
   */
  isExit(): boolean {
    return this.opcode === EXIT;
  }

  /**
   * The instruction in `llvm-objdump` syntax, without jump-target annotations.
   *
   * @example
   * ```ts
   * import * as asm from "ebpf/asm";
   * asm.LoadMem(asm.R1, asm.R1, 0, asm.Word).toString(); // "r1 = *(u32 *)(r1 + 0)"
   * ```
   */
  toString(): string {
    return formatInstruction(this);
  }
}

const LDDW = Class.LD | Mode.IMM | 0x18;
const CALL = Class.JMP | JumpOp.CALL;
const EXIT = Class.JMP | JumpOp.EXIT;

function formatOpcode(opcode: unknown): string {
  return typeof opcode === "number" && Number.isInteger(opcode) && opcode >= 0
    ? `0x${opcode.toString(16).padStart(2, "0")}`
    : String(opcode);
}

function semanticProblem(insn: Instruction): string | undefined {
  const cls = opClass(insn.opcode);
  if (cls === Class.STX && opMode(insn.opcode) === Mode.ATOMIC) {
    const imm = Number(insn.constant);
    return atomicProblem(opSize(insn.opcode), imm);
  }
  if (cls !== Class.ALU && cls !== Class.ALU64) return undefined;
  const op = aluOp(insn.opcode);
  if (op === ALUOp.END) {
    const width = insn.constant;
    if (width !== 16n && width !== 32n && width !== 64n) {
      return `byte swap width ${width} is not 16, 32 or 64`;
    }
  } else if (op === ALUOp.MOV && insn.offset !== 0) {
    // Sign-extending moves (Linux 6.6) take the source width in the offset.
    const widths = cls === Class.ALU64 ? [8, 16, 32] : [8, 16];
    if (opSource(insn.opcode) !== Source.X || !widths.includes(insn.offset)) {
      return `move with offset ${insn.offset}: sign extension needs a register source and width ${widths.join(", ")}`;
    }
  } else if ((op === ALUOp.DIV || op === ALUOp.MOD) && insn.offset !== 0 && insn.offset !== 1) {
    return `division offset ${insn.offset} is neither 0 (unsigned) nor 1 (signed)`;
  }
  return undefined;
}

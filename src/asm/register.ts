/**
 * eBPF registers and the pseudo values the kernel reads from an instruction's source-register
 * field.
 *
 * @module
 */

/**
 * A register number, 0 to 10. Plain numbers so they cost nothing to pass around; `Instruction`
 * checks the range.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const reg: asm.Register = asm.R1;
 * ```
 */
export type Register = number;

/**
 * Return value of the program and of helper calls.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Imm(asm.R0, 0);
 * ```
 */
export const R0: Register = 0;
/**
 * First argument register; holds the context pointer on entry.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Reg(asm.R6, asm.R1);
 * ```
 */
export const R1: Register = 1;
/**
 * Second argument register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Reg(asm.R2, asm.RFP);
 * ```
 */
export const R2: Register = 2;
/**
 * Third argument register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Imm(asm.R3, 0);
 * ```
 */
export const R3: Register = 3;
/**
 * Fourth argument register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Imm(asm.R4, 0);
 * ```
 */
export const R4: Register = 4;
/**
 * Fifth argument register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Imm(asm.R5, 0);
 * ```
 */
export const R5: Register = 5;
/**
 * Callee-saved register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Reg(asm.R6, asm.R1);
 * ```
 */
export const R6: Register = 6;
/**
 * Callee-saved register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Reg(asm.R7, asm.R0);
 * ```
 */
export const R7: Register = 7;
/**
 * Callee-saved register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Reg(asm.R8, asm.R0);
 * ```
 */
export const R8: Register = 8;
/**
 * Callee-saved register.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.Mov.Reg(asm.R9, asm.R0);
 * ```
 */
export const R9: Register = 9;
/**
 * Read-only frame pointer: the top of the program's 512-byte stack.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.StoreImm(asm.R10, -8, 0, asm.DWord);
 * ```
 */
export const R10: Register = 10;
/**
 * The frame pointer, an alias of `R10`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.StoreMem(asm.RFP, -8, asm.R1, asm.DWord);
 * ```
 */
export const RFP: Register = R10;

/**
 * The highest valid register number.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.MaxRegister); // 10
 * ```
 */
export const MaxRegister = 10;

/**
 * Values of the source-register field of a 64-bit immediate load (`lddw`) that tell the kernel
 * how to interpret the immediate. Defined in `linux/bpf.h` as `BPF_PSEUDO_*`.
 *
 * - `MapFD` (Linux 3.19): imm is a map fd; the register gets the map pointer.
 * - `MapValue` (Linux 5.2): imm is a map fd, the upper half an offset into its value.
 * - `BTFID` (Linux 5.10): imm is a BTF id of a kernel variable.
 * - `Func` (Linux 5.13): imm is a relative instruction offset of a callback function.
 * - `MapIdx` / `MapIdxValue` (Linux 5.14): like `MapFD` / `MapValue` with an index into
 *   `fd_array` instead of an fd.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const insn = asm.LoadMapPtr(asm.R1, 3);
 * console.log(insn.src === asm.PseudoLoad.MapFD); // true
 * ```
 */
export const PseudoLoad = {
  MapFD: 1,
  MapValue: 2,
  BTFID: 3,
  Func: 4,
  MapIdx: 5,
  MapIdxValue: 6,
} as const;

/**
 * Values of the source-register field of a call instruction.
 *
 * - `Helper`: imm is a helper id from `linux/bpf.h`.
 * - `Call` (Linux 4.16): a bpf-to-bpf call; imm is the relative offset of the callee.
 * - `KfuncCall` (Linux 5.13): imm is the BTF id of a kernel function, offset the index of the
 *   module BTF fd in `fd_array` (0 for vmlinux).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * console.log(asm.CallLabel("helper_fn").src === asm.PseudoCall.Call); // true
 * ```
 */
export const PseudoCall = {
  Helper: 0,
  Call: 1,
  KfuncCall: 2,
} as const;

/**
 * Builders of loads and stores: memory, 64-bit immediates, map references, legacy packet
 * access.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { Instruction } from "./instruction.js";
import { Class, Mode, Size } from "./opcode.js";
import { PseudoLoad, type Register } from "./register.js";
import { checkSize } from "./size.js";

/**
 * A map for `LoadMapPtr` / `LoadMapValue`: an fd, or any object with an `fd` (such as a `Map`).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const ref: asm.MapReference = { fd: 5 };
 * ```
 */
export type MapReference = number | { readonly fd: number };

function mapFd(map: MapReference): number {
  const fd = typeof map === "number" ? map : map?.fd;
  if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) {
    throw new ArgumentError(`map fd must be a non-negative 32-bit integer, got ${String(fd)}`);
  }
  return fd;
}

const LDDW = Class.LD | Mode.IMM | Size.DW;

/**
 * `dst = *(size *)(src + offset)`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadMem(asm.R0, asm.R1, 0, asm.Word); // r0 = *(u32 *)(r1 + 0)
 * ```
 */
export function LoadMem(dst: Register, src: Register, offset: number, size: Size): Instruction {
  return new Instruction({ opcode: Class.LDX | Mode.MEM | checkSize(size), dst, src, offset });
}

/**
 * Sign-extending load `dst = *(s8/s16/s32 *)(src + offset)`, Linux 6.6.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadMemSX(asm.R0, asm.R1, 4, asm.Half); // r0 = *(s16 *)(r1 + 4)
 * ```
 */
export function LoadMemSX(dst: Register, src: Register, offset: number, size: Size): Instruction {
  if (checkSize(size) === Size.DW) throw new ArgumentError("a sign-extending load needs Byte, Half or Word");
  return new Instruction({ opcode: Class.LDX | Mode.MEMSX | size, dst, src, offset });
}

/**
 * `*(size *)(dst + offset) = src`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.StoreMem(asm.RFP, -8, asm.R1, asm.DWord); // *(u64 *)(r10 - 8) = r1
 * ```
 */
export function StoreMem(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return new Instruction({ opcode: Class.STX | Mode.MEM | checkSize(size), dst, src, offset });
}

/**
 * `*(size *)(dst + offset) = value`, a 32-bit immediate sign-extended to the access size.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.StoreImm(asm.RFP, -4, 0, asm.Word); // *(u32 *)(r10 - 4) = 0
 * ```
 */
export function StoreImm(dst: Register, offset: number, value: number | bigint, size: Size): Instruction {
  return new Instruction({ opcode: Class.ST | Mode.MEM | checkSize(size), dst, offset, constant: value });
}

/**
 * `dst = value` with a full 64-bit immediate (`lddw`, 16 bytes). Only `DWord` is a valid size;
 * for 32-bit values use `Mov.Imm`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadImm(asm.R0, 1n << 40n, asm.DWord); // r0 = 1099511627776 ll
 * ```
 */
export function LoadImm(dst: Register, value: number | bigint, size: Size): Instruction {
  if (checkSize(size) !== Size.DW) {
    throw new ArgumentError("LoadImm needs the DWord size; use Mov.Imm for 32-bit immediates");
  }
  return new Instruction({ opcode: LDDW, dst, constant: value });
}

/**
 * `dst = map pointer` (`lddw` with `BPF_PSEUDO_MAP_FD`): the kernel swaps the fd for the map's
 * address. Accepts an fd or any object with an `fd`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadMapPtr(asm.R1, 4);
 * asm.LoadMapPtr(asm.R1, { fd: 4 }); // the same
 * ```
 */
export function LoadMapPtr(dst: Register, map: MapReference): Instruction {
  return new Instruction({ opcode: LDDW, dst, src: PseudoLoad.MapFD, constant: mapFd(map) });
}

/**
 * `dst = &map value + offset` (`lddw` with `BPF_PSEUDO_MAP_VALUE`, Linux 5.2), for array maps
 * such as `.data` / `.bss`: the low half of the immediate is the fd, the high half the offset.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadMapValue(asm.R1, 4, 16);
 * ```
 */
export function LoadMapValue(dst: Register, map: MapReference, offset = 0): Instruction {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffffff) {
    throw new ArgumentError(`map value offset must be an unsigned 32-bit integer, got ${String(offset)}`);
  }
  const constant = (BigInt(offset) << 32n) | BigInt(mapFd(map));
  return new Instruction({ opcode: LDDW, dst, src: PseudoLoad.MapValue, constant });
}

/**
 * `dst = &function` (`lddw` with `BPF_PSEUDO_FUNC`, Linux 5.13) for callbacks such as
 * `bpf_loop`; `assemble` resolves the label to a relative offset.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadFuncPtr(asm.R2, "callback");
 * ```
 */
export function LoadFuncPtr(dst: Register, label: string): Instruction {
  if (label === "") throw new ArgumentError("function label must not be empty");
  return new Instruction({ opcode: LDDW, dst, src: PseudoLoad.Func, constant: -1, reference: label });
}

/**
 * Legacy packet load `r0 = *(size *)skb[offset]` of socket filters (the context must be in r6).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadAbs(12, asm.Half); // r0 = *(u16 *)skb[12]
 * ```
 */
export function LoadAbs(offset: number, size: Size): Instruction {
  if (checkSize(size) === Size.DW) throw new ArgumentError("legacy packet loads need Byte, Half or Word");
  return new Instruction({ opcode: Class.LD | Mode.ABS | size, dst: 0, constant: offset });
}

/**
 * Legacy packet load `r0 = *(size *)skb[src + offset]` of socket filters.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadInd(asm.R0, asm.R7, 0, asm.Word); // r0 = *(u32 *)skb[r7]
 * ```
 */
export function LoadInd(dst: Register, src: Register, offset: number, size: Size): Instruction {
  if (checkSize(size) === Size.DW) throw new ArgumentError("legacy packet loads need Byte, Half or Word");
  return new Instruction({ opcode: Class.LD | Mode.IND | size, dst, src, constant: offset });
}

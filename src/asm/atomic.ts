/**
 * Builders of atomic memory operations (`BPF_STX | BPF_ATOMIC`). Read-modify-write operations
 * take Word or DWord sizes; the fetching forms return the old value in `src` (`CmpXchg`: in r0).
 *
 * @module
 */
import { Instruction } from "./instruction.js";
import { AtomicOp, Class, Mode, type Size } from "./opcode.js";
import type { Register } from "./register.js";
import { checkSize } from "./size.js";

function atomic(op: number, dst: Register, offset: number, src: Register, size: Size): Instruction {
  return new Instruction({ opcode: Class.STX | Mode.ATOMIC | checkSize(size), dst, src, offset, constant: op });
}

/**
 * `lock *(size *)(dst + offset) += src`, Linux 3.19 (`BPF_XADD`).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicAdd(asm.R1, 0, asm.R2, asm.DWord); // lock *(u64 *)(r1 + 0) += r2
 * ```
 */
export function AtomicAdd(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.ADD, dst, offset, src, size);
}
/**
 * `lock *(size *)(dst + offset) |= src`, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicOr(asm.R1, 0, asm.R2, asm.Word);
 * ```
 */
export function AtomicOr(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.OR, dst, offset, src, size);
}
/**
 * `lock *(size *)(dst + offset) &= src`, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicAnd(asm.R1, 0, asm.R2, asm.Word);
 * ```
 */
export function AtomicAnd(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.AND, dst, offset, src, size);
}
/**
 * `lock *(size *)(dst + offset) ^= src`, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicXor(asm.R1, 0, asm.R2, asm.Word);
 * ```
 */
export function AtomicXor(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.XOR, dst, offset, src, size);
}
/**
 * `src = atomic_fetch_add((size *)(dst + offset), src)`, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicFetchAdd(asm.R1, 8, asm.R2, asm.DWord);
 * ```
 */
export function AtomicFetchAdd(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.ADD | AtomicOp.FETCH, dst, offset, src, size);
}
/**
 * `src = atomic_fetch_or((size *)(dst + offset), src)`, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicFetchOr(asm.R1, 8, asm.R2, asm.DWord);
 * ```
 */
export function AtomicFetchOr(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.OR | AtomicOp.FETCH, dst, offset, src, size);
}
/**
 * `src = atomic_fetch_and((size *)(dst + offset), src)`, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicFetchAnd(asm.R1, 8, asm.R2, asm.DWord);
 * ```
 */
export function AtomicFetchAnd(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.AND | AtomicOp.FETCH, dst, offset, src, size);
}
/**
 * `src = atomic_fetch_xor((size *)(dst + offset), src)`, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicFetchXor(asm.R1, 8, asm.R2, asm.DWord);
 * ```
 */
export function AtomicFetchXor(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.XOR | AtomicOp.FETCH, dst, offset, src, size);
}
/**
 * `src = xchg(dst + offset, src)`, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicXchg(asm.R1, 0, asm.R2, asm.DWord); // r2 = xchg_64(r1 + 0, r2)
 * ```
 */
export function AtomicXchg(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.XCHG, dst, offset, src, size);
}
/**
 * `r0 = cmpxchg(dst + offset, r0, src)`: stores `src` if the memory equals r0, and returns the
 * old value in r0, Linux 5.12.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.AtomicCmpXchg(asm.R1, 0, asm.R2, asm.DWord); // r0 = cmpxchg_64(r1 + 0, r0, r2)
 * ```
 */
export function AtomicCmpXchg(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.CMPXCHG, dst, offset, src, size);
}
/**
 * `dst = load_acquire((size *)(src + offset))`, Linux 6.15.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.LoadAcquire(asm.R0, asm.R1, 0, asm.DWord); // r0 = load_acquire((u64 *)(r1 + 0))
 * ```
 */
export function LoadAcquire(dst: Register, src: Register, offset: number, size: Size): Instruction {
  return atomic(AtomicOp.LOAD_ACQ, dst, offset, src, size);
}
/**
 * `store_release((size *)(dst + offset), src)`, Linux 6.15.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.StoreRelease(asm.R1, 0, asm.R2, asm.DWord); // store_release((u64 *)(r1 + 0), r2)
 * ```
 */
export function StoreRelease(dst: Register, offset: number, src: Register, size: Size): Instruction {
  return atomic(AtomicOp.STORE_REL, dst, offset, src, size);
}

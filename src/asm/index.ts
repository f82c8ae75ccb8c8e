/**
 * `ebpf/asm`: the eBPF instruction set. Encode and decode instructions in either byte order,
 * build programs with cilium/ebpf-style builders (`Mov.Imm(R0, 0)`, `JEq.Imm(R1, 0, "out")`,
 * `FnMapLookupElem.Call()`), resolve labels with `assemble`, and print listings that match
 * `llvm-objdump -d`.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * const prog = asm.assemble([
 *   asm.Mov.Imm(asm.R0, 0).withSymbol("prog"),
 *   asm.JEq.Imm(asm.R1, 0, "out"),
 *   asm.Mov.Imm(asm.R0, 1),
 *   asm.Return().withSymbol("out"),
 * ]);
 * const bytes = asm.marshalInstructions(prog, "little");
 * console.log(asm.disassemble(asm.unmarshalInstructions(bytes, "little")));
 * ```
 *
 * @module
 */
export * from "./alu.js";
export * from "./assemble.js";
export * from "./atomic.js";
export { nativeByteOrder, type ByteOrder } from "./byte-order.js";
export * from "./decode.js";
export * from "./disasm.js";
export * from "./encode.js";
export * from "./errors.js";
export * from "./format.js";
export * from "./func.js";
export * from "./helpers.js";
export * from "./instruction.js";
export * from "./jump.js";
export * from "./load-store.js";
export * from "./opcode.js";
export * from "./register.js";
export * from "./tag.js";
export { atomicProblem, isKnownOpcode } from "./validate.js";

/**
 * Patching instructions with CO-RE fixups, as libbpf's `bpf_core_patch_insn` does.
 *
 * @module
 */

import { Instruction } from "../../asm/instruction.js";
import {
  ALUOp,
  Class,
  JumpOp,
  Size,
  Source,
  aluOp,
  opClass,
  opMode,
  opSize,
  opSource,
  sizeBytes,
} from "../../asm/opcode.js";
import { COREError } from "./error.js";
import { COREBadRelocationSentinel, type COREFixup } from "./fixup.js";

/**
 * Options of {@link applyCOREFixups}.
 *
 * @example
 * ```ts
 * import type { ApplyCOREFixupsOptions } from "ebpf/btf";
 * const opts: ApplyCOREFixupsOptions = { indexing: "instruction" };
 * ```
 */
export interface ApplyCOREFixupsOptions {
  /**
   * What a relocation's `insnOff` counts: 8-byte slots from the start of `insns` (`"slot"`, as
   * `.BTF.ext` records them, the default) or elements of `insns` (`"instruction"`).
   */
  indexing?: "slot" | "instruction";
}

const POISON_CALL = { opcode: Class.JMP | JumpOp.CALL, constant: COREBadRelocationSentinel } as const;

/**
 * The poisoned form of `insn`: `call 0xbad2310`, which the verifier rejects with
 * `invalid func unknown#195896080` only if it is reachable. A 64-bit immediate load becomes
 * two such calls, as in libbpf, so slot counts (and jump offsets) stay the same. The first
 * keeps the instruction's label.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * import { poisonInstruction } from "ebpf/btf";
 * poisonInstruction(asm.Mov.Imm(asm.R0, 1)).map(String); // ["call 195896080"]
 * ```
 */
export function poisonInstruction(insn: Instruction): Instruction[] {
  const call = new Instruction({ ...POISON_CALL, symbol: insn.symbol });
  return insn.isDWordLoad() ? [call, new Instruction(POISON_CALL)] : [call];
}

/**
 * Apply `fixups` (from `coreRelocate`) to `insns`, returning new instructions; `insns` holds
 * the instructions of the relocations' ELF section. Patched are: the immediate of ALU and ALU64
 * instructions with an immediate operand, the offset of loads and stores (and their access
 * size, where libbpf allows it: pointers and unsigned integers), and the 64-bit immediate of
 * `lddw`. Poisoned relocations, and loads or stores whose access size cannot change safely,
 * become `call 0xbad2310` (see {@link poisonInstruction}).
 *
 * Where a fixup says `validate`, the instruction must hold the fixup's local value: otherwise
 * the object and its BTF disagree and a {@link COREError} is thrown, as libbpf fails the load.
 *
 * @throws {COREError} naming the relocation and instruction for a missing instruction, an
 *   unexpected value, an unsupported instruction, or a target value that does not fit.
 * @example
 * ```ts
 * import { applyCOREFixups, coreRelocate } from "ebpf/btf";
 * const patched = applyCOREFixups(insns, coreRelocate(relos, localSpec, [targetSpec]));
 * ```
 */
export function applyCOREFixups(
  insns: readonly Instruction[],
  fixups: readonly COREFixup[],
  options: ApplyCOREFixupsOptions = {},
): Instruction[] {
  const bySlot = options.indexing !== "instruction";
  const slotToIndex = new Map<number, number>();
  if (bySlot) {
    let slot = 0;
    insns.forEach((insn, i) => {
      slotToIndex.set(slot, i);
      slot += insn.slots;
    });
  }
  const out: (Instruction | Instruction[])[] = insns.slice();
  for (const f of fixups) {
    const off = f.relocation.insnOff;
    const index = bySlot ? slotToIndex.get(off) : off;
    if (index === undefined || index < 0 || index >= insns.length || !Number.isInteger(index)) {
      const unit = bySlot ? "slot" : "instruction";
      throw new COREError(f.relocation, `no instruction starts at ${unit} ${off} (${insns.length} instructions)`);
    }
    const cur = out[index]!;
    if (globalThis.Array.isArray(cur)) continue; // Already poisoned by another relocation.
    out[index] = patchInstruction(cur, f);
  }
  return out.flat();
}

/**
 * Apply one fixup to one instruction: the patched instruction, or its poisoned replacement.
 *
 * @throws {COREError} as {@link applyCOREFixups} describes.
 * @example
 * ```ts
 * import { patchInstruction } from "ebpf/btf";
 * const [patched] = [patchInstruction(insn, fixup)].flat();
 * ```
 */
export function patchInstruction(insn: Instruction, f: COREFixup): Instruction | Instruction[] {
  if (f.poison) return poisonInstruction(insn);
  const fail = (problem: string): never => {
    throw new COREError(f.relocation, `${problem} (instruction: ${insn.toString()})`);
  };
  const cls = opClass(insn.opcode);
  switch (cls) {
    case Class.ALU:
    case Class.ALU64: {
      if (opSource(insn.opcode) !== Source.K) fail("ALU instruction has a register operand, not an immediate");
      if (aluOp(insn.opcode) === ALUOp.END) fail("cannot relocate the width of a byte swap");
      if (f.validate && BigInt.asIntN(32, f.local) !== insn.constant) {
        fail(`unexpected immediate ${insn.constant}, expected ${f.local} (-> ${f.target})`);
      }
      if (f.target < -(2n ** 31n) || f.target >= 2n ** 32n) fail(`value ${f.target} does not fit a 32-bit immediate`);
      return insn.with({ constant: BigInt.asIntN(32, f.target) });
    }
    case Class.LDX:
    case Class.ST:
    case Class.STX: {
      if (f.validate && BigInt(insn.offset) !== f.local) {
        fail(`unexpected offset ${insn.offset}, expected ${f.local} (-> ${f.target})`);
      }
      if (f.target > 0x7fffn || f.target < 0n) fail(`offset ${f.target} does not fit 16 bits`);
      // Reading a field of a different size is only safe for pointers and unsigned integers.
      if (f.memSizeMismatch) return poisonInstruction(insn);
      const changes: { offset: number; opcode?: number } = { offset: Number(f.target) };
      if (f.localSize !== f.targetSize) {
        const have = sizeBytes(opSize(insn.opcode));
        if (have !== f.localSize) fail(`accesses ${have} bytes, expected ${f.localSize}`);
        const size = SIZES[f.targetSize];
        if (size === undefined) fail(`field of ${f.targetSize} bytes cannot be loaded or stored`);
        changes.opcode = opMode(insn.opcode) | size! | cls;
      }
      return insn.with(changes);
    }
    case Class.LD: {
      if (!insn.isDWordLoad() || insn.src !== 0 || insn.offset !== 0) {
        fail("64-bit immediate load has an unexpected form");
      }
      if (f.validate && BigInt.asUintN(64, insn.constant) !== BigInt.asUintN(64, f.local)) {
        fail(`unexpected 64-bit immediate ${insn.constant}, expected ${f.local} (-> ${f.target})`);
      }
      return insn.with({ constant: BigInt.asIntN(64, f.target) });
    }
    default:
      return fail("instruction cannot be relocated");
  }
}

const SIZES: Partial<Record<number, Size>> = { 1: Size.B, 2: Size.H, 4: Size.W, 8: Size.DW };

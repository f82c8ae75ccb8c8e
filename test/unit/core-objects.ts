// Shared loading for the CO-RE tests: an object's BTF, its CO-RE records and the instructions
// of each relocated section.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Instruction, unmarshalInstructions } from "../../src/asm/index.js";
import { loadExtInfosFromBuffer, loadSpecFromBuffer, type CORERelocation, type Spec } from "../../src/btf/index.js";
import { ElfFile } from "../../src/elf/index.js";

/** Where cilium/ebpf's BTF test objects are. */
export const PEER_BTF = join(import.meta.dirname, "../../../shared/peer-testdata/cilium-ebpf/btf");
/** Whether the peer test data is present. */
export const havePeer = existsSync(PEER_BTF);
/** Why peer tests skip. */
export const peerSkip = `peer test data absent: ${PEER_BTF}`;
/** Our own compiled objects. */
export const BPF_DIR = join(import.meta.dirname, "../../bpf");

/**
 * A parsed object: its BTF, CO-RE records by section and instructions by section.
 *
 * @example
 * ```ts
 * const obj = loadObject(join(PEER_BTF, "relocs-el.elf"));
 * ```
 */
export interface CoreObject {
  spec: Spec;
  relos: Map<string, CORERelocation[]>;
  insns(section: string): Instruction[];
}

/**
 * Parse `path` (an ELF with `.BTF`, and `.BTF.ext` unless it is only a target).
 *
 * @example
 * ```ts
 * const { spec, relos } = loadObject("bpf/core_read.o");
 * ```
 */
export function loadObject(path: string): CoreObject {
  const elf = ElfFile.parse(readFileSync(path));
  const spec = loadSpecFromBuffer(elf.section(".BTF")!.data());
  const ext = elf.section(".BTF.ext");
  const relos = ext === undefined ? new Map() : loadExtInfosFromBuffer(ext.data(), elf.byteOrder, spec).coreRelos;
  return { spec, relos, insns: (section) => unmarshalInstructions(elf.section(section)!.data(), elf.byteOrder) };
}

/**
 * The instruction starting at each slot.
 *
 * @example
 * ```ts
 * const at = bySlot(insns); at.get(3)?.toString();
 * ```
 */
export function bySlot(insns: readonly Instruction[]): Map<number, Instruction> {
  const out = new Map<number, Instruction>();
  let slot = 0;
  for (const insn of insns) {
    out.set(slot, insn);
    slot += insn.slots;
  }
  return out;
}

/**
 * The number of 8-byte slots of `insns`.
 *
 * @example
 * ```ts
 * slotCount(insns); // 59
 * ```
 */
export function slotCount(insns: readonly Instruction[]): number {
  return insns.reduce((n, i) => n + i.slots, 0);
}

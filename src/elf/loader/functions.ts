/**
 * Program sections -> functions: decode instructions, apply the section's relocations, and cut
 * the code at function symbols.
 *
 * @module
 */
import { PseudoCall, PseudoLoad, unmarshalInstructions, type Instruction } from "../../asm/index.js";
import type { ExternSpec } from "../../collection/spec.js";
import { LoadError } from "../../errors.js";
import {
  SHN_UNDEF,
  STB_GLOBAL,
  STB_LOCAL,
  STB_WEAK,
  STT_FUNC,
  STT_NOTYPE,
  STT_OBJECT,
  STT_SECTION,
} from "../constants.js";
import type { ElfFile } from "../file.js";
import type { ElfSymbol } from "../symbol.js";
import type { ClassifiedSection } from "./sections.js";

const INSN_SIZE = 8;
/** BPF_JMP | BPF_CALL. */
const CALL_OPCODE = 0x85;

/** One function of a program section: its instructions, the first one labelled with its name. */
export interface FunctionCode {
  readonly name: string;
  readonly section: ClassifiedSection;
  /** Offset of the first instruction in the section, in 8-byte slots. */
  readonly slot: number;
  readonly instructions: Instruction[];
  /** The slot offset (within the section) of each instruction. */
  readonly slots: number[];
  readonly global: boolean;
}

/** Context the relocator needs beyond the section itself. */
export interface RelocationContext {
  readonly file: ElfFile;
  readonly sections: ReadonlyMap<number, ClassifiedSection>;
  readonly externs: Readonly<Record<string, ExternSpec>>;
}

/**
 * Decode, relocate and split one program section.
 *
 * @example
 * ```ts
 * const fns = sectionFunctions(classified, ctx);
 * ```
 */
export function sectionFunctions(cs: ClassifiedSection, ctx: RelocationContext): FunctionCode[] {
  const { section } = cs;
  const where = `section ${section.name}`;
  let insns: Instruction[];
  try {
    insns = unmarshalInstructions(section.data(), ctx.file.byteOrder);
  } catch (err) {
    throw new LoadError(`${where}: ${(err as Error).message}`, { cause: err });
  }
  const slots: number[] = new Array<number>(insns.length);
  let slot = 0;
  for (let i = 0; i < insns.length; i++) {
    slots[i] = slot;
    slot += insns[i]!.slots;
  }
  // The instruction starting at a slot, by binary search of `slots` (an index table per section
  // cost more to make than the few lookups a section needs).
  const indexBySlot = {
    get(at: number): number | undefined {
      let lo = 0;
      let hi = slots.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const s = slots[mid]!;
        if (s === at) return mid;
        if (s < at) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    },
  };

  const funcs = ctx.file.symbols
    .filter((s) => s.sectionIndex === section.index && s.type === STT_FUNC)
    .sort((a, b) => Number(a.value - b.value));
  const funcAtSlot = new Map<number, ElfSymbol>(funcs.map((f) => [Number(f.value) / INSN_SIZE, f]));

  if (cs.relocations) {
    for (const rel of ctx.file.relocations(cs.relocations)) {
      const at = Number(rel.offset);
      const index = indexBySlot.get(at / INSN_SIZE);
      if (at % INSN_SIZE !== 0 || index === undefined) {
        throw new LoadError(`${where}: relocation at offset ${at} is not at an instruction`);
      }
      const sym = ctx.file.symbols[rel.symbolIndex];
      if (!sym) throw new LoadError(`${where}: relocation at offset ${at}: no symbol ${rel.symbolIndex}`);
      try {
        insns[index] = relocate(insns[index]!, sym, ctx);
      } catch (err) {
        if (err instanceof LoadError) throw new LoadError(`${where}, instruction ${index}: ${err.message}`, { cause: err });
        throw new LoadError(`${where}, instruction ${index}: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  // Calls inside the section that clang resolved itself (static functions) carry no relocation.
  insns.forEach((insn, i) => {
    if (insn.reference !== undefined) return;
    if (!insn.isFunctionCall() && !insn.isLoadOfFunctionPointer()) return;
    const targetSlot = insn.isFunctionCall()
      ? slots[i]! + 1 + Number(insn.constant)
      : Number(insn.constant) / INSN_SIZE;
    const target = funcAtSlot.get(targetSlot);
    if (!target) throw new LoadError(`${where}, instruction ${i}: call to slot ${targetSlot}, which starts no function`);
    insns[i] = insn.with({ constant: -1, reference: target.name });
  });

  if (funcs.length === 0) {
    throw new LoadError(`${where}: no function symbols (was the object built with clang -g or stripped?)`);
  }
  const out: FunctionCode[] = [];
  funcs.forEach((f, n) => {
    const start = indexBySlot.get(Number(f.value) / INSN_SIZE);
    if (start === undefined) throw new LoadError(`${where}: function ${f.name} does not start at an instruction`);
    const next = funcs[n + 1];
    if (next && next.value === f.value) {
      throw new LoadError(`${where}: functions ${f.name} and ${next.name} both start at offset ${f.value}`);
    }
    const end = next ? indexBySlot.get(Number(next.value) / INSN_SIZE) ?? insns.length : insns.length;
    // A section of one function (the usual program section) keeps its arrays.
    const whole = start === 0 && end === insns.length;
    const body = whole ? insns : insns.slice(start, end);
    body[0] = body[0]!.withSymbol(f.name);
    out.push({
      name: f.name,
      section: cs,
      slot: slots[start]!,
      instructions: body,
      slots: whole ? slots : slots.slice(start, end),
      global: f.bind === STB_GLOBAL || f.bind === STB_WEAK,
    });
  });
  return out;
}

function relocate(insn: Instruction, sym: ElfSymbol, ctx: RelocationContext): Instruction {
  const target = sym.sectionIndex === SHN_UNDEF ? undefined : ctx.sections.get(sym.sectionIndex);
  const name = sym.name;
  if (target === undefined) return relocateExtern(insn, sym, ctx);
  switch (target.kind) {
    case "maps":
    case "btfMaps":
      if (sym.bind === STB_LOCAL) {
        const what = name || target.section.name;
        throw new LoadError(`possibly erroneous static qualifier on map definition: found reference to ${what}`);
      }
      if (!insn.isDWordLoad()) throw new LoadError(`map ${name} referenced by a non-lddw instruction`);
      return insn.with({ src: PseudoLoad.MapFD, constant: 0, reference: name });
    case "data": {
      if (!insn.isDWordLoad()) throw new LoadError(`data ${name} referenced by a non-lddw instruction`);
      let offset: bigint;
      if (sym.type === STT_SECTION) offset = BigInt.asUintN(32, insn.constant);
      else if (sym.type === STT_OBJECT || sym.type === STT_NOTYPE) offset = sym.value + BigInt.asUintN(32, insn.constant);
      else throw new LoadError(`symbol ${name} of type ${sym.type} in a data section`);
      return insn.with({ src: PseudoLoad.MapValue, constant: BigInt.asIntN(64, offset << 32n), reference: target.section.name });
    }
    case "program": {
      const fn = functionAt(sym, insn, ctx, target);
      if (isCall(insn)) {
        return insn.with({ src: PseudoCall.Call, constant: -1, reference: fn });
      }
      if (insn.isDWordLoad()) return insn.with({ src: PseudoLoad.Func, constant: -1n, reference: fn });
      throw new LoadError(`reference to function ${fn} by an instruction that is neither a call nor lddw`);
    }
    default:
      throw new LoadError(`relocation against symbol ${name} in section ${target.section.name}, which is not a map, data or program section`);
  }
}

function functionAt(sym: ElfSymbol, insn: Instruction, ctx: RelocationContext, target: ClassifiedSection): string {
  if (sym.type === STT_FUNC || sym.type === STT_NOTYPE) return sym.name;
  if (sym.type !== STT_SECTION) throw new LoadError(`call to symbol ${sym.name} of type ${sym.type}`);
  // A static callee is named by its section plus an offset kept in the instruction: the slot
  // after the call for calls, a byte offset for function pointers.
  const byteOffset = insn.isDWordLoad()
    ? BigInt.asUintN(32, insn.constant)
    : sym.value + BigInt(Number(BigInt.asIntN(32, insn.constant)) + 1) * BigInt(INSN_SIZE);
  const fn = ctx.file.symbols.find(
    (s) => s.sectionIndex === target.section.index && s.type === STT_FUNC && s.value === byteOffset,
  );
  if (!fn) throw new LoadError(`no function at offset ${byteOffset} of section ${target.section.name}`);
  return fn.name;
}

function relocateExtern(insn: Instruction, sym: ElfSymbol, ctx: RelocationContext): Instruction {
  const ext = ctx.externs[sym.name];
  if (ext?.kind === "kfunc" && isCall(insn)) {
    return insn.with({ src: PseudoCall.KfuncCall, constant: -1, reference: sym.name });
  }
  if (ext?.kind === "ksym" && insn.isDWordLoad()) {
    return insn.with({ src: ext.type ? PseudoLoad.BTFID : 0, constant: 0n, reference: sym.name });
  }
  if (ext?.kind === "kconfig" && insn.isDWordLoad()) {
    return insn.with({
      src: PseudoLoad.MapValue,
      constant: BigInt.asIntN(64, BigInt(ext.offset ?? 0) << 32n),
      reference: ".kconfig",
    });
  }
  // A forward declaration or an inline-asm symbol: kept as a reference, an error at load time
  // unless something provides it.
  return insn.with({ reference: sym.name });
}

/** `call imm` of any source: helper, bpf-to-bpf or kfunc. */
function isCall(insn: Instruction): boolean {
  return insn.opcode === CALL_OPCODE;
}

/** Weak symbol names of the object, for extern resolution. */
export function weakSymbols(file: ElfFile): Set<string> {
  return new Set(file.symbols.filter((s) => s.bind === STB_WEAK && s.sectionIndex === SHN_UNDEF).map((s) => s.name));
}

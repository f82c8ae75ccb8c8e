/**
 * Functions -> programs: every function of a program section (other than `.text`) is a program;
 * each gets the subprograms it calls, transitively, appended after its own code, with its BTF
 * function, line and CO-RE records moved along.
 *
 * @module
 */
import type { Instruction } from "../../asm/index.js";
import type { CORERelocation, ExtInfos, FuncInfo, LineInfo, Spec } from "../../btf/index.js";
import type { CollectionProgramSpec } from "../../collection/spec.js";
import { LoadError } from "../../errors.js";
import { AttachType, ProgramType } from "../../prog/types.js";
import type { ByteOrder } from "../bytes.js";
import type { FunctionCode } from "./functions.js";
import { programSectionInfo } from "./program-sections.js";

/** Options shared by every program of an object. */
export interface ProgramContext {
  readonly license: string;
  readonly kernelVersion: number;
  readonly byteOrder: ByteOrder;
  readonly btf: Spec | undefined;
  readonly ext: ExtInfos | undefined;
}

/**
 * Build the program specs of an object from all its functions.
 *
 * @example
 * ```ts
 * const programs = buildPrograms(functions, ctx);
 * ```
 */
export function buildPrograms(functions: readonly FunctionCode[], ctx: ProgramContext): Record<string, CollectionProgramSpec> {
  const byName = new Map<string, FunctionCode>();
  for (const fn of functions) {
    if (byName.has(fn.name)) throw new LoadError(`function ${fn.name} is defined twice`);
    byName.set(fn.name, fn);
  }
  const programs: Record<string, CollectionProgramSpec> = {};
  for (const fn of functions) {
    const sectionName = fn.section.section.name;
    if (sectionName === ".text") continue;
    // Functions in sections no loader knows are kept, of unspecified type, and never loaded on
    // their own (cilium/ebpf lists them the same way).
    const info = programSectionInfo(sectionName) ?? unknownSection;
    const linked = link(fn, byName);
    // A program that calls nothing keeps its function's instructions, an array no other spec holds.
    const instructions: Instruction[] = linked.length === 1 ? fn.instructions : [];
    const funcInfos: FuncInfo[] = [];
    const lineInfos: LineInfo[] = [];
    const coreRelos: CORERelocation[] = [];
    let slot = 0;
    for (const part of linked) {
      if (linked.length > 1) for (const insn of part.instructions) instructions.push(insn);
      const size = partSlots(part);
      if (ctx.ext) {
        const name = part.section.section.name;
        const start = part.slot;
        const end = start + size;
        const shift = slot - start;
        // Nothing changes a record once parsed, so a part at its own offset (a program's entry
        // function, usually) shares them rather than copying thousands.
        for (const r of ctx.ext.funcInfos.get(name) ?? []) {
          if (r.insnOff < start || r.insnOff >= end) continue;
          funcInfos.push(shift === 0 ? r : { insnOff: r.insnOff + shift, typeID: r.typeID, func: r.func });
        }
        for (const r of ctx.ext.lineInfos.get(name) ?? []) {
          if (r.insnOff < start || r.insnOff >= end) continue;
          if (shift === 0) lineInfos.push(r);
          else {
            lineInfos.push({
              insnOff: r.insnOff + shift,
              fileName: r.fileName,
              line: r.line,
              lineNumber: r.lineNumber,
              column: r.column,
              fileNameOffset: r.fileNameOffset,
              lineOffset: r.lineOffset,
            });
          }
        }
        for (const r of ctx.ext.coreRelos.get(name) ?? []) {
          if (r.insnOff >= start && r.insnOff < end) coreRelos.push({ ...r, insnOff: r.insnOff + shift });
        }
      }
      slot += size;
    }
    programs[fn.name] = {
      name: fn.name,
      type: info.type,
      attachType: info.attachType,
      flags: info.flags,
      instructions,
      license: ctx.license,
      kernelVersion: ctx.kernelVersion,
      sectionName,
      attachTo: info.attachTo,
      autoload: info.autoload,
      byteOrder: ctx.byteOrder,
      btf: ctx.btf && ctx.ext ? { spec: ctx.btf, funcInfos, lineInfos, coreRelos } : undefined,
    };
  }
  return programs;
}

const unknownSection = {
  type: ProgramType.UnspecifiedProgram,
  attachType: AttachType.AttachNone,
  flags: 0,
  attachTo: "",
  autoload: false,
} as const;

function partSlots(fn: FunctionCode): number {
  let n = 0;
  for (const insn of fn.instructions) n += insn.slots;
  return n;
}

// The entry function first, then every function it reaches through calls and function
// pointers, in order of discovery. Unknown names stay references: kfuncs, ksyms and forward
// declarations are resolved (or refused) at load time.
function link(entry: FunctionCode, byName: ReadonlyMap<string, FunctionCode>): FunctionCode[] {
  const out: FunctionCode[] = [entry];
  const seen = new Set([entry.name]);
  for (let i = 0; i < out.length; i++) {
    for (const insn of out[i]!.instructions) {
      const ref = insn.reference;
      if (ref === undefined || seen.has(ref)) continue;
      if (!insn.isFunctionCall() && !insn.isLoadOfFunctionPointer()) continue;
      const callee = byName.get(ref);
      if (!callee) continue;
      seen.add(ref);
      out.push(callee);
    }
  }
  return out;
}

// Helpers of the asm tests: the program sections of an ELF object as instructions, labelled with
// the object's function and local-label symbols the way llvm-objdump labels them.
import { readFileSync } from "node:fs";
import * as asm from "../../src/asm/index.js";
import { ElfFile, SHF_EXECINSTR, STT_FUNC, STT_NOTYPE } from "../../src/elf/index.js";

/** A program section of an object: its name, raw bytes and decoded, labelled instructions. */
export interface CodeSection {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly insns: asm.Instruction[];
}

/**
 * Reads an object and returns its non-empty executable sections, decoded in the object's byte
 * order. With `labels`, each instruction at the address of a function or local label (such as
 * `LBB0_2`) gets that symbol's name as `symbol`.
 *
 * @example
 * ```ts
 * const sections = codeSections("bpf/asm_alu.o", { labels: true });
 * ```
 */
export function codeSections(path: string, options: { labels?: boolean } = {}): { byteOrder: asm.ByteOrder; sections: CodeSection[] } {
  const file = ElfFile.parse(new Uint8Array(readFileSync(path)));
  const sections: CodeSection[] = [];
  for (const section of file.sections) {
    if ((section.flags & SHF_EXECINSTR) === 0 || section.size === 0) continue;
    const bytes = section.data();
    let insns = asm.unmarshalInstructions(bytes, file.byteOrder);
    if (options.labels === true) {
      const bySlot = new Map<number, string>();
      for (const sym of file.symbols) {
        if (sym.sectionIndex !== section.index || sym.name === "") continue;
        if (sym.type !== STT_FUNC && sym.type !== STT_NOTYPE) continue;
        const slot = Number(sym.value) / 8;
        if (!bySlot.has(slot)) bySlot.set(slot, sym.name);
      }
      let slot = 0;
      insns = insns.map((insn) => {
        const name = bySlot.get(slot);
        slot += insn.slots;
        return name === undefined ? insn : insn.withSymbol(name);
      });
    }
    sections.push({ name: section.name, bytes, insns });
  }
  return { byteOrder: file.byteOrder, sections };
}

/**
 * Splits `llvm-objdump -d` output into the listing of each section: the text after its
 * "Disassembly of section NAME:" line up to the blank line before the next one.
 *
 * @example
 * ```ts
 * const listings = objdumpSections(readFileSync("test/fixtures/asm/asm_alu.objdump.txt", "utf8"));
 * ```
 */
export function objdumpSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/^Disassembly of section (.*):\n/m);
  for (let i = 1; i < parts.length; i += 2) {
    out.set(parts[i]!, parts[i + 1]!.replace(/\n+$/, "\n"));
  }
  return out;
}

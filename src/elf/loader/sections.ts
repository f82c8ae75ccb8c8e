/**
 * What each section of a BPF object is for.
 *
 * @module
 */
import type { ElfFile } from "../file.js";
import type { ElfSection } from "../section.js";
import { SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS, SHT_REL } from "../constants.js";

/** The role of a section in a BPF object. */
export type SectionKind = "program" | "maps" | "btfMaps" | "data" | "license" | "version" | "structOps" | "other";

/** A classified section with its relocation section, if any. */
export interface ClassifiedSection {
  readonly section: ElfSection;
  readonly kind: SectionKind;
  readonly relocations?: ElfSection | undefined;
}

/**
 * Sort every section of `file` by role, pairing each with its `SHT_REL` section.
 *
 * @example
 * ```ts
 * const sections = classifySections(ElfFile.parse(bytes));
 * ```
 */
export function classifySections(file: ElfFile): Map<number, ClassifiedSection> {
  const rels = new Map<number, ElfSection>();
  for (const s of file.sections) {
    if (s.type === SHT_REL) rels.set(s.info, s);
  }
  const out = new Map<number, ClassifiedSection>();
  for (const section of file.sections) {
    const kind = sectionKind(section);
    out.set(section.index, { section, kind, relocations: rels.get(section.index) });
  }
  return out;
}

function sectionKind(s: ElfSection): SectionKind {
  const name = s.name;
  if (s.index === 0) return "other";
  if (name === "license") return "license";
  if (name === "version") return "version";
  if (name === "maps" || name.startsWith("maps/")) return "maps";
  if (name === ".maps") return "btfMaps";
  if (name.startsWith(".struct_ops")) return "structOps";
  if ((s.type === SHT_PROGBITS || s.type === SHT_NOBITS) && isDataSectionName(name)) return "data";
  if (s.type === SHT_PROGBITS && (s.flags & SHF_EXECINSTR) !== 0 && s.size > 0) return "program";
  return "other";
}

/** `.data`, `.rodata`, `.bss` and their `.name` suffixed variants. */
export function isDataSectionName(name: string): boolean {
  return /^\.(data|rodata|bss)($|\.)/.test(name);
}

/**
 * ELF64 relocation sections (`Elf64_Rel`, `Elf64_Rela`).
 *
 * @module
 */

import { ELFError } from "../errors.js";
import { type ByteReader, hex } from "./bytes.js";
import { ELF64_REL_SIZE, ELF64_RELA_SIZE, SHT_REL, SHT_RELA } from "./constants.js";
import type { ElfSection } from "./section.js";
import { symbolCount } from "./symbol.js";

/**
 * One relocation entry. For `SHT_REL` (what clang emits for BPF) there is no `addend`; the
 * addend is implicit in the relocated bytes. `offset` is a bigint like `ElfSymbol.value`: an
 * offset into the target section (`section.info`) in relocatable objects, an address otherwise.
 *
 * @example
 * ```ts
 * import { ElfFile, R_BPF_64_64 } from "ebpf";
 * const f = ElfFile.parse(bytes);
 * for (const rel of f.relocations(f.section(".relxdp")!)) {
 *   const sym = f.symbols[rel.symbolIndex]!;
 *   if (rel.type === R_BPF_64_64) console.log(`insn ${Number(rel.offset) / 8} -> ${sym.name}`);
 * }
 * ```
 */
export interface ElfRelocation {
  /** `r_offset`: where to apply the relocation. */
  readonly offset: bigint;
  /** `ELF64_R_SYM(r_info)`: index into the symbol table named by the section's `link`. */
  readonly symbolIndex: number;
  /** `ELF64_R_TYPE(r_info)`: machine-specific, e.g. the `R_BPF_*` constants. */
  readonly type: number;
  /** `r_addend`, for `SHT_RELA` sections only. */
  readonly addend?: bigint;
}

/**
 * Parses a `SHT_REL` or `SHT_RELA` section, checking its entry size, its target section
 * (`info`), its symbol table (`link`) and every symbol index against that table.
 *
 * @example
 * ```ts
 * const rels = readRelocations(reader, f.sections, f.section(".rel.text")!);
 * ```
 */
export function readRelocations(
  r: ByteReader,
  sections: readonly ElfSection[],
  section: ElfSection,
): ElfRelocation[] {
  const where = section.describe();
  let entsize: number;
  if (section.type === SHT_REL) entsize = ELF64_REL_SIZE;
  else if (section.type === SHT_RELA) entsize = ELF64_RELA_SIZE;
  else throw new ELFError(`${where}: type ${hex(section.type)} is not SHT_REL or SHT_RELA`);
  if (section.entsize !== entsize) {
    throw new ELFError(`${where}: relocation entsize ${hex(section.entsize)}, want ${hex(entsize)}`);
  }
  if (section.size % entsize !== 0) {
    throw new ELFError(`${where}: size ${hex(section.size)} is not a multiple of ${entsize}`);
  }
  if (section.info >= sections.length) {
    throw new ELFError(`${where}: target section ${section.info} out of range (${sections.length} sections)`);
  }
  let symbols = 0;
  if (section.link !== 0) {
    const symtab = sections[section.link];
    if (symtab === undefined) {
      throw new ELFError(`${where}: symbol table ${section.link} out of range (${sections.length} sections)`);
    }
    symbols = symbolCount(symtab);
  }

  const count = section.size / entsize;
  const rela = section.type === SHT_RELA;
  const out = new Array<ElfRelocation>(count);
  for (let i = 0; i < count; i++) {
    const at = section.offset + i * entsize;
    // ELF64_R_SYM is the high word of r_info and ELF64_R_TYPE the low one, in either byte order.
    const hi = r.u32(at + (r.le ? 12 : 8));
    const lo = r.u32(at + (r.le ? 8 : 12));
    if (hi !== 0 && hi >= symbols) {
      throw new ELFError(
        `${where}: relocation ${i} at ${hex(at)}: symbol index ${hi} out of range (${symbols} symbols)`,
      );
    }
    const offset = r.u64(at);
    out[i] = rela
      ? { offset, symbolIndex: hi, type: lo, addend: r.i64(at + 16) }
      : { offset, symbolIndex: hi, type: lo };
  }
  return out;
}

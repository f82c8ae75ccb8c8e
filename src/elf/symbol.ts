/**
 * ELF64 symbol tables (`Elf64_Sym`): `.symtab` and `.dynsym`.
 *
 * @module
 */

import { ELFError } from "../errors.js";
import { type ByteReader, hex } from "./bytes.js";
import {
  ELF64_SYM_SIZE,
  SHN_LORESERVE,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_STRTAB,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
} from "./constants.js";
import type { ElfSection } from "./section.js";
import { StringTable } from "./strings.js";

/**
 * One entry of a symbol table. `value` and `size` are bigints because in executables and shared
 * objects `value` is a virtual address (possibly above 2^53); in relocatable objects (BPF) it is
 * an offset into section `sectionIndex`, and `Number(sym.value)` is exact.
 *
 * @example
 * ```ts
 * import { ElfFile, STT_FUNC } from "ebpf";
 * const f = ElfFile.parse(bytes);
 * const funcs = f.symbols.filter((s) => s.type === STT_FUNC).map((s) => s.name);
 * ```
 */
export interface ElfSymbol {
  /** Position in its symbol table; 0 is the null symbol. */
  readonly index: number;
  /** Name from the linked string table; "" for unnamed symbols. */
  readonly name: string;
  /** `st_value`: section offset (relocatable objects) or virtual address (executables, libraries). */
  readonly value: bigint;
  /** `st_size`: size of the object or function in bytes, 0 when unknown. */
  readonly size: bigint;
  /** `st_info`: binding in the high nibble, type in the low one. */
  readonly info: number;
  /** Binding, `info >> 4`: one of the `STB_*` constants. */
  readonly bind: number;
  /** Type, `info & 0xf`: one of the `STT_*` constants. */
  readonly type: number;
  /** `st_other`: visibility in the low two bits. */
  readonly other: number;
  /** Visibility, `other & 3`: one of the `STV_*` constants. */
  readonly visibility: number;
  /**
   * Index of the section the symbol is defined in, after resolving `SHN_XINDEX` through
   * `SHT_SYMTAB_SHNDX`; or a reserved index such as `SHN_UNDEF`, `SHN_ABS`, `SHN_COMMON`.
   */
  readonly sectionIndex: number;
}

/**
 * Number of entries in a symbol table section, after checking its type, entry size and size.
 *
 * @example
 * ```ts
 * const count = symbolCount(f.section(".symtab")!);
 * ```
 */
export function symbolCount(symtab: ElfSection): number {
  if (symtab.type !== SHT_SYMTAB && symtab.type !== SHT_DYNSYM) {
    throw new ELFError(`${symtab.describe()}: type ${hex(symtab.type)} is not a symbol table`);
  }
  if (symtab.entsize !== ELF64_SYM_SIZE) {
    throw new ELFError(
      `${symtab.describe()}: symbol table entsize ${hex(symtab.entsize)}, want ${hex(ELF64_SYM_SIZE)}`,
    );
  }
  if (symtab.size % ELF64_SYM_SIZE !== 0) {
    throw new ELFError(
      `${symtab.describe()}: symbol table size ${hex(symtab.size)} is not a multiple of ${ELF64_SYM_SIZE}`,
    );
  }
  return symtab.size / ELF64_SYM_SIZE;
}

/**
 * Parses every symbol of `symtab`, resolving names through its linked string table and extended
 * section indices through the `SHT_SYMTAB_SHNDX` section that links to it.
 *
 * @example
 * ```ts
 * const symbols = readSymbols(reader, f.sections, f.section(".symtab")!);
 * ```
 */
export function readSymbols(r: ByteReader, sections: readonly ElfSection[], symtab: ElfSection): ElfSymbol[] {
  const count = symbolCount(symtab);
  const strtabSection = sections[symtab.link];
  if (strtabSection === undefined || strtabSection.type !== SHT_STRTAB) {
    throw new ELFError(
      `${symtab.describe()}: sh_link ${symtab.link} is not a string table (${sections.length} sections)`,
    );
  }
  const strtab = new StringTable(strtabSection.data(), strtabSection.describe());
  const shndx = extendedIndices(r, sections, symtab, count);
  const shnum = sections.length;
  const symbols = new Array<ElfSymbol>(count);
  const where = `${symtab.describe()}: symbol`;
  for (let i = 0; i < count; i++) {
    const at = symtab.offset + i * ELF64_SYM_SIZE;
    const info = r.u8(at + 4);
    const other = r.u8(at + 5);
    let sectionIndex = r.u16(at + 6);
    if (sectionIndex === SHN_XINDEX) {
      if (shndx === undefined) {
        throw new ELFError(`${where} ${i}: section index SHN_XINDEX but no SHT_SYMTAB_SHNDX section`);
      }
      sectionIndex = r.u32(shndx + i * 4);
      if (sectionIndex >= shnum) {
        throw new ELFError(`${where} ${i}: extended section index ${sectionIndex} out of range (${shnum} sections)`);
      }
    } else if (sectionIndex >= shnum && sectionIndex < SHN_LORESERVE) {
      throw new ELFError(`${where} ${i}: section index ${sectionIndex} out of range (${shnum} sections)`);
    }
    const nameOffset = r.u32(at);
    symbols[i] = {
      index: i,
      name: nameOffset === 0 ? "" : strtab.get(nameOffset, where, i),
      value: r.u64(at + 8),
      size: r.u64(at + 16),
      info,
      bind: info >> 4,
      type: info & 0xf,
      other,
      visibility: other & 3,
      sectionIndex,
    };
  }
  return symbols;
}

/** File offset of the `SHT_SYMTAB_SHNDX` table for `symtab`, checked to cover `count` entries. */
function extendedIndices(
  r: ByteReader,
  sections: readonly ElfSection[],
  symtab: ElfSection,
  count: number,
): number | undefined {
  const table = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === symtab.index);
  if (table === undefined) return undefined;
  if (table.size < count * 4) {
    throw new ELFError(
      `${table.describe()}: size ${hex(table.size)} too small for ${count} symbols of ${symtab.describe()}`,
    );
  }
  r.need(table.offset, count * 4, table.describe());
  return table.offset;
}

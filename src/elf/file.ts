/**
 * `ElfFile`: a validated, read-only view of an ELF64 file held in memory.
 *
 * @module
 */

import { ArgumentError, ELFError } from "../errors.js";
import { type ByteOrder, type ByteReader, hex } from "./bytes.js";
import {
  ELF64_PHDR_SIZE,
  ELF64_SHDR_SIZE,
  PN_XNUM,
  PT_LOAD,
  SHN_UNDEF,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_STRTAB,
  SHT_SYMTAB,
} from "./constants.js";
import { type ElfHeader, headerField, readHeader } from "./header.js";
import { type ElfProgramHeader, readProgramHeaders } from "./program-header.js";
import { type ElfRelocation, readRelocations } from "./relocation.js";
import {
  checkSectionRange,
  describeSection,
  ElfSection,
  type RawSectionHeader,
  readSectionHeader,
} from "./section.js";
import { StringTable } from "./strings.js";
import { type ElfSymbol, readSymbols } from "./symbol.js";

/**
 * A parsed ELF64 file, either byte order. `parse` validates the header, the section and program
 * header tables, every section's extent and every section name; symbol tables are parsed and
 * validated on first access of `symbols` / `dynamicSymbols`, relocations on each `relocations()`
 * call. Every problem is an `ELFError` naming the offending part.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { ElfFile, EM_BPF } from "ebpf";
 * const f = ElfFile.parse(readFileSync("bpf/xdp.o"));
 * if (f.machine !== EM_BPF) throw new Error("not BPF");
 * console.log(f.section(".text")?.data().length);
 * const rel = f.section(".rel.text");
 * if (rel) for (const r of f.relocations(rel)) console.log(r.offset, f.symbols[r.symbolIndex]!.name);
 * ```
 */
export class ElfFile {
  /** `"little"` (`ELFDATA2LSB`) or `"big"` (`ELFDATA2MSB`). */
  readonly byteOrder: ByteOrder;
  /** `e_type`: one of the `ET_*` constants. */
  readonly type: number;
  /** `e_machine`: e.g. `EM_BPF`, `EM_X86_64`. */
  readonly machine: number;
  /** `e_flags`: machine-specific flags. */
  readonly flags: number;
  /** `e_entry`: entry point address, 0 for objects. */
  readonly entry: bigint;
  /** `e_ident[EI_OSABI]`. */
  readonly osabi: number;
  /** `e_ident[EI_ABIVERSION]`. */
  readonly abiVersion: number;
  /** The section header table; index 0 is the null section. Empty when the file has none. */
  readonly sections: readonly ElfSection[];
  /** The program header table; empty for relocatable objects. */
  readonly programHeaders: readonly ElfProgramHeader[];

  private readonly reader: ByteReader;
  private byName: Map<string, ElfSection> | undefined;
  private symtab: readonly ElfSymbol[] | undefined;
  private dynsym: readonly ElfSymbol[] | undefined;

  private constructor(reader: ByteReader, header: ElfHeader, sections: ElfSection[], phdrs: ElfProgramHeader[]) {
    this.reader = reader;
    this.byteOrder = header.byteOrder;
    this.type = header.type;
    this.machine = header.machine;
    this.flags = header.flags;
    this.entry = header.entry;
    this.osabi = header.osabi;
    this.abiVersion = header.abiVersion;
    this.sections = sections;
    this.programHeaders = phdrs;
  }

  /**
   * Parses and validates `bytes` (a `Buffer` works too). The returned file and its sections view
   * `bytes` without copying, so it must not be modified afterwards.
   *
   * @throws {ELFError} for anything malformed, and for ELF32 files.
   * @example
   * ```ts
   * import { ElfFile } from "ebpf";
   * const f = ElfFile.parse(new Uint8Array(await readFile("prog.o")));
   * console.log(f.byteOrder, f.sections.map((s) => s.name));
   * ```
   */
  static parse(bytes: Uint8Array): ElfFile {
    const { header, reader } = readHeader(bytes);
    const { raws, shstrndx, phnum } = readSectionTable(reader, header);
    const sections = nameSections(bytes, raws, shstrndx);
    let phdrs: ElfProgramHeader[] = [];
    if (phnum > 0) {
      if (header.phentsize !== ELF64_PHDR_SIZE) {
        throw new ELFError(`${headerField("e_phentsize", header.phentsize)}, want ${hex(ELF64_PHDR_SIZE)}`);
      }
      if (header.phoff === 0) throw new ELFError(`ELF header: e_phnum ${phnum} but e_phoff is 0`);
      reader.need(header.phoff, phnum * ELF64_PHDR_SIZE, `program header table (${phnum} entries)`);
      phdrs = readProgramHeaders(reader, header.phoff, phnum);
    }
    return new ElfFile(reader, header, sections, phdrs);
  }

  /**
   * The first section called `name`, if any.
   *
   * @example
   * ```ts
   * const license = f.section("license");
   * ```
   */
  section(name: string): ElfSection | undefined {
    if (this.byName === undefined) {
      this.byName = new Map();
      for (const s of this.sections) if (!this.byName.has(s.name)) this.byName.set(s.name, s);
    }
    return this.byName.get(name);
  }

  /**
   * The symbols of `.symtab` (the `SHT_SYMTAB` section), index 0 being the null symbol; empty
   * when the file has none (stripped binaries). Parsed on first access.
   *
   * @throws {ELFError} when the symbol table or its string table is malformed.
   * @example
   * ```ts
   * const main = f.symbols.find((s) => s.name === "xdp_prog");
   * ```
   */
  get symbols(): readonly ElfSymbol[] {
    this.symtab ??= this.readTable(SHT_SYMTAB);
    return this.symtab;
  }

  /**
   * The symbols of `.dynsym` (the `SHT_DYNSYM` section) of a shared object or dynamic executable,
   * index 0 being the null symbol; empty when absent. Parsed on first access.
   *
   * @throws {ELFError} when the symbol table or its string table is malformed.
   * @example
   * ```ts
   * const libc = ElfFile.parse(readFileSync("/lib/x86_64-linux-gnu/libc.so.6"));
   * const sym = libc.dynamicSymbols.find((s) => s.name === "getaddrinfo");
   * ```
   */
  get dynamicSymbols(): readonly ElfSymbol[] {
    this.dynsym ??= this.readTable(SHT_DYNSYM);
    return this.dynsym;
  }

  /**
   * The entries of a `SHT_REL` or `SHT_RELA` section of this file. `symbolIndex` indexes the
   * symbol table named by `section.link` (`symbols` for `.symtab`, `dynamicSymbols` for
   * `.dynsym`) and is checked against it.
   *
   * @throws {ArgumentError} when `section` is not one of this file's sections.
   * @throws {ELFError} when the section is not a relocation section or is malformed.
   * @example
   * ```ts
   * for (const rel of f.relocations(f.section(".rel.text")!)) console.log(rel.offset, rel.type);
   * ```
   */
  relocations(section: ElfSection): ElfRelocation[] {
    if (this.sections[section.index] !== section) {
      throw new ArgumentError(`${section.describe()} does not belong to this ELF file`);
    }
    return readRelocations(this.reader, this.sections, section);
  }

  /**
   * The file offset of virtual address `address` (e.g. a `dynamicSymbols` value), found through
   * the `PT_LOAD` segment whose file-backed bytes contain it; `undefined` when none does. Uprobes
   * attach at this offset of an executable or shared library.
   *
   * @example
   * ```ts
   * const libc = ElfFile.parse(readFileSync("/lib/x86_64-linux-gnu/libc.so.6"));
   * const sym = libc.dynamicSymbols.find((s) => s.name === "getaddrinfo")!;
   * const offset = libc.fileOffset(sym.value); // where perf_event_open's uprobe points
   * ```
   */
  fileOffset(address: bigint): number | undefined {
    for (const ph of this.programHeaders) {
      if (ph.type !== PT_LOAD || address < ph.vaddr) continue;
      const delta = address - ph.vaddr;
      if (delta < BigInt(ph.filesz)) return ph.offset + Number(delta);
    }
    return undefined;
  }

  private readTable(type: number): readonly ElfSymbol[] {
    const table = this.sections.find((s) => s.type === type);
    return table === undefined ? [] : readSymbols(this.reader, this.sections, table);
  }
}

interface SectionTable {
  raws: RawSectionHeader[];
  shstrndx: number;
  phnum: number;
}

/** Reads every section header, resolving extended numbering from section 0. */
function readSectionTable(r: ByteReader, h: ElfHeader): SectionTable {
  if (h.shoff === 0) {
    if (h.shnum !== 0) throw new ELFError(`ELF header: e_shnum ${h.shnum} but e_shoff is 0`);
    if (h.shstrndx !== SHN_UNDEF) throw new ELFError(`ELF header: e_shstrndx ${h.shstrndx} but e_shoff is 0`);
    if (h.phnum === PN_XNUM) throw new ELFError("ELF header: e_phnum is PN_XNUM but there is no section 0");
    return { raws: [], shstrndx: SHN_UNDEF, phnum: h.phnum };
  }
  if (h.shentsize !== ELF64_SHDR_SIZE) {
    throw new ELFError(`${headerField("e_shentsize", h.shentsize)}, want ${hex(ELF64_SHDR_SIZE)}`);
  }
  r.need(h.shoff, ELF64_SHDR_SIZE, "section header 0");
  const first = readSectionHeader(r, h.shoff, 0);
  // Files with too many sections for 16 bits keep the real counts in section 0 (gABI).
  const shnum = h.shnum === 0 ? first.size : h.shnum;
  const shstrndx = h.shstrndx === SHN_XINDEX ? first.link : h.shstrndx;
  const phnum = h.phnum === PN_XNUM ? first.info : h.phnum;
  if (shnum === 0) throw new ELFError("ELF header: e_shnum is 0 and section 0's sh_size is 0");
  r.need(h.shoff, shnum * ELF64_SHDR_SIZE, `section header table (${shnum} entries at ${hex(h.shoff)})`);
  const raws = new Array<RawSectionHeader>(shnum);
  raws[0] = first;
  for (let i = 1; i < shnum; i++) raws[i] = readSectionHeader(r, h.shoff, i);
  if (shstrndx !== SHN_UNDEF && shstrndx >= shnum) {
    throw new ELFError(`ELF header: section name table index ${shstrndx} out of range (${shnum} sections)`);
  }
  return { raws, shstrndx, phnum };
}

/** Resolves section names and checks each section's extent. */
function nameSections(bytes: Uint8Array, raws: RawSectionHeader[], shstrndx: number): ElfSection[] {
  let names: StringTable | undefined;
  if (shstrndx !== SHN_UNDEF) {
    const raw = raws[shstrndx]!;
    const where = `${describeSection(shstrndx, undefined)} (section name table)`;
    if (raw.type !== SHT_STRTAB) throw new ELFError(`${where}: type ${hex(raw.type)}, want SHT_STRTAB`);
    checkSectionRange(raw, undefined, bytes.length);
    names = new StringTable(bytes.subarray(raw.offset, raw.offset + raw.size), where);
  }
  const sections = new Array<ElfSection>(raws.length);
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i]!;
    // Offset 0 of every string table is the empty string, so it needs no lookup.
    const name = names === undefined || raw.nameOffset === 0 ? "" : names.get(raw.nameOffset, "section", i);
    checkSectionRange(raw, name, bytes.length);
    sections[i] = new ElfSection(bytes, raw, name);
  }
  return sections;
}

/**
 * ELF64 section headers (`Elf64_Shdr`).
 *
 * @module
 */

import { ELFError } from "../errors.js";
import { type ByteReader, hex } from "./bytes.js";
import { ELF64_SHDR_SIZE, SHT_NOBITS, SHT_NULL } from "./constants.js";

/**
 * The numeric fields of one section header, before its name is resolved.
 *
 * @example
 * ```ts
 * const raw: RawSectionHeader = readSectionHeader(reader, shoff, 0);
 * console.log(raw.nameOffset, raw.type);
 * ```
 */
export interface RawSectionHeader {
  readonly index: number;
  readonly nameOffset: number;
  readonly type: number;
  readonly flags: number;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
}

/**
 * Reads section header `index` of the table at `shoff`. The caller has checked that the table lies
 * inside the file; fields too large to be exact numbers are an `ELFError`.
 *
 * @example
 * ```ts
 * const first = readSectionHeader(reader, shoff, 0);
 * ```
 */
export function readSectionHeader(r: ByteReader, shoff: number, index: number): RawSectionHeader {
  const at = shoff + index * ELF64_SHDR_SIZE;
  const field = (name: string) => () => `section ${index} header at ${hex(at)}: ${name}`;
  return {
    index,
    nameOffset: r.u32(at),
    type: r.u32(at + 4),
    flags: r.u64n(at + 8, field("sh_flags")),
    addr: r.u64(at + 16),
    offset: r.u64n(at + 24, field("sh_offset")),
    size: r.u64n(at + 32, field("sh_size")),
    link: r.u32(at + 40),
    info: r.u32(at + 44),
    addralign: r.u64n(at + 48, field("sh_addralign")),
    entsize: r.u64n(at + 56, field("sh_entsize")),
  };
}

/**
 * Whether a section of this type has bytes in the file. `SHT_NOBITS` (`.bss`) only has a size in
 * memory, and `SHT_NULL` headers (index 0) reuse `sh_size` for extended numbering.
 *
 * @example
 * ```ts
 * if (hasFileData(SHT_PROGBITS)) console.log("has bytes");
 * ```
 */
export function hasFileData(type: number): boolean {
  return type !== SHT_NOBITS && type !== SHT_NULL;
}

/**
 * One section of an `ElfFile`. Offsets, sizes and flags are numbers (exact: larger values are
 * rejected while parsing); `addr` is a bigint because it is a virtual address.
 *
 * @example
 * ```ts
 * import { ElfFile, SHF_EXECINSTR } from "ebpf";
 * const f = ElfFile.parse(bytes);
 * for (const s of f.sections) {
 *   if ((s.flags & SHF_EXECINSTR) !== 0) console.log(s.name, s.data().length);
 * }
 * ```
 */
export class ElfSection {
  /** Position in the section header table; 0 is the null section. */
  readonly index: number;
  /** Name from the section header string table; "" when the file has none. */
  readonly name: string;
  /** `sh_type`: one of the `SHT_*` constants. */
  readonly type: number;
  /** `sh_flags`: a mask of `SHF_*` constants. */
  readonly flags: number;
  /** `sh_addr`: the run-time address, 0 in relocatable objects. */
  readonly addr: bigint;
  /** `sh_offset`: where the bytes start in the file. */
  readonly offset: number;
  /** `sh_size`: bytes in the file, or in memory for `SHT_NOBITS`. */
  readonly size: number;
  /** `sh_link`: a related section index whose meaning depends on `type`. */
  readonly link: number;
  /** `sh_info`: extra information; the target section of `SHT_REL` / `SHT_RELA`. */
  readonly info: number;
  /** `sh_addralign`: required alignment, 0 or 1 for none. */
  readonly addralign: number;
  /** `sh_entsize`: size of one entry for tables, else 0. */
  readonly entsize: number;

  constructor(
    private readonly file: Uint8Array,
    raw: RawSectionHeader,
    name: string,
  ) {
    this.index = raw.index;
    this.name = name;
    this.type = raw.type;
    this.flags = raw.flags;
    this.addr = raw.addr;
    this.offset = raw.offset;
    this.size = raw.size;
    this.link = raw.link;
    this.info = raw.info;
    this.addralign = raw.addralign;
    this.entsize = raw.entsize;
  }

  /**
   * The section's bytes as a view into the parsed buffer (no copy: do not modify it). Empty for
   * `SHT_NOBITS` and `SHT_NULL`, which have no bytes in the file. Compressed sections
   * (`SHF_COMPRESSED`) are returned as stored.
   *
   * @example
   * ```ts
   * const license = new TextDecoder().decode(f.section("license")!.data());
   * ```
   */
  data(): Uint8Array {
    if (!hasFileData(this.type)) return this.file.subarray(0, 0);
    return this.file.subarray(this.offset, this.offset + this.size);
  }

  /**
   * Describes the section for error messages: `section 3 (".text")`.
   *
   * @example
   * ```ts
   * throw new ELFError(`${s.describe()}: bad entsize`);
   * ```
   */
  describe(): string {
    return describeSection(this.index, this.name);
  }
}

/**
 * Formats a section reference for error messages.
 *
 * @example
 * ```ts
 * describeSection(3, ".text"); // 'section 3 (".text")'
 * ```
 */
export function describeSection(index: number, name: string | undefined): string {
  return name === undefined || name === "" ? `section ${index}` : `section ${index} (${JSON.stringify(name)})`;
}

/**
 * Throws unless a section with file data lies entirely within the file.
 *
 * @example
 * ```ts
 * checkSectionRange(raw, ".text", bytes.length);
 * ```
 */
export function checkSectionRange(raw: RawSectionHeader, name: string | undefined, fileLength: number): void {
  if (!hasFileData(raw.type)) return;
  if (raw.offset > fileLength || raw.size > fileLength - raw.offset) {
    throw new ELFError(
      `${describeSection(raw.index, name)}: offset ${hex(raw.offset)} + size ${hex(raw.size)} ` +
        `beyond end of file (${hex(fileLength)} bytes)`,
    );
  }
}

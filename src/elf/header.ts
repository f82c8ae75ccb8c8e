/**
 * The ELF64 file header (`Elf64_Ehdr`).
 *
 * @module
 */

import { ELFError } from "../errors.js";
import { type ByteOrder, ByteReader, hex } from "./bytes.js";
import { ELF64_EHDR_SIZE, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, EV_CURRENT } from "./constants.js";

/**
 * The file header's fields as stored: `phnum`, `shnum` and `shstrndx` may still be escapes for
 * extended numbering (resolved by `ElfFile.parse`).
 *
 * @example
 * ```ts
 * const { header, reader } = readHeader(bytes);
 * console.log(header.machine, header.shnum);
 * ```
 */
export interface ElfHeader {
  readonly byteOrder: ByteOrder;
  readonly osabi: number;
  readonly abiVersion: number;
  readonly type: number;
  readonly machine: number;
  readonly entry: bigint;
  readonly phoff: number;
  readonly shoff: number;
  readonly flags: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

/**
 * Checks the identification bytes and reads the file header, returning it with a reader in the
 * file's byte order.
 *
 * @example
 * ```ts
 * const { header } = readHeader(new Uint8Array(readFileSync("prog.o")));
 * ```
 */
export function readHeader(bytes: Uint8Array): { header: ElfHeader; reader: ByteReader } {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ELFError("not an ELF file: bad magic (want 7f 45 4c 46)");
  }
  if (bytes.length < ELF64_EHDR_SIZE) {
    throw new ELFError(`ELF header truncated: file is ${bytes.length} bytes, header needs ${ELF64_EHDR_SIZE}`);
  }
  const cls = bytes[4];
  if (cls === ELFCLASS32) throw new ELFError("ELF32 files are not supported: only ELF64 (EI_CLASS 2)");
  if (cls !== ELFCLASS64) throw new ELFError(`ELF header: unknown class ${cls} (EI_CLASS)`);
  const data = bytes[5];
  let order: ByteOrder;
  if (data === ELFDATA2LSB) order = "little";
  else if (data === ELFDATA2MSB) order = "big";
  else throw new ELFError(`ELF header: unknown byte order ${data} (EI_DATA)`);
  if (bytes[6] !== EV_CURRENT) throw new ELFError(`ELF header: unknown version ${bytes[6]} (EI_VERSION)`);

  const r = new ByteReader(bytes, order);
  const version = r.u32(20);
  if (version !== EV_CURRENT) throw new ELFError(`ELF header: unknown version ${version} (e_version)`);
  const ehsize = r.u16(52);
  if (ehsize !== ELF64_EHDR_SIZE) {
    throw new ELFError(`ELF header: e_ehsize ${ehsize}, want ${ELF64_EHDR_SIZE}`);
  }
  const header: ElfHeader = {
    byteOrder: order,
    osabi: bytes[7]!,
    abiVersion: bytes[8]!,
    type: r.u16(16),
    machine: r.u16(18),
    entry: r.u64(24),
    phoff: r.u64n(32, () => "ELF header: e_phoff"),
    shoff: r.u64n(40, () => "ELF header: e_shoff"),
    flags: r.u32(48),
    phentsize: r.u16(54),
    phnum: r.u16(56),
    shentsize: r.u16(58),
    shnum: r.u16(60),
    shstrndx: r.u16(62),
  };
  return { header, reader: r };
}

/**
 * Formats a header field for error messages.
 *
 * @example
 * ```ts
 * headerField("e_shoff", 4096); // "ELF header: e_shoff 0x1000"
 * ```
 */
export function headerField(name: string, value: number): string {
  return `ELF header: ${name} ${hex(value)}`;
}

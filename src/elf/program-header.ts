/**
 * ELF64 program headers (`Elf64_Phdr`): the segments of executables and shared objects, which
 * map symbol addresses to file offsets (uprobes need this).
 *
 * @module
 */

import { ELFError } from "../errors.js";
import { type ByteReader, hex } from "./bytes.js";
import { ELF64_PHDR_SIZE } from "./constants.js";

/**
 * One segment. `offset` and `filesz` are exact numbers (larger values are rejected while
 * parsing); addresses and the in-memory size are bigints.
 *
 * @example
 * ```ts
 * import { ElfFile, PT_LOAD } from "ebpf";
 * const f = ElfFile.parse(bytes);
 * for (const ph of f.programHeaders) {
 *   if (ph.type === PT_LOAD) console.log(ph.vaddr, ph.offset, ph.filesz);
 * }
 * ```
 */
export class ElfProgramHeader {
  constructor(
    private readonly file: Uint8Array,
    /** Position in the program header table. */
    readonly index: number,
    /** `p_type`: one of the `PT_*` constants. */
    readonly type: number,
    /** `p_flags`: a mask of `PF_R`, `PF_W`, `PF_X`. */
    readonly flags: number,
    /** `p_offset`: where the segment's bytes start in the file. */
    readonly offset: number,
    /** `p_vaddr`: run-time virtual address of the first byte. */
    readonly vaddr: bigint,
    /** `p_paddr`: physical address, usually equal to `vaddr`. */
    readonly paddr: bigint,
    /** `p_filesz`: bytes in the file. */
    readonly filesz: number,
    /** `p_memsz`: bytes in memory (at least `filesz`; the rest is zero-filled). */
    readonly memsz: bigint,
    /** `p_align`: alignment in memory and in the file. */
    readonly align: bigint,
  ) {}

  /**
   * The segment's bytes in the file, as a view without copying. Checked here rather than while
   * parsing because some valid files (separate debug info) keep headers of segments they omit.
   *
   * @example
   * ```ts
   * const interp = f.programHeaders.find((ph) => ph.type === PT_INTERP)?.data();
   * ```
   */
  data(): Uint8Array {
    if (this.offset > this.file.length || this.filesz > this.file.length - this.offset) {
      throw new ELFError(
        `program header ${this.index}: offset ${hex(this.offset)} + filesz ${hex(this.filesz)} ` +
          `beyond end of file (${hex(this.file.length)} bytes)`,
      );
    }
    return this.file.subarray(this.offset, this.offset + this.filesz);
  }
}

/**
 * Reads `count` program headers from the table at `phoff`, which the caller has checked lies
 * inside the file.
 *
 * @example
 * ```ts
 * const phdrs = readProgramHeaders(reader, phoff, phnum);
 * ```
 */
export function readProgramHeaders(r: ByteReader, phoff: number, count: number): ElfProgramHeader[] {
  const out = new Array<ElfProgramHeader>(count);
  for (let i = 0; i < count; i++) {
    const at = phoff + i * ELF64_PHDR_SIZE;
    const field = (name: string) => () => `program header ${i} at ${hex(at)}: ${name}`;
    out[i] = new ElfProgramHeader(
      r.bytes,
      i,
      r.u32(at),
      r.u32(at + 4),
      r.u64n(at + 8, field("p_offset")),
      r.u64(at + 16),
      r.u64(at + 24),
      r.u64n(at + 32, field("p_filesz")),
      r.u64(at + 40),
      r.u64(at + 48),
    );
  }
  return out;
}

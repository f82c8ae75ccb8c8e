import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ElfFile,
  EM_X86_64,
  ET_DYN,
  PF_R,
  PF_W,
  PF_X,
  PT_DYNAMIC,
  PT_INTERP,
  PT_LOAD,
  PT_NOTE,
  PT_PHDR,
  PT_TLS,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_INFO_LINK,
  SHF_WRITE,
  SHN_UNDEF,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_PROGBITS,
  SHT_RELA,
  SHT_STRTAB,
  STB_GLOBAL,
  STT_FUNC,
  STT_NOTYPE,
} from "../../src/elf/index.js";

const LIBC = "/lib/x86_64-linux-gnu/libc.so.6";
const haveLibc = existsSync(LIBC);
/** Build ID of Debian 12's libc6 2.36-9+deb12u14, whose values below come from `llvm-readelf`. */
const KNOWN_BUILD_ID = "93ac61ec5a8eb1396f9fbd350e3169a558528a40";

/** Decodes the NT_GNU_BUILD_ID note: namesz, descsz, type, "GNU\0", then the id bytes. */
function buildId(f: ElfFile): string | undefined {
  const note = f.section(".note.gnu.build-id")?.data();
  if (note === undefined || note.length < 16) return undefined;
  const dv = new DataView(note.buffer, note.byteOffset, note.byteLength);
  const namesz = dv.getUint32(0, true);
  const descsz = dv.getUint32(4, true);
  const start = 12 + ((namesz + 3) & ~3);
  return Buffer.from(note.subarray(start, start + descsz)).toString("hex");
}

const title = `${LIBC} (.dynsym, RELA, program headers)`;
describe.skipIf(!haveLibc)(haveLibc ? title : `${title}: file absent`, () => {
  const bytes = haveLibc ? new Uint8Array(readFileSync(LIBC)) : new Uint8Array();
  const f = haveLibc ? ElfFile.parse(bytes) : undefined!;
  const exact = haveLibc && buildId(f) === KNOWN_BUILD_ID;

  it("is a little-endian x86-64 shared object", () => {
    expect(f.byteOrder).toBe("little");
    expect(f.machine).toBe(EM_X86_64);
    expect(f.type).toBe(ET_DYN);
    expect(f.symbols).toEqual([]); // stripped: no .symtab
  });

  it("finds getaddrinfo in .dynsym at a file offset inside executable code", () => {
    const dynsym = f.sections.find((s) => s.type === SHT_DYNSYM)!;
    expect(f.dynamicSymbols.length).toBe(dynsym.size / 24);
    const sym = f.dynamicSymbols.find((s) => s.name === "getaddrinfo")!;
    expect(sym).toBeDefined();
    expect(sym.type).toBe(STT_FUNC);
    expect(sym.bind).toBe(STB_GLOBAL);
    expect(sym.sectionIndex).not.toBe(SHN_UNDEF);
    const text = f.sections[sym.sectionIndex]!;
    expect(text.flags & SHF_EXECINSTR).not.toBe(0);
    const offset = f.fileOffset(sym.value)!;
    expect(offset).toBeGreaterThanOrEqual(text.offset);
    expect(offset + Number(sym.size)).toBeLessThanOrEqual(text.offset + text.size);
    const load = f.programHeaders.find(
      (ph) => ph.type === PT_LOAD && ph.vaddr <= sym.value && sym.value < ph.vaddr + BigInt(ph.filesz),
    )!;
    expect(load.flags & PF_X).not.toBe(0);
    expect(f.fileOffset(1n << 60n)).toBeUndefined();
  });

  it("reads every RELA section and resolves its symbols in .dynsym", () => {
    const relas = f.sections.filter((s) => s.type === SHT_RELA);
    expect(relas.length).toBeGreaterThan(0);
    for (const s of relas) {
      const rels = f.relocations(s);
      expect(rels.length).toBe(s.size / 24);
      for (const r of rels) {
        expect(r.addend).toBeTypeOf("bigint");
        expect(f.dynamicSymbols[r.symbolIndex]).toBeDefined();
      }
    }
  });

  it.skipIf(!exact)(`matches llvm-readelf exactly (build ID ${KNOWN_BUILD_ID} only)`, () => {
    expect(f.entry).toBe(0x27410n);
    expect(f.osabi).toBe(3);
    expect(f.sections.length).toBe(64);
    const pick = (i: number) => {
      const s = f.sections[i]!;
      return [s.name, s.type, s.flags, s.addr, s.offset, s.size, s.entsize, s.link, s.info, s.addralign];
    };
    // From `llvm-readelf -S`.
    expect(pick(6)).toEqual([".dynsym", SHT_DYNSYM, SHF_ALLOC, 0x8a50n, 0x8a50, 0x11d60, 0x18, 7, 1, 8]);
    expect(pick(7)).toEqual([".dynstr", SHT_STRTAB, SHF_ALLOC, 0x1a7b0n, 0x1a7b0, 0x8007, 0, 0, 0, 1]);
    expect(pick(12)).toEqual([
      ".rela.plt",
      SHT_RELA,
      SHF_ALLOC | SHF_INFO_LINK,
      0x24d78n,
      0x24d78,
      0x4f8,
      0x18,
      6,
      32,
      8,
    ]);
    expect(pick(16)).toEqual([
      ".text",
      SHT_PROGBITS,
      SHF_ALLOC | SHF_EXECINSTR,
      0x26380n,
      0x26380,
      0x153ead,
      0,
      0,
      0,
      64,
    ]);
    expect(pick(34)).toEqual([".bss", SHT_NOBITS, SHF_WRITE | SHF_ALLOC, 0x1d4880n, 0x1d4868, 0xd6d0, 0, 0, 0, 32]);
    expect(pick(42)[0]).toBe(".gnu.warning.pthread_attr_getstackaddr");
    expect(pick(63)).toEqual([".shstrtab", SHT_STRTAB, 0, 0n, 0x1d5028, 0x429, 0, 0, 0, 1]);

    // From `llvm-readelf --dyn-syms`.
    expect(f.dynamicSymbols.length).toBe(3044);
    const sym = f.dynamicSymbols[686]!;
    expect([sym.name, sym.value, sym.size, sym.type, sym.bind, sym.sectionIndex]).toEqual([
      "getaddrinfo",
      0xefc70n,
      8624n,
      STT_FUNC,
      STB_GLOBAL,
      16,
    ]);
    expect(f.fileOffset(sym.value)).toBe(0xefc70);
    const first = f.dynamicSymbols[1]!;
    expect([first.name, first.type, first.sectionIndex]).toEqual(["_dl_exception_create", STT_FUNC, SHN_UNDEF]);
    expect(f.dynamicSymbols[0]!.type).toBe(STT_NOTYPE);

    // From `llvm-readelf -r`.
    const rows = (i: number) => f.relocations(f.sections[i]!).map((r) => [r.offset, r.symbolIndex, r.type, r.addend]);
    expect(rows(11).length).toBe(88);
    expect(rows(11).slice(0, 3)).toEqual([
      [0x1cf8d8n, 0xa43, 1, 0n], // R_X86_64_64 _res
      [0x1d2d60n, 0, 0x12, 0x38n], // R_X86_64_TPOFF64
      [0x1d2d68n, 0, 0x12, 0x30n],
    ]);
    expect(rows(12).length).toBe(53);
    expect(rows(12).slice(0, 3)).toEqual([
      [0x1d3010n, 0x613, 7, 0n], // R_X86_64_JUMP_SLOT realloc
      [0x1d3020n, 0x1, 7, 0n], // _dl_exception_create
      [0x1d3038n, 0x95e, 7, 0n], // calloc
    ]);
    expect(f.dynamicSymbols[0x613]!.name).toBe("realloc");

    // From `llvm-readelf -l`: type, flags, offset, vaddr, paddr, filesz, memsz, align.
    expect(
      f.programHeaders.map((ph) => [ph.type, ph.flags, ph.offset, ph.vaddr, ph.paddr, ph.filesz, ph.memsz, ph.align]),
    ).toEqual([
      [PT_PHDR, PF_R, 0x40, 0x40n, 0x40n, 0x310, 0x310n, 8n],
      [PT_INTERP, PF_R, 0x1a1b10, 0x1a1b10n, 0x1a1b10n, 0x1c, 0x1cn, 0x10n],
      [PT_LOAD, PF_R, 0x0, 0x0n, 0x0n, 0x25388, 0x25388n, 0x1000n],
      [PT_LOAD, PF_R | PF_X, 0x26000, 0x26000n, 0x26000n, 0x1550fc, 0x1550fcn, 0x1000n],
      [PT_LOAD, PF_R, 0x17c000, 0x17c000n, 0x17c000n, 0x52c31, 0x52c31n, 0x1000n],
      [PT_LOAD, PF_R | PF_W, 0x1cf8d0, 0x1cf8d0n, 0x1cf8d0n, 0x4f98, 0x12680n, 0x1000n],
      [PT_DYNAMIC, PF_R | PF_W, 0x1d2b60, 0x1d2b60n, 0x1d2b60n, 0x200, 0x200n, 8n],
      [PT_NOTE, PF_R, 0x350, 0x350n, 0x350n, 0x20, 0x20n, 8n],
      [PT_NOTE, PF_R, 0x370, 0x370n, 0x370n, 0x44, 0x44n, 4n],
      [PT_TLS, PF_R, 0x1cf8d0, 0x1cf8d0n, 0x1cf8d0n, 0x10, 0x90n, 8n],
      [0x6474e553, PF_R, 0x350, 0x350n, 0x350n, 0x20, 0x20n, 8n], // PT_GNU_PROPERTY
      [0x6474e550, PF_R, 0x1a1b2c, 0x1a1b2cn, 0x1a1b2cn, 0x7414, 0x7414n, 4n], // PT_GNU_EH_FRAME
      [0x6474e551, PF_R | PF_W, 0, 0n, 0n, 0, 0n, 0x10n], // PT_GNU_STACK
      [0x6474e552, PF_R, 0x1cf8d0, 0x1cf8d0n, 0x1cf8d0n, 0x3730, 0x3730n, 1n], // PT_GNU_RELRO
    ]);
    const interp = f.programHeaders[1]!.data();
    expect(Buffer.from(interp).toString("latin1")).toBe("/lib64/ld-linux-x86-64.so.2\0");
  });
});

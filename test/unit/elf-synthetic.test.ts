import { describe, expect, it } from "vitest";
import { ArgumentError, ELFError } from "../../src/errors.js";
import {
  type ByteOrder,
  ElfFile,
  EM_BPF,
  ET_EXEC,
  ET_REL,
  PF_R,
  PF_X,
  PT_LOAD,
  SHN_ABS,
  SHN_XINDEX,
  SHT_NOBITS,
  SHT_PROGBITS,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
  STB_GLOBAL,
  STT_FUNC,
  STV_HIDDEN,
} from "../../src/elf/index.js";

/** A section for `buildElf`; `name` goes into `.shstrtab`, which is always appended last. */
interface SectionSpec {
  name: string;
  type: number;
  data?: Uint8Array;
  size?: number;
  flags?: number;
  link?: number;
  info?: number;
  entsize?: number;
}

interface BuildOptions {
  order?: ByteOrder;
  type?: number;
  machine?: number;
  /** Program headers: type, flags, offset, vaddr, filesz, memsz. */
  phdrs?: [number, number, number, bigint, number, bigint][];
}

/** Writes a minimal, valid ELF64 file: header, program headers, section bytes, `.shstrtab`, section headers. */
function buildElf(sections: SectionSpec[], opts: BuildOptions = {}): Uint8Array {
  const le = (opts.order ?? "little") === "little";
  const phdrs = opts.phdrs ?? [];
  const names: number[] = [];
  let shstr = "\0";
  const all = [...sections, { name: ".shstrtab", type: SHT_STRTAB } as SectionSpec];
  for (const s of all) {
    names.push(shstr.length);
    shstr += `${s.name}\0`;
  }
  all[all.length - 1]!.data = new TextEncoder().encode(shstr);

  let at = 64 + phdrs.length * 56;
  const offsets: number[] = [];
  for (const s of all) {
    at = (at + 7) & ~7;
    offsets.push(at);
    if (s.type !== SHT_NOBITS) at += s.data?.length ?? 0;
  }
  const shoff = (at + 7) & ~7;
  const shnum = all.length + 1;
  const out = new Uint8Array(shoff + shnum * 64);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, le ? 1 : 2, 1]);
  dv.setUint16(16, opts.type ?? ET_REL, le);
  dv.setUint16(18, opts.machine ?? EM_BPF, le);
  dv.setUint32(20, 1, le);
  dv.setBigUint64(32, phdrs.length > 0 ? 64n : 0n, le);
  dv.setBigUint64(40, BigInt(shoff), le);
  dv.setUint16(52, 64, le);
  dv.setUint16(54, 56, le);
  dv.setUint16(56, phdrs.length, le);
  dv.setUint16(58, 64, le);
  dv.setUint16(60, shnum, le);
  dv.setUint16(62, shnum - 1, le);
  phdrs.forEach(([type, flags, offset, vaddr, filesz, memsz], i) => {
    const p = 64 + i * 56;
    dv.setUint32(p, type, le);
    dv.setUint32(p + 4, flags, le);
    dv.setBigUint64(p + 8, BigInt(offset), le);
    dv.setBigUint64(p + 16, vaddr, le);
    dv.setBigUint64(p + 24, vaddr, le);
    dv.setBigUint64(p + 32, BigInt(filesz), le);
    dv.setBigUint64(p + 40, memsz, le);
    dv.setBigUint64(p + 48, 0x1000n, le);
  });
  all.forEach((s, i) => {
    if (s.data && s.type !== SHT_NOBITS) out.set(s.data, offsets[i]!);
    const h = shoff + (i + 1) * 64;
    dv.setUint32(h, names[i]!, le);
    dv.setUint32(h + 4, s.type, le);
    dv.setBigUint64(h + 8, BigInt(s.flags ?? 0), le);
    dv.setBigUint64(h + 24, BigInt(offsets[i]!), le);
    dv.setBigUint64(h + 32, BigInt(s.size ?? s.data?.length ?? 0), le);
    dv.setUint32(h + 40, s.link ?? 0, le);
    dv.setUint32(h + 44, s.info ?? 0, le);
    dv.setBigUint64(h + 48, 8n, le);
    dv.setBigUint64(h + 56, BigInt(s.entsize ?? 0), le);
  });
  return out;
}

/** Encodes `Elf64_Sym` entries: name offset, info, other, shndx, value, size. */
function symbols(order: ByteOrder, syms: [number, number, number, number, bigint, bigint][]): Uint8Array {
  const out = new Uint8Array(syms.length * 24);
  const dv = new DataView(out.buffer);
  const le = order === "little";
  syms.forEach(([name, info, other, shndx, value, size], i) => {
    dv.setUint32(i * 24, name, le);
    out[i * 24 + 4] = info;
    out[i * 24 + 5] = other;
    dv.setUint16(i * 24 + 6, shndx, le);
    dv.setBigUint64(i * 24 + 8, value, le);
    dv.setBigUint64(i * 24 + 16, size, le);
  });
  return out;
}

/** Encodes `Elf64_Rel` (no addend) or `Elf64_Rela` entries: offset, symbol, type, addend. */
function relocs(order: ByteOrder, rela: boolean, rels: [bigint, number, number, bigint?][]): Uint8Array {
  const size = rela ? 24 : 16;
  const out = new Uint8Array(rels.length * size);
  const dv = new DataView(out.buffer);
  const le = order === "little";
  rels.forEach(([offset, sym, type, addend], i) => {
    dv.setBigUint64(i * size, offset, le);
    dv.setBigUint64(i * size + 8, (BigInt(sym) << 32n) | BigInt(type), le);
    if (rela) dv.setBigInt64(i * size + 16, addend ?? 0n, le);
  });
  return out;
}

const strtab = new TextEncoder().encode("\0main\0counter\0");

/** A BPF-like object: .text, .strtab, .symtab, .rel.text and .rela.data, as section indices 1-6. */
function object(order: ByteOrder, patch: Partial<Record<number, Partial<SectionSpec>>> = {}): Uint8Array {
  const specs: SectionSpec[] = [
    { name: ".text", type: SHT_PROGBITS, data: new Uint8Array(32), flags: 6 },
    { name: ".strtab", type: SHT_STRTAB, data: strtab },
    {
      name: ".symtab",
      type: SHT_SYMTAB,
      entsize: 24,
      link: 2,
      info: 1,
      data: symbols(order, [
        [0, 0, 0, 0, 0n, 0n],
        [1, (STB_GLOBAL << 4) | STT_FUNC, STV_HIDDEN, 1, 8n, 24n],
        [6, STB_GLOBAL << 4, 0, SHN_ABS, 0xffff_ffff_ffff_fff0n, 0n],
      ]),
    },
    { name: ".rel.text", type: SHT_REL, entsize: 16, link: 3, info: 1, data: relocs(order, false, [[8n, 1, 10]]) },
    {
      name: ".rela.data",
      type: SHT_RELA,
      entsize: 24,
      link: 3,
      info: 1,
      data: relocs(order, true, [
        [0n, 2, 2, -8n],
        [16n, 0, 1, 0x7fff_ffff_ffff_ffffn],
      ]),
    },
    { name: ".bss", type: SHT_NOBITS, size: 1 << 20 },
  ];
  for (const [i, p] of Object.entries(patch)) Object.assign(specs[Number(i) - 1]!, p);
  return buildElf(specs, { order });
}

function expectELFError(fn: () => unknown, message: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ELFError);
  expect((err as Error).message).toMatch(message);
}

function setU16(b: Uint8Array, at: number, v: number, le = true): Uint8Array {
  new DataView(b.buffer, b.byteOffset).setUint16(at, v, le);
  return b;
}

describe("synthetic objects", () => {
  for (const order of ["little", "big"] as const) {
    it(`reads symbols, REL and RELA (${order} endian)`, () => {
      const f = ElfFile.parse(object(order));
      expect(f.byteOrder).toBe(order);
      expect(f.sections.map((s) => s.name)).toEqual([
        "",
        ".text",
        ".strtab",
        ".symtab",
        ".rel.text",
        ".rela.data",
        ".bss",
        ".shstrtab",
      ]);
      const [, main, counter] = f.symbols;
      expect(main).toEqual({
        index: 1,
        name: "main",
        value: 8n,
        size: 24n,
        info: 0x12,
        bind: STB_GLOBAL,
        type: STT_FUNC,
        other: STV_HIDDEN,
        visibility: STV_HIDDEN,
        sectionIndex: 1,
      });
      expect([counter!.name, counter!.value, counter!.sectionIndex]).toEqual([
        "counter",
        0xffff_ffff_ffff_fff0n,
        SHN_ABS,
      ]);
      expect(f.relocations(f.section(".rel.text")!)).toEqual([{ offset: 8n, symbolIndex: 1, type: 10 }]);
      expect(f.relocations(f.section(".rela.data")!)).toEqual([
        { offset: 0n, symbolIndex: 2, type: 2, addend: -8n },
        { offset: 16n, symbolIndex: 0, type: 1, addend: 0x7fff_ffff_ffff_ffffn },
      ]);
      const bss = f.section(".bss")!;
      expect([bss.size, bss.data().length]).toEqual([1 << 20, 0]);
    });
  }

  it("reads a file without sections", () => {
    const f = ElfFile.parse(buildElf([]).subarray(0, 64).map((b, i) => (i >= 40 && i < 48) || i >= 58 ? 0 : b));
    expect(f.sections).toEqual([]);
    expect(f.symbols).toEqual([]);
    expect(f.dynamicSymbols).toEqual([]);
    expect(f.section("")).toBeUndefined();
  });

  it("resolves extended section numbering (e_shnum 0, e_shstrndx SHN_XINDEX)", () => {
    const bytes = object("little");
    const dv = new DataView(bytes.buffer);
    const shoff = Number(dv.getBigUint64(40, true));
    dv.setBigUint64(shoff + 32, 8n, true); // section 0 sh_size = shnum
    dv.setUint32(shoff + 40, 7, true); // section 0 sh_link = shstrndx
    setU16(bytes, 60, 0);
    setU16(bytes, 62, SHN_XINDEX);
    const f = ElfFile.parse(bytes);
    expect(f.sections.length).toBe(8);
    expect(f.sections[7]!.name).toBe(".shstrtab");
    expect(f.symbols[1]!.name).toBe("main");
  });

  it("resolves SHN_XINDEX symbols through SHT_SYMTAB_SHNDX", () => {
    const shndx = new Uint8Array(12);
    new DataView(shndx.buffer).setUint32(4, 1, true);
    const build = (target: number, withTable = true) => {
      new DataView(shndx.buffer).setUint32(4, target, true);
      const specs: SectionSpec[] = [
        { name: ".text", type: SHT_PROGBITS, data: new Uint8Array(8) },
        { name: ".strtab", type: SHT_STRTAB, data: strtab },
        {
          name: ".symtab",
          type: SHT_SYMTAB,
          entsize: 24,
          link: 2,
          data: symbols("little", [
            [0, 0, 0, 0, 0n, 0n],
            [1, 0x12, 0, SHN_XINDEX, 0n, 8n],
            [6, 0x11, 0, 1, 0n, 8n],
          ]),
        },
      ];
      if (withTable) specs.push({ name: ".symtab_shndx", type: SHT_SYMTAB_SHNDX, link: 3, entsize: 4, data: shndx });
      return ElfFile.parse(buildElf(specs));
    };
    expect(build(1).symbols.map((s) => s.sectionIndex)).toEqual([0, 1, 1]);
    expectELFError(() => build(99).symbols, /symbol 1: extended section index 99 out of range \(6 sections\)/);
    expectELFError(() => build(1, false).symbols, /symbol 1: section index SHN_XINDEX but no SHT_SYMTAB_SHNDX/);
  });

  it("reads program headers and maps addresses to file offsets", () => {
    const code = new Uint8Array(16).fill(0xcc);
    const bytes = buildElf([{ name: ".text", type: SHT_PROGBITS, data: code }], {
      type: ET_EXEC,
      phdrs: [
        [PT_LOAD, PF_R | PF_X, 0, 0x400000n, 0x100, 0x100n],
        [PT_LOAD, PF_R, 0x1000_0000, 0x600000n, 0x10, 0x10n],
      ],
    });
    const f = ElfFile.parse(bytes);
    expect(f.programHeaders.map((p) => [p.index, p.type, p.flags, p.offset, p.vaddr, p.filesz, p.memsz])).toEqual([
      [0, PT_LOAD, PF_R | PF_X, 0, 0x400000n, 0x100, 0x100n],
      [1, PT_LOAD, PF_R, 0x1000_0000, 0x600000n, 0x10, 0x10n],
    ]);
    expect(f.programHeaders[0]!.data().length).toBe(0x100);
    expect(f.fileOffset(0x400080n)).toBe(0x80);
    expect(f.fileOffset(0x400100n)).toBeUndefined();
    expect(f.fileOffset(0x3fffffn)).toBeUndefined();
    // A segment beyond the file is only an error when its bytes are asked for.
    expectELFError(() => f.programHeaders[1]!.data(), /program header 1: offset 0x10000000 \+ filesz 0x10 beyond end/);
  });
});

describe("errors name what is wrong", () => {
  it("rejects non-ELF, ELF32 and unknown identification bytes", () => {
    expectELFError(() => ElfFile.parse(new Uint8Array(0)), /bad magic/);
    expectELFError(() => ElfFile.parse(new TextEncoder().encode("#!/bin/sh\n")), /bad magic/);
    const good = object("little");
    expectELFError(() => ElfFile.parse(good.subarray(0, 63)), /ELF header truncated: file is 63 bytes/);
    const patched = (at: number, v: number) => good.map((b, i) => (i === at ? v : b));
    expectELFError(() => ElfFile.parse(patched(4, 1)), /ELF32 files are not supported/);
    expectELFError(() => ElfFile.parse(patched(4, 3)), /unknown class 3/);
    expectELFError(() => ElfFile.parse(patched(5, 0)), /unknown byte order 0/);
    expectELFError(() => ElfFile.parse(patched(6, 2)), /unknown version 2 \(EI_VERSION\)/);
    expectELFError(() => ElfFile.parse(patched(20, 2)), /unknown version 2 \(e_version\)/);
    expectELFError(() => ElfFile.parse(patched(52, 52)), /e_ehsize 52, want 64/);
  });

  it("rejects bad header tables", () => {
    const good = object("little");
    const copy = () => good.slice();
    expectELFError(() => ElfFile.parse(setU16(copy(), 58, 40)), /e_shentsize 0x28, want 0x40/);
    expectELFError(() => ElfFile.parse(setU16(copy(), 60, 0x4000)), /section header table \(16384 entries at 0x[0-9a-f]+\)/);
    expectELFError(() => ElfFile.parse(setU16(copy(), 62, 9)), /section name table index 9 out of range \(8 sections\)/);
    expectELFError(() => ElfFile.parse(setU16(copy(), 62, 1)), /section 1 \(section name table\): type 0x1, want SHT_STRTAB/);
    expectELFError(() => ElfFile.parse(setU16(copy(), 56, 1)), /e_phnum 1 but e_phoff is 0/);
    const huge = copy();
    new DataView(huge.buffer).setBigUint64(40, 0xffff_ffff_ffff_0000n, true);
    expectELFError(() => ElfFile.parse(huge), /ELF header: e_shoff: value 0xffffffffffff0000 too large/);
    const far = copy();
    new DataView(far.buffer).setBigUint64(40, 0x10_0000n, true);
    expectELFError(() => ElfFile.parse(far), /section header 0: offset 0x100000 \+ size 0x40 beyond end of file/);
  });

  it("rejects sections outside the file and bad names", () => {
    expectELFError(
      () => ElfFile.parse(object("little", { 1: { size: 0x10000 } })),
      /section 1 \("\.text"\): offset 0x[0-9a-f]+ \+ size 0x10000 beyond end of file/,
    );
    const bytes = object("big");
    const dv = new DataView(bytes.buffer);
    const shoff = Number(dv.getBigUint64(40, false));
    dv.setUint32(shoff + 2 * 64, 0x7777, false); // section 2's sh_name
    expectELFError(() => ElfFile.parse(bytes), /section 2: name offset 0x7777 beyond end of section 7 \(section name table\)/);
    const unterminated = object("little");
    const udv = new DataView(unterminated.buffer);
    const ushoff = Number(udv.getBigUint64(40, true));
    const size = udv.getBigUint64(ushoff + 7 * 64 + 32, true);
    udv.setBigUint64(ushoff + 7 * 64 + 32, size - 1n, true); // drop .shstrtab's final NUL
    expectELFError(
      () => ElfFile.parse(unterminated),
      /section 7: name at offset 0x[0-9a-f]+ in section 7 \(section name table\) is not NUL-terminated/,
    );
  });

  it("rejects bad symbol tables", () => {
    expectELFError(
      () => ElfFile.parse(object("little", { 3: { entsize: 16 } })).symbols,
      /section 3 \("\.symtab"\): symbol table entsize 0x10, want 0x18/,
    );
    expectELFError(
      () => ElfFile.parse(object("little", { 3: { link: 1 } })).symbols,
      /section 3 \("\.symtab"\): sh_link 1 is not a string table/,
    );
    expectELFError(
      () => ElfFile.parse(object("little", { 3: { link: 99 } })).symbols,
      /section 3 \("\.symtab"\): sh_link 99 is not a string table \(8 sections\)/,
    );
    const badName = symbols("little", [[0x40, 0, 0, 0, 0n, 0n]]);
    expectELFError(
      () => ElfFile.parse(object("little", { 3: { data: badName } })).symbols,
      /section 3 \("\.symtab"\): symbol 0: name offset 0x40 beyond end of section 2 \("\.strtab"\) \(0xe bytes\)/,
    );
    const noNul = new TextEncoder().encode("\0main");
    expectELFError(
      () => ElfFile.parse(object("little", { 2: { data: noNul } })).symbols,
      /symbol 1: name at offset 0x1 in section 2 \("\.strtab"\) is not NUL-terminated/,
    );
    const badShndx = symbols("little", [[0, 0, 0, 0x1234, 0n, 0n]]);
    expectELFError(
      () => ElfFile.parse(object("little", { 3: { data: badShndx } })).symbols,
      /symbol 0: section index 4660 out of range \(8 sections\)/,
    );
    const ragged = new Uint8Array(30);
    expectELFError(
      () => ElfFile.parse(object("little", { 3: { data: ragged } })).symbols,
      /symbol table size 0x1e is not a multiple of 24/,
    );
  });

  it("rejects bad relocation sections", () => {
    const rel = (patch: Partial<SectionSpec>, name = ".rel.text") => {
      const f = ElfFile.parse(object("little", { 4: patch }));
      return () => f.relocations(f.section(name)!);
    };
    expectELFError(rel({ entsize: 24 }), /section 4 \("\.rel\.text"\): relocation entsize 0x18, want 0x10/);
    expectELFError(rel({ info: 42 }), /section 4 \("\.rel\.text"\): target section 42 out of range \(8 sections\)/);
    expectELFError(rel({ link: 42 }), /section 4 \("\.rel\.text"\): symbol table 42 out of range/);
    expectELFError(rel({ link: 1 }), /section 1 \("\.text"\): type 0x1 is not a symbol table/);
    expectELFError(rel({ data: new Uint8Array(20) }), /size 0x14 is not a multiple of 16/);
    expectELFError(
      rel({ data: relocs("little", false, [[0n, 0, 1], [8n, 3, 1]]) }),
      /section 4 \("\.rel\.text"\): relocation 1 at 0x[0-9a-f]+: symbol index 3 out of range \(3 symbols\)/,
    );
    expectELFError(rel({ link: 0 }), /relocation 0 at 0x[0-9a-f]+: symbol index 1 out of range \(0 symbols\)/);
    const f = ElfFile.parse(object("little"));
    expectELFError(() => f.relocations(f.section(".text")!), /section 1 \("\.text"\): type 0x1 is not SHT_REL or SHT_RELA/);
    const other = ElfFile.parse(object("little"));
    expect(() => f.relocations(other.section(".rel.text")!)).toThrow(ArgumentError);
  });
});

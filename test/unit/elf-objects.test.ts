import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ElfFile,
  EM_BPF,
  ET_REL,
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_64_ABS32,
  R_BPF_64_NODYLD32,
  SHN_UNDEF,
  SHT_LLVM_ADDRSIG,
  SHT_NOBITS,
  SHT_NULL,
  SHT_PROGBITS,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  SHT_SYMTAB,
  STB_GLOBAL,
  STB_LOCAL,
  STT_FUNC,
  STT_NOTYPE,
  STT_OBJECT,
  STT_SECTION,
  STV_DEFAULT,
} from "../../src/elf/index.js";

const testdata = join(import.meta.dirname, "../../../shared/peer-testdata/cilium-ebpf/testdata");
const haveTestdata = existsSync(testdata);
const skipReason = `peer test data absent: ${testdata}`;

// Hard-coded from `llvm-readelf -S loader-clang-22-el.elf` (identical for -eb.elf):
// name, type, flags, offset, size, entsize, link, info, addralign.
const SECTIONS: [string, number, number, number, number, number, number, number, number][] = [
  ["", SHT_NULL, 0x0, 0x000000, 0x000000, 0x00, 0, 0, 0],
  [".strtab", SHT_STRTAB, 0x0, 0x00222b, 0x0001e8, 0x00, 0, 0, 1],
  [".text", SHT_PROGBITS, 0x6, 0x000040, 0x000078, 0x00, 0, 0, 8],
  [".rel.text", SHT_REL, 0x40, 0x001bd0, 0x000030, 0x10, 29, 2, 8],
  ["static", SHT_PROGBITS, 0x6, 0x0000b8, 0x000018, 0x00, 0, 0, 8],
  ["other", SHT_PROGBITS, 0x6, 0x0000d0, 0x000018, 0x00, 0, 0, 8],
  ["xdp", SHT_PROGBITS, 0x6, 0x0000e8, 0x000100, 0x00, 0, 0, 8],
  [".relxdp", SHT_REL, 0x40, 0x001c00, 0x0000b0, 0x10, 29, 6, 8],
  ["socket", SHT_PROGBITS, 0x6, 0x0001e8, 0x000010, 0x00, 0, 0, 8],
  ["socket/2", SHT_PROGBITS, 0x6, 0x0001f8, 0x000018, 0x00, 0, 0, 8],
  [".relsocket/2", SHT_REL, 0x40, 0x001cb0, 0x000010, 0x10, 29, 9, 8],
  ["socket/3", SHT_PROGBITS, 0x6, 0x000210, 0x0000f0, 0x00, 0, 0, 8],
  [".relsocket/3", SHT_REL, 0x40, 0x001cc0, 0x000040, 0x10, 29, 11, 8],
  ["socket/4", SHT_PROGBITS, 0x6, 0x000300, 0x000088, 0x00, 0, 0, 8],
  [".relsocket/4", SHT_REL, 0x40, 0x001d00, 0x000010, 0x10, 29, 13, 8],
  ["license", SHT_PROGBITS, 0x3, 0x000388, 0x000004, 0x00, 0, 0, 1],
  ["maps", SHT_PROGBITS, 0x3, 0x00038c, 0x000014, 0x00, 0, 0, 4],
  [".bss", SHT_NOBITS, 0x3, 0x0003a0, 0x000004, 0x00, 0, 0, 4],
  [".data", SHT_PROGBITS, 0x3, 0x0003a0, 0x000004, 0x00, 0, 0, 4],
  [".rodata", SHT_PROGBITS, 0x2, 0x0003a4, 0x000018, 0x00, 0, 0, 4],
  [".rodata.test", SHT_PROGBITS, 0x2, 0x0003bc, 0x000004, 0x00, 0, 0, 4],
  [".maps", SHT_PROGBITS, 0x3, 0x0003c0, 0x0000f8, 0x00, 0, 0, 8],
  [".data.test", SHT_PROGBITS, 0x3, 0x0004b8, 0x000004, 0x00, 0, 0, 4],
  [".rodata.cst32", SHT_PROGBITS, 0x12, 0x0004c0, 0x000020, 0x20, 0, 0, 8],
  [".BTF", SHT_PROGBITS, 0x0, 0x0004e0, 0x000ef1, 0x00, 0, 0, 4],
  [".rel.BTF", SHT_REL, 0x40, 0x001d10, 0x000140, 0x10, 29, 24, 8],
  [".BTF.ext", SHT_PROGBITS, 0x0, 0x0013d4, 0x000420, 0x00, 0, 0, 4],
  [".rel.BTF.ext", SHT_REL, 0x40, 0x001e50, 0x0003c0, 0x10, 29, 26, 8],
  [".llvm_addrsig", SHT_LLVM_ADDRSIG, 0x80000000, 0x002210, 0x00001b, 0x00, 0, 0, 1],
  [".symtab", SHT_SYMTAB, 0x0, 0x0017f8, 0x0003d8, 0x18, 1, 14, 8],
];

// From `llvm-readelf -s` (identical for both byte orders): name, value, size, type, bind, shndx.
// readelf shows section symbols under their section's name; their own st_name is 0 ("").
const SYMBOLS: [string, bigint, bigint, number, number, number][] = [
  ["", 0x0n, 0n, STT_NOTYPE, STB_LOCAL, SHN_UNDEF],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 2],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 4],
  ["static_fn", 0x0n, 24n, STT_FUNC, STB_LOCAL, 4],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 5],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 6],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 8],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 9],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 11],
  ["static_uneg", 0x10n, 4n, STT_OBJECT, STB_LOCAL, 19],
  ["static_neg", 0x14n, 4n, STT_OBJECT, STB_LOCAL, 19],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 13],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 19],
  ["", 0x0n, 0n, STT_SECTION, STB_LOCAL, 23],
  ["global_fn2", 0x0n, 24n, STT_FUNC, STB_GLOBAL, 2],
  ["global_fn3", 0x0n, 24n, STT_FUNC, STB_GLOBAL, 5],
  ["global_fn", 0x18n, 96n, STT_FUNC, STB_GLOBAL, 2],
  ["xdp_prog", 0x0n, 256n, STT_FUNC, STB_GLOBAL, 6],
  ["hash_map", 0x0n, 40n, STT_OBJECT, STB_GLOBAL, 21],
  ["key1", 0x0n, 4n, STT_OBJECT, STB_GLOBAL, 17],
  ["hash_map2", 0x28n, 32n, STT_OBJECT, STB_GLOBAL, 21],
  ["key2", 0x0n, 4n, STT_OBJECT, STB_GLOBAL, 18],
  ["key3", 0x0n, 4n, STT_OBJECT, STB_GLOBAL, 19],
  ["arg", 0x4n, 4n, STT_OBJECT, STB_GLOBAL, 19],
  ["arg2", 0x0n, 4n, STT_OBJECT, STB_GLOBAL, 20],
  ["arg3", 0x0n, 4n, STT_OBJECT, STB_GLOBAL, 22],
  ["no_relocation", 0x0n, 16n, STT_FUNC, STB_GLOBAL, 8],
  ["asm_relocation", 0x0n, 24n, STT_FUNC, STB_GLOBAL, 9],
  ["MY_CONST", 0x0n, 0n, STT_NOTYPE, STB_GLOBAL, SHN_UNDEF],
  ["data_sections", 0x0n, 240n, STT_FUNC, STB_GLOBAL, 11],
  ["uneg", 0x8n, 4n, STT_OBJECT, STB_GLOBAL, 19],
  ["neg", 0xcn, 4n, STT_OBJECT, STB_GLOBAL, 19],
  ["anon_const", 0x0n, 136n, STT_FUNC, STB_GLOBAL, 13],
  ["__license", 0x0n, 4n, STT_OBJECT, STB_GLOBAL, 15],
  ["bpf_decl_map", 0x0n, 20n, STT_OBJECT, STB_GLOBAL, 16],
  ["btf_pin", 0x48n, 40n, STT_OBJECT, STB_GLOBAL, 21],
  ["btf_outer_map", 0x70n, 24n, STT_OBJECT, STB_GLOBAL, 21],
  ["btf_outer_map_anon", 0x88n, 24n, STT_OBJECT, STB_GLOBAL, 21],
  ["perf_event_array", 0xa0n, 24n, STT_OBJECT, STB_GLOBAL, 21],
  ["btf_typedef_map", 0xb8n, 32n, STT_OBJECT, STB_GLOBAL, 21],
  ["btf_decl_map", 0xd8n, 32n, STT_OBJECT, STB_GLOBAL, 21],
];

// From `llvm-readelf -r`, section '.relxdp': offset, symbol index (Info >> 32), type.
const RELXDP: [bigint, number, number][] = [
  [0x00n, 0x12, R_BPF_64_64],
  [0x10n, 0x13, R_BPF_64_64],
  [0x28n, 0x14, R_BPF_64_64],
  [0x38n, 0x15, R_BPF_64_64],
  [0x50n, 0x14, R_BPF_64_64],
  [0x60n, 0x16, R_BPF_64_64],
  [0x78n, 0x17, R_BPF_64_64],
  [0x90n, 0x02, R_BPF_64_32],
  [0xa8n, 0x10, R_BPF_64_32],
  [0xb8n, 0x18, R_BPF_64_64],
  [0xd8n, 0x19, R_BPF_64_64],
];

function load(name: string): ElfFile {
  return ElfFile.parse(new Uint8Array(readFileSync(join(testdata, name))));
}

const title = "cilium/ebpf test data";
describe.skipIf(!haveTestdata)(haveTestdata ? title : `${title}: ${skipReason}`, () => {
  describe("loader-clang-22", () => {
    for (const [suffix, order] of [
      ["el", "little"],
      ["eb", "big"],
    ] as const) {
      describe(`${suffix}: ${order} endian`, () => {
        // Loaded in beforeAll, which does not run when the suite is skipped for absent test data.
        let f: ElfFile;
        beforeAll(() => {
          f = load(`loader-clang-22-${suffix}.elf`);
        });

        it("has the header of a BPF relocatable object", () => {
          expect(f.byteOrder).toBe(order);
          expect(f.machine).toBe(EM_BPF);
          expect(f.type).toBe(ET_REL);
          expect(f.entry).toBe(0n);
          expect(f.programHeaders).toEqual([]);
        });

        it("has the sections llvm-readelf lists", () => {
          const got = f.sections.map((s) => [
            s.name,
            s.type,
            s.flags,
            s.offset,
            s.size,
            s.entsize,
            s.link,
            s.info,
            s.addralign,
          ]);
          expect(got).toEqual(SECTIONS);
          f.sections.forEach((s, i) => {
            expect(s.index).toBe(i);
            expect(s.addr).toBe(0n);
          });
        });

        it("finds sections by name and views their bytes", () => {
          expect(f.section("xdp")?.index).toBe(6);
          expect(f.section("nope")).toBeUndefined();
          expect(Array.from(f.section("license")!.data())).toEqual([0x4d, 0x49, 0x54, 0x00]); // "MIT\0"
          const xdp = f.section("xdp")!;
          expect(xdp.data().length).toBe(0x100);
          const bytes = new Uint8Array(readFileSync(join(testdata, `loader-clang-22-${suffix}.elf`)));
          const view = ElfFile.parse(bytes).section("xdp")!.data();
          expect(view.buffer).toBe(bytes.buffer); // a view, not a copy
          expect(view.byteOffset).toBe(bytes.byteOffset + 0xe8);
          const bss = f.section(".bss")!;
          expect(bss.size).toBe(4);
          expect(bss.data().length).toBe(0);
          // .rodata holds the u32s 2, 1, -1, -2, -3, -4 in the file's byte order.
          const rodata = f.section(".rodata")!.data();
          const dv = new DataView(rodata.buffer, rodata.byteOffset, rodata.byteLength);
          const le = order === "little";
          expect([0, 4, 8, 12, 16, 20].map((o) => dv.getInt32(o, le))).toEqual([2, 1, -1, -2, -3, -4]);
        });

        it("has the symbols llvm-readelf lists", () => {
          const got = f.symbols.map((s) => [s.name, s.value, s.size, s.type, s.bind, s.sectionIndex]);
          expect(got).toEqual(SYMBOLS);
          for (const s of f.symbols) {
            expect(s.visibility).toBe(STV_DEFAULT);
            expect(s.info).toBe((s.bind << 4) | s.type);
          }
          expect(f.symbols.map((s) => s.index)).toEqual(SYMBOLS.map((_, i) => i));
          expect(f.dynamicSymbols).toEqual([]);
        });

        it("has the relocations llvm-readelf lists", () => {
          const relxdp = f.relocations(f.section(".relxdp")!);
          expect(relxdp.map((r) => [r.offset, r.symbolIndex, r.type])).toEqual(RELXDP);
          for (const r of relxdp) expect(r.addend).toBeUndefined();
          expect(relxdp.map((r) => f.symbols[r.symbolIndex]!.name)).toEqual([
            "hash_map",
            "key1",
            "hash_map2",
            "key2",
            "hash_map2",
            "key3",
            "arg",
            "",
            "global_fn",
            "arg2",
            "arg3",
          ]);
          expect(f.relocations(f.section(".rel.text")!).map((r) => [r.offset, r.symbolIndex, r.type])).toEqual([
            [0x20n, 0x02, R_BPF_64_32],
            [0x38n, 0x0e, R_BPF_64_32],
            [0x58n, 0x0f, R_BPF_64_32],
          ]);
          const btf = f.relocations(f.section(".rel.BTF")!);
          expect(btf.length).toBe(20);
          expect([btf[0], btf[11], btf[19]].map((r) => [r!.offset, r!.symbolIndex, r!.type])).toEqual([
            [0x794n, 0x13, R_BPF_64_NODYLD32],
            [0x848n, 0x16, R_BPF_64_ABS32],
            [0x8ccn, 0x22, R_BPF_64_NODYLD32],
          ]);
          expect(f.relocations(f.section(".rel.BTF.ext")!).length).toBe(60);
        });
      });
    }

  });

  it("reads every object of both byte orders the same way", () => {
    const names = readdirSync(testdata).filter((n) => n.endsWith("-el.elf"));
    expect(names.length).toBeGreaterThan(10);
    for (const el of names) {
      const little = load(el);
      const big = load(el.replace(/-el\.elf$/, "-eb.elf"));
      expect(little.byteOrder).toBe("little");
      expect(big.byteOrder).toBe("big");
      const shape = (f: ElfFile) => ({
        sections: f.sections.map((s) => [s.name, s.type, s.flags, s.size, s.link, s.info, s.entsize]),
        symbols: f.symbols.map((s) => [s.name, s.value, s.size, s.info, s.other, s.sectionIndex]),
        relocations: f.sections
          .filter((s) => s.type === SHT_REL || s.type === SHT_RELA)
          .map((s) => f.relocations(s).map((r) => [r.offset, r.symbolIndex, r.type])),
      });
      expect(shape(big), el).toEqual(shape(little));
    }
  });
});

describe("our committed objects (bpf/*.o)", () => {
  const dir = join(import.meta.dirname, "../../bpf");
  const objects = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".o")) : [];

  it.skipIf(objects.length === 0)("parse with every relocation resolving to a symbol", () => {
    for (const name of objects) {
      const f = ElfFile.parse(new Uint8Array(readFileSync(join(dir, name))));
      expect([f.machine, f.type], name).toEqual([EM_BPF, ET_REL]);
      expect(f.symbols.length, name).toBeGreaterThan(0);
      for (const s of f.sections.filter((s) => s.type === SHT_REL)) {
        expect(s.info, `${name} ${s.name}`).toBeLessThan(f.sections.length);
        for (const r of f.relocations(s)) expect(f.symbols[r.symbolIndex], `${name} ${s.name}`).toBeDefined();
      }
    }
  });
});

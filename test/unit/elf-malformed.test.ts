import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ELFError } from "../../src/errors.js";
import { ElfFile, SHT_NOBITS, SHT_NULL, SHT_REL, SHT_RELA } from "../../src/elf/index.js";

// Every corruption must either parse (and then read consistently) or throw an ELFError: never a
// RangeError / TypeError from a DataView, a silently truncated view, a hang or a huge allocation.

const testdata = join(import.meta.dirname, "../../../shared/peer-testdata/cilium-ebpf/testdata");
const haveTestdata = existsSync(testdata);
const LIBC = "/lib/x86_64-linux-gnu/libc.so.6";

/** Runs one step; returns a description of any failure other than an ELFError. */
function step(what: string, fn: () => void, bad: string[]): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (!(e instanceof ELFError)) bad.push(`${what}: ${(e as Error).name}: ${(e as Error).message}`);
    return false;
  }
}

/** Parses `bytes` and reads everything the API offers, each part on its own. */
function exercise(bytes: Uint8Array, label: string, bad: string[]): void {
  let f: ElfFile | undefined;
  if (!step(`${label} parse`, () => (f = ElfFile.parse(bytes)), bad) || f === undefined) return;
  const file = f;
  for (const s of file.sections) {
    const data = s.data();
    const expected = s.type === SHT_NOBITS || s.type === SHT_NULL ? 0 : s.size;
    if (data.length !== expected) bad.push(`${label} section ${s.index}: data() ${data.length} bytes, size ${s.size}`);
    if (file.section(s.name) === undefined) bad.push(`${label}: section(${JSON.stringify(s.name)}) missing`);
  }
  step(`${label} symbols`, () => file.symbols.forEach((s) => file.fileOffset(s.value)), bad);
  step(`${label} dynamicSymbols`, () => file.dynamicSymbols.forEach((s) => file.fileOffset(s.value)), bad);
  for (const s of file.sections) {
    if (s.type === SHT_REL || s.type === SHT_RELA) step(`${label} relocations(${s.index})`, () => file.relocations(s), bad);
  }
  for (const ph of file.programHeaders) step(`${label} phdr ${ph.index}`, () => ph.data(), bad);
}

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Layout {
  le: boolean;
  shoff: number;
  shnum: number;
  phoff: number;
  phnum: number;
}

function layout(bytes: Uint8Array): Layout {
  const le = bytes[5] === 1;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    le,
    phoff: Number(dv.getBigUint64(32, le)),
    shoff: Number(dv.getBigUint64(40, le)),
    phnum: dv.getUint16(56, le),
    shnum: dv.getUint16(60, le),
  };
}

/** Ranges worth flipping every bit of: the file header and the section and program header tables. */
function headerRanges(bytes: Uint8Array): [number, number][] {
  const l = layout(bytes);
  const out: [number, number][] = [[0, 64]];
  if (l.shoff > 0) out.push([l.shoff, l.shoff + l.shnum * 64]);
  if (l.phnum > 0) out.push([l.phoff, l.phoff + l.phnum * 56]);
  return out;
}

const INTERESTING_64 = [
  0n,
  1n,
  0x18n,
  0xffn,
  0xffffn,
  0x7fff_ffffn,
  0xffff_ffffn,
  0x1_0000_0000n,
  (1n << 53n) - 1n,
  1n << 53n,
  0x7fff_ffff_ffff_ffffn,
  0xffff_ffff_ffff_ffffn,
];

function mutate(name: string, original: Uint8Array, options: { allTruncations: boolean; randomRounds: number }) {
  const bad: string[] = [];
  const len = original.length;

  // Truncations: every length in the headers' neighbourhood, then a stride through the rest.
  const stride = options.allTruncations ? 1 : Math.max(1, Math.floor(len / 2000));
  for (let n = 0; n < len; n += n < 256 ? 1 : stride) exercise(original.subarray(0, n), `${name} truncated to ${n}`, bad);
  const l = layout(original);
  for (let n = l.shoff - 8; n < len; n++) if (n >= 0) exercise(original.subarray(0, n), `${name} truncated to ${n}`, bad);

  // Single bit flips in every header byte.
  const work = original.slice();
  for (const [start, end] of headerRanges(original)) {
    for (let i = start; i < end && i < len; i++) {
      for (let bit = 0; bit < 8; bit++) {
        work[i]! ^= 1 << bit;
        exercise(work, `${name} flip byte ${i} bit ${bit}`, bad);
        work[i]! ^= 1 << bit;
      }
    }
  }

  // Every 32- and 64-bit field of every section header set to boundary values.
  const dv = new DataView(work.buffer, work.byteOffset, work.byteLength);
  for (let s = 0; s < l.shnum; s++) {
    const h = l.shoff + s * 64;
    for (const field of [0, 4, 40, 44]) {
      const saved = dv.getUint32(h + field, l.le);
      for (const v of [0, 1, 2, 3, 0xff, 0xffff, 0xff00, 0xfff1, 0x7fff_ffff, 0xffff_ffff, len, len - 1]) {
        dv.setUint32(h + field, v >>> 0, l.le);
        exercise(work, `${name} section ${s} u32@${field}=${v}`, bad);
      }
      dv.setUint32(h + field, saved, l.le);
    }
    for (const field of [8, 16, 24, 32, 48, 56]) {
      const saved = dv.getBigUint64(h + field, l.le);
      for (const v of [...INTERESTING_64, BigInt(len), BigInt(len - 1), BigInt(len + 1)]) {
        dv.setBigUint64(h + field, v, l.le);
        exercise(work, `${name} section ${s} u64@${field}=${v}`, bad);
      }
      dv.setBigUint64(h + field, saved, l.le);
    }
  }

  // Random byte stomps anywhere (symbol entries, string tables, relocations), a few at a time.
  const rand = rng(0x5eed ^ len);
  for (let round = 0; round < options.randomRounds; round++) {
    const copy = original.slice();
    const n = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < n; k++) copy[Math.floor(rand() * len)] = Math.floor(rand() * 256);
    exercise(copy, `${name} random round ${round}`, bad);
  }
  expect(bad.slice(0, 20)).toEqual([]);
}

/** A small object with every kind of section the reader interprets, built by hand. */
function smallObject(le: boolean): Uint8Array {
  // Layout: header | .text (16) | .strtab | .symtab (3 syms) | .rel.text (1) | .rela.text (1) | .shstrtab | shdrs
  const shstr = "\0.text\0.strtab\0.symtab\0.rel.text\0.rela.text\0.bss\0.shstrtab\0";
  const str = "\0f\0g\0";
  const parts: { name: number; type: number; data: Uint8Array; link?: number; info?: number; entsize?: number }[] = [];
  const enc = new TextEncoder();
  const name = (n: string) => shstr.indexOf(`\0${n}\0`) + 1;
  const sym = new Uint8Array(72);
  const sdv = new DataView(sym.buffer);
  sdv.setUint32(24, 1, le);
  sym[28] = 0x12;
  sdv.setUint16(30, 1, le);
  sdv.setBigUint64(32, 16n, le);
  sdv.setUint32(48, 3, le);
  sym[52] = 0x11;
  sdv.setUint16(54, 0xfff1, le); // SHN_ABS
  const rel = new Uint8Array(16);
  new DataView(rel.buffer).setBigUint64(8, (1n << 32n) | 10n, le);
  const rela = new Uint8Array(24);
  new DataView(rela.buffer).setBigUint64(8, (2n << 32n) | 1n, le);
  new DataView(rela.buffer).setBigInt64(16, -4n, le);
  parts.push({ name: name(".text"), type: 1, data: new Uint8Array(16) });
  parts.push({ name: name(".strtab"), type: 3, data: enc.encode(str) });
  parts.push({ name: name(".symtab"), type: 2, data: sym, link: 2, info: 1, entsize: 24 });
  parts.push({ name: name(".rel.text"), type: 9, data: rel, link: 3, info: 1, entsize: 16 });
  parts.push({ name: name(".rela.text"), type: 4, data: rela, link: 3, info: 1, entsize: 24 });
  parts.push({ name: name(".bss"), type: 8, data: new Uint8Array(0) });
  parts.push({ name: name(".shstrtab"), type: 3, data: enc.encode(shstr) });
  let at = 64 + 56;
  const offs = parts.map((p) => {
    const o = at;
    at += p.data.length;
    return o;
  });
  const shoff = (at + 7) & ~7;
  const out = new Uint8Array(shoff + (parts.length + 1) * 64);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, le ? 1 : 2, 1]);
  dv.setUint16(16, 3, le);
  dv.setUint16(18, 247, le);
  dv.setUint32(20, 1, le);
  dv.setBigUint64(32, 64n, le);
  dv.setBigUint64(40, BigInt(shoff), le);
  dv.setUint16(52, 64, le);
  dv.setUint16(54, 56, le);
  dv.setUint16(56, 1, le);
  dv.setUint16(58, 64, le);
  dv.setUint16(60, parts.length + 1, le);
  dv.setUint16(62, parts.length, le);
  dv.setUint32(64, 1, le); // PT_LOAD of the whole file
  dv.setBigUint64(64 + 32, BigInt(out.length), le);
  dv.setBigUint64(64 + 40, BigInt(out.length), le);
  parts.forEach((p, i) => {
    out.set(p.data, offs[i]!);
    const h = shoff + (i + 1) * 64;
    dv.setUint32(h, p.name, le);
    dv.setUint32(h + 4, p.type, le);
    dv.setBigUint64(h + 24, BigInt(offs[i]!), le);
    dv.setBigUint64(h + 32, BigInt(p.type === 8 ? 64 : p.data.length), le);
    dv.setUint32(h + 40, p.link ?? 0, le);
    dv.setUint32(h + 44, p.info ?? 0, le);
    dv.setBigUint64(h + 56, BigInt(p.entsize ?? 0), le);
  });
  return out;
}

describe("malformed input only ever raises ELFError", () => {
  it("the hand-built object is valid in both byte orders", () => {
    for (const le of [true, false]) {
      const f = ElfFile.parse(smallObject(le));
      expect(f.sections.map((s) => s.name)).toEqual([
        "",
        ".text",
        ".strtab",
        ".symtab",
        ".rel.text",
        ".rela.text",
        ".bss",
        ".shstrtab",
      ]);
      expect(f.symbols.map((s) => [s.name, s.value])).toEqual([
        ["", 0n],
        ["f", 16n],
        ["g", 0n],
      ]);
      expect(f.relocations(f.sections[5]!)).toEqual([{ offset: 0n, symbolIndex: 2, type: 1, addend: -4n }]);
      expect(f.relocations(f.sections[4]!)).toEqual([{ offset: 0n, symbolIndex: 1, type: 10 }]);
      expect(f.programHeaders[0]!.data().length).toBe(smallObject(le).length);
    }
  });

  for (const le of [true, false]) {
    it(`mutations of a hand-built object (${le ? "little" : "big"} endian)`, () => {
      mutate(`small-${le ? "el" : "eb"}`, smallObject(le), { allTruncations: true, randomRounds: 3000 });
    });
  }

  for (const suffix of ["el", "eb"]) {
    const title = `mutations of loader-clang-22-${suffix}.elf`;
    it.skipIf(!haveTestdata)(haveTestdata ? title : `${title}: peer test data absent at ${testdata}`, () => {
      const bytes = new Uint8Array(readFileSync(join(testdata, `loader-clang-22-${suffix}.elf`)));
      mutate(`loader-${suffix}`, bytes, { allTruncations: false, randomRounds: 1000 });
    });
  }

  const libcTitle = `truncations and header flips of ${LIBC}`;
  it.skipIf(!existsSync(LIBC))(existsSync(LIBC) ? libcTitle : `${libcTitle}: file absent`, () => {
    const original = new Uint8Array(readFileSync(LIBC));
    const bad: string[] = [];
    const l = layout(original);
    for (const n of [0, 4, 63, 64, 100, 0x350, 0x8a50 + 100, 0x1a7b0 + 10, l.shoff, l.shoff + 100, original.length - 1]) {
      exercise(original.subarray(0, n), `libc truncated to ${n}`, bad);
    }
    const work = original.slice();
    const rand = rng(7);
    for (let round = 0; round < 300; round++) {
      const [start, end] = rand() < 0.5 ? [0, 64 + l.phnum * 56] : [l.shoff, l.shoff + l.shnum * 64];
      const i = start + Math.floor(rand() * (end - start));
      const bit = 1 << Math.floor(rand() * 8);
      work[i]! ^= bit;
      exercise(work, `libc flip byte ${i} bit ${bit}`, bad);
      work[i]! ^= bit;
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });
});

/**
 * Mutators for the loader fuzz test: a seeded PRNG and structure-aware corruptions of BPF
 * objects. The fields to corrupt are found by parsing the pristine object with `ElfFile`, so a
 * mutation hits a real section header, symbol, relocation or BTF header field.
 *
 * @module
 */
import { ElfFile, SHF_EXECINSTR, SHT_REL, SHT_SYMTAB } from "../../src/elf/index.js";

/** A deterministic PRNG (mulberry32): the same seed gives the same stream. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** The seed of input `iteration` of a run: independent of how many inputs ran before it. */
export function inputSeed(runSeed: number, iteration: number): number {
  let h = (runSeed ^ Math.imul(iteration + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One integer field of the file: where it is, how wide, and what it means. */
export interface Field {
  readonly name: string;
  readonly offset: number;
  readonly width: 1 | 2 | 4 | 8;
  /** What a good replacement looks like: another type's id, or a BTF kind. Else any number. */
  readonly holds?: "type id" | "kind";
}

/** Everything a mutator may aim at in one pristine object. */
export interface Targets {
  readonly le: boolean;
  readonly length: number;
  readonly elfHeader: Field[];
  readonly sectionHeaders: Field[];
  readonly symbols: Field[];
  readonly relocations: Field[];
  readonly btfHeader: Field[];
  /** Aligned words of the .BTF type section. */
  readonly btfTypes: Field[];
  /** Kinds, counts and type references of .BTF records, to rewire the type graph. */
  readonly btfGraph: Field[];
  /** Number of BTF types, for picking type ids that exist. */
  readonly btfTypeCount: number;
  readonly btfExt: Field[];
  /** Instruction fields of executable sections. */
  readonly instructions: Field[];
  /** Section start and end offsets, where truncation is most interesting. */
  readonly boundaries: number[];
}

const ELF_HEADER: [string, number, 1 | 2 | 4 | 8][] = [
  ["e_ident[EI_MAG0]", 0, 1],
  ["e_ident[EI_MAG3]", 3, 1],
  ["e_ident[EI_CLASS]", 4, 1],
  ["e_ident[EI_DATA]", 5, 1],
  ["e_ident[EI_VERSION]", 6, 1],
  ["e_ident[EI_OSABI]", 7, 1],
  ["e_type", 16, 2],
  ["e_machine", 18, 2],
  ["e_version", 20, 4],
  ["e_entry", 24, 8],
  ["e_phoff", 32, 8],
  ["e_shoff", 40, 8],
  ["e_flags", 48, 4],
  ["e_ehsize", 52, 2],
  ["e_phentsize", 54, 2],
  ["e_phnum", 56, 2],
  ["e_shentsize", 58, 2],
  ["e_shnum", 60, 2],
  ["e_shstrndx", 62, 2],
];

const SECTION_HEADER: [string, number, 4 | 8][] = [
  ["sh_name", 0, 4],
  ["sh_type", 4, 4],
  ["sh_flags", 8, 8],
  ["sh_offset", 24, 8],
  ["sh_size", 32, 8],
  ["sh_link", 40, 4],
  ["sh_info", 44, 4],
  ["sh_addralign", 48, 8],
  ["sh_entsize", 56, 8],
];

const SYMBOL: [string, number, 1 | 2 | 4 | 8][] = [
  ["st_name", 0, 4],
  ["st_info", 4, 1],
  ["st_shndx", 6, 2],
  ["st_value", 8, 8],
  ["st_size", 16, 8],
];

/** Finds the fields worth corrupting in a pristine object (which must parse as ELF). */
export function findTargets(bytes: Uint8Array): Targets {
  const file = ElfFile.parse(bytes);
  const le = file.byteOrder === "little";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(view.getBigUint64(40, le));
  const t: Targets = {
    le,
    length: bytes.length,
    elfHeader: ELF_HEADER.map(([name, offset, width]) => ({ name, offset, width })),
    sectionHeaders: [],
    symbols: [],
    relocations: [],
    btfHeader: [],
    btfTypes: [],
    btfGraph: [],
    btfTypeCount: 0,
    btfExt: [],
    instructions: [],
    boundaries: [],
  };
  for (const s of file.sections) {
    const label = s.name === "" ? `section ${s.index}` : s.name;
    for (const [name, off, width] of SECTION_HEADER) {
      t.sectionHeaders.push({ name: `${label}.${name}`, offset: shoff + s.index * 64 + off, width });
    }
    t.boundaries.push(s.offset, s.offset + s.size);
    if (s.type === SHT_SYMTAB) {
      for (let i = 1; i < s.size / 24; i++) {
        for (const [name, off, width] of SYMBOL) {
          t.symbols.push({ name: `symbol ${i}.${name}`, offset: s.offset + i * 24 + off, width });
        }
      }
    }
    // The loader reads the relocations of code and of .maps only; those of .BTF and DWARF sections
    // are ignored, so corrupting them would say nothing.
    const target = file.sections[s.info];
    if (s.type === SHT_REL && target && ((target.flags & SHF_EXECINSTR) !== 0 || target.name === ".maps")) {
      for (let i = 0; i < s.size / 16; i++) {
        const at = s.offset + i * 16;
        t.relocations.push(
          { name: `${label}[${i}].r_offset`, offset: at, width: 8 },
          { name: `${label}[${i}].sym`, offset: at + (le ? 12 : 8), width: 4 },
          { name: `${label}[${i}].type`, offset: at + (le ? 8 : 12), width: 4 },
        );
      }
    }
    if ((s.flags & SHF_EXECINSTR) !== 0) {
      for (let i = 0; i + 8 <= s.size; i += 8) {
        const at = s.offset + i;
        t.instructions.push(
          { name: `${label} insn ${i / 8}.opcode`, offset: at, width: 1 },
          { name: `${label} insn ${i / 8}.regs`, offset: at + 1, width: 1 },
          { name: `${label} insn ${i / 8}.off`, offset: at + 2, width: 2 },
          { name: `${label} insn ${i / 8}.imm`, offset: at + 4, width: 4 },
        );
      }
    }
  }
  const btf = file.section(".BTF");
  if (btf && btf.size >= 24) {
    const at = btf.offset;
    const u32 = (o: number) => view.getUint32(at + o, le);
    t.btfHeader.push(
      { name: "BTF magic", offset: at, width: 2 },
      { name: "BTF version", offset: at + 2, width: 1 },
      { name: "BTF flags", offset: at + 3, width: 1 },
      { name: "BTF hdr_len", offset: at + 4, width: 4 },
      { name: "BTF type_off", offset: at + 8, width: 4 },
      { name: "BTF type_len", offset: at + 12, width: 4 },
      { name: "BTF str_off", offset: at + 16, width: 4 },
      { name: "BTF str_len", offset: at + 20, width: 4 },
    );
    const start = at + u32(4) + u32(8);
    for (let o = 0; o + 4 <= u32(12); o += 4) t.btfTypes.push({ name: `BTF type word ${o / 4}`, offset: start + o, width: 4 });
    (t as { btfTypeCount: number }).btfTypeCount = btfRecords(view, le, start, start + u32(12), t.btfGraph);
  }
  const ext = file.section(".BTF.ext");
  if (ext && ext.size >= 24) {
    const at = ext.offset;
    const u32 = (o: number) => view.getUint32(at + o, le);
    const hdrLen = u32(4);
    t.btfExt.push(
      { name: "BTF.ext magic", offset: at, width: 2 },
      { name: "BTF.ext version", offset: at + 2, width: 1 },
      { name: "BTF.ext hdr_len", offset: at + 4, width: 4 },
    );
    const parts: [string, number][] = [
      ["func_info", 8],
      ["line_info", 16],
    ];
    if (hdrLen >= 32) parts.push(["core_relo", 24]);
    for (const [part, field] of parts) {
      t.btfExt.push(
        { name: `BTF.ext ${part}_off`, offset: at + field, width: 4 },
        { name: `BTF.ext ${part}_len`, offset: at + field + 4, width: 4 },
      );
      const len = u32(field + 4);
      if (len < 4) continue;
      const start = at + hdrLen + u32(field);
      const end = start + len;
      const recSize = view.getUint32(start, le);
      t.btfExt.push({ name: `BTF.ext ${part} record size`, offset: start, width: 4 });
      // Each block: section name offset, record count, then the records.
      for (let p = start + 4, block = 0; p + 8 <= end && recSize > 0; block++) {
        const num = view.getUint32(p + 4, le);
        t.btfExt.push(
          { name: `BTF.ext ${part} block ${block} sec_name_off`, offset: p, width: 4 },
          { name: `BTF.ext ${part} block ${block} num_info`, offset: p + 4, width: 4 },
        );
        p += 8;
        for (let r = 0; r < num && p + recSize <= end; r++, p += recSize) {
          for (let w = 0; w < recSize; w += 4) {
            t.btfExt.push({ name: `BTF.ext ${part} block ${block} record ${r} word ${w / 4}`, offset: p + w, width: 4 });
          }
        }
      }
    }
  }
  return t;
}

/** Walks the .BTF type records in `[start, end)`, collecting their graph fields; returns the count. */
function btfRecords(view: DataView, le: boolean, start: number, end: number, out: Field[]): number {
  let id = 0;
  for (let off = start; off + 12 <= end; ) {
    id++;
    const info = view.getUint32(off + 4, le);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const ref = (name: string, at: number): Field => ({ name: `BTF type ${id} ${name}`, offset: at, width: 4, holds: "type id" });
    const num = (name: string, at: number): Field => ({ name: `BTF type ${id} ${name}`, offset: at, width: 4 });
    out.push(
      { name: `BTF type ${id} kind`, offset: off + (le ? 7 : 4), width: 1, holds: "kind" },
      { name: `BTF type ${id} vlen`, offset: off + (le ? 4 : 6), width: 2 },
    );
    const body = off + 12;
    let extra = 0;
    switch (kind) {
      case 1: // int
        extra = 4;
        out.push(num("size", off + 8), num("encoding", body));
        break;
      case 3: // array
        extra = 12;
        out.push(ref("elem type", body), ref("index type", body + 4), num("nelems", body + 8));
        break;
      case 4: // struct
      case 5: // union
        extra = 12 * vlen;
        out.push(num("size", off + 8));
        for (let i = 0; i < vlen; i++) out.push(ref(`member ${i} type`, body + i * 12 + 4), num(`member ${i} offset`, body + i * 12 + 8));
        break;
      case 6: // enum
        extra = 8 * vlen;
        out.push(num("size", off + 8));
        break;
      case 19: // enum64
        extra = 12 * vlen;
        out.push(num("size", off + 8));
        break;
      case 13: // func_proto
        extra = 8 * vlen;
        out.push(ref("return type", off + 8));
        for (let i = 0; i < vlen; i++) out.push(ref(`param ${i} type`, body + i * 8 + 4));
        break;
      case 14: // var
        extra = 4;
        out.push(ref("type", off + 8), num("linkage", body));
        break;
      case 15: // datasec
        extra = 12 * vlen;
        out.push(num("size", off + 8));
        for (let i = 0; i < vlen; i++) {
          const p = body + i * 12;
          out.push(ref(`var ${i} type`, p), num(`var ${i} offset`, p + 4), num(`var ${i} size`, p + 8));
        }
        break;
      case 17: // decl_tag
        extra = 4;
        out.push(ref("type", off + 8), num("component", body));
        break;
      case 16: // float
        out.push(num("size", off + 8));
        break;
      case 7: // fwd
        break;
      default: // pointer, typedef, qualifiers, func, type_tag
        out.push(ref("type", off + 8));
    }
    off = body + extra;
  }
  return id;
}

/** A value for a field of `width` bytes that used to hold `old`, biased to edge cases. */
function interestingValue(rng: Rng, width: number, old: bigint, fileLength: number): bigint {
  const bits = BigInt(width * 8);
  const mask = (1n << bits) - 1n;
  const choices: (() => bigint)[] = [
    () => 0n,
    () => 1n,
    () => mask,
    () => mask >> 1n,
    () => 1n << (bits - 1n),
    () => old + 1n,
    () => old - 1n,
    () => old + BigInt(rng.range(2, 64)),
    () => old - BigInt(rng.range(2, 64)),
    () => old * 2n,
    () => old ^ (1n << BigInt(rng.int(width * 8))),
    () => BigInt(fileLength + rng.range(-2, 2)),
    () => BigInt(rng.int(fileLength + 1)),
    () => BigInt(rng.range(2, 80)),
    () => 0x7fff_ffffn,
    () => 0xffff_ffffn,
    () => 0x1_0000_0000n + old,
    () => (1n << 53n) - 1n,
    () => BigInt(rng.int(0x1_0000)) * 0x1_0000n + BigInt(rng.int(0x1_0000)),
  ];
  return BigInt.asUintN(width * 8, rng.pick(choices)()) & mask;
}

function readField(view: DataView, f: Field, le: boolean): bigint {
  switch (f.width) {
    case 1:
      return BigInt(view.getUint8(f.offset));
    case 2:
      return BigInt(view.getUint16(f.offset, le));
    case 4:
      return BigInt(view.getUint32(f.offset, le));
    default:
      return view.getBigUint64(f.offset, le);
  }
}

function writeField(view: DataView, f: Field, le: boolean, v: bigint): void {
  switch (f.width) {
    case 1:
      view.setUint8(f.offset, Number(v));
      break;
    case 2:
      view.setUint16(f.offset, Number(v), le);
      break;
    case 4:
      view.setUint32(f.offset, Number(v), le);
      break;
    default:
      view.setBigUint64(f.offset, v, le);
  }
}

/** The mutation strategies, by name. */
export const STRATEGIES = [
  "bitflip",
  "boundary-bytes",
  "truncate",
  "elf-header",
  "section-header",
  "symbol",
  "relocation",
  "btf-header",
  "btf-type",
  "btf-graph",
  "btf-ext",
  "instruction",
  "combo",
] as const;

/** One mutation strategy. */
export type Strategy = (typeof STRATEGIES)[number];

/** The strategies that have something to aim at in `t`. */
export function applicable(t: Targets): Strategy[] {
  return STRATEGIES.filter((s) => {
    switch (s) {
      case "symbol":
        return t.symbols.length > 0;
      case "relocation":
        return t.relocations.length > 0;
      case "btf-header":
        return t.btfHeader.length > 0;
      case "btf-type":
        return t.btfTypes.length > 0;
      case "btf-graph":
        return t.btfGraph.length > 0;
      case "btf-ext":
        return t.btfExt.length > 0;
      case "instruction":
        return t.instructions.length > 0;
      default:
        return true;
    }
  });
}

const FIELD_POOLS: Partial<Record<Strategy, keyof Targets>> = {
  "elf-header": "elfHeader",
  "section-header": "sectionHeaders",
  symbol: "symbols",
  relocation: "relocations",
  "btf-header": "btfHeader",
  "btf-type": "btfTypes",
  "btf-graph": "btfGraph",
  "btf-ext": "btfExt",
  instruction: "instructions",
};

/**
 * Applies `strategy` to a copy of `original`, returning the mutated bytes and a description of
 * every change (for the failure report).
 */
export function mutate(rng: Rng, original: Uint8Array, t: Targets, strategy: Strategy): { bytes: Uint8Array; steps: string[] } {
  let bytes = original.slice();
  const steps: string[] = [];
  const apply = (s: Strategy) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const pool = FIELD_POOLS[s];
    if (pool !== undefined) {
      const fields = t[pool] as Field[];
      const n = s === "btf-type" || s === "btf-graph" || s === "instruction" ? rng.range(1, 3) : 1;
      for (let i = 0; i < n; i++) {
        const f = rng.pick(fields);
        if (f.offset + f.width > bytes.length) continue;
        const old = readField(view, f, t.le);
        const v =
          f.holds === "type id" && rng.next() < 0.8
            ? BigInt(rng.int(t.btfTypeCount + 1))
            : f.holds === "kind" && rng.next() < 0.8
              ? (old & 0x80n) | BigInt(rng.range(1, 19))
              : interestingValue(rng, f.width, old, t.length);
        writeField(view, f, t.le, v);
        steps.push(`${f.name} @0x${f.offset.toString(16)}: 0x${old.toString(16)} -> 0x${v.toString(16)}`);
      }
      return;
    }
    switch (s) {
      case "bitflip": {
        const n = rng.range(1, 8);
        for (let i = 0; i < n && bytes.length > 0; i++) {
          const at = rng.int(bytes.length);
          const bit = rng.int(8);
          bytes[at]! ^= 1 << bit;
          steps.push(`flip byte 0x${at.toString(16)} bit ${bit}`);
        }
        break;
      }
      case "boundary-bytes": {
        const n = rng.range(1, 8);
        for (let i = 0; i < n && bytes.length > 0; i++) {
          const at = rng.int(bytes.length);
          const v = rng.pick([0, 0xff, 0x7f, 0x80]);
          bytes[at] = v;
          steps.push(`byte 0x${at.toString(16)} = 0x${v.toString(16)}`);
        }
        break;
      }
      case "truncate": {
        const near = rng.next() < 0.4 && t.boundaries.length > 0;
        const len = near ? rng.pick(t.boundaries) + rng.range(-4, 4) : rng.int(bytes.length);
        const cut = Math.max(0, Math.min(bytes.length - 1, len));
        bytes = bytes.slice(0, cut);
        steps.push(`truncate to ${cut} bytes`);
        break;
      }
      default:
        throw new Error(`strategy ${s} has no field pool`);
    }
  };
  if (strategy === "combo") {
    const choices = applicable(t).filter((s) => s !== "combo" && s !== "truncate");
    const n = rng.range(2, 4);
    for (let i = 0; i < n; i++) apply(rng.pick(choices));
    if (rng.next() < 0.2) apply("truncate");
  } else {
    apply(strategy);
  }
  return { bytes, steps };
}

/** A copy of `original` with the field called `name` (as `findTargets` names it) set to `value`. */
export function withField(original: Uint8Array, name: string, value: bigint): Uint8Array {
  const t = findTargets(original);
  const all = [...t.elfHeader, ...t.sectionHeaders, ...t.symbols, ...t.relocations, ...t.btfHeader, ...t.btfExt];
  const f = all.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no field ${name}`);
  const bytes = original.slice();
  writeField(new DataView(bytes.buffer), f, t.le, value);
  return bytes;
}

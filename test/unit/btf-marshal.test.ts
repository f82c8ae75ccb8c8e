import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  Array as BTFArray,
  Datasec,
  Enum,
  Func,
  FuncLinkage,
  FuncProto,
  Int,
  IntEncoding,
  Kind,
  loadSpecFromBuffer,
  marshalSpec,
  Pointer,
  Struct,
  Var,
  VarLinkage,
  type ByteOrder,
  type Spec,
} from "../../src/btf/index.js";
import { BTFError } from "../../src/errors.js";
import { ElfFile } from "../../src/elf/index.js";
import { bpftoolTypes, toBpftool } from "./btf-bpftool.js";

const PEER = join(import.meta.dirname, "../../../shared/peer-testdata/cilium-ebpf");
const VMLINUX = "/sys/kernel/btf/vmlinux";
const tmp = mkdtempSync(join(tmpdir(), "btf-marshal-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dump(spec: Spec): unknown[] {
  return [...spec.types()].map((t) => toBpftool(spec, t));
}

function objectSpec(rel: string): Spec {
  const elf = ElfFile.parse(readFileSync(join(PEER, rel)));
  return loadSpecFromBuffer(elf.section(".BTF")!.data());
}

/** libbpf (through bpftool) must accept what we write. */
function bpftoolAccepts(bytes: Uint8Array, name: string): number | undefined {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return bpftoolTypes(path)?.length;
}

describe.skipIf(!existsSync(VMLINUX))("marshal vmlinux (skipped: /sys/kernel/btf/vmlinux absent)", () => {
  const spec = loadSpecFromBuffer(readFileSync(VMLINUX));
  const want = dump(spec);

  for (const order of ["little", "big"] as ByteOrder[]) {
    it(`round-trips every type (${order}-endian)`, () => {
      const { bytes, typeIDs } = marshalSpec(spec, { byteOrder: order });
      expect(typeIDs.size).toBe(spec.typeCount);
      const back = loadSpecFromBuffer(bytes, { byteOrder: order });
      expect(back.byteOrder).toBe(order);
      expect(dump(back)).toEqual(want);
    });
  }

  it("sanitises float, type tags and decl tags without changing ids", () => {
    const { bytes } = marshalSpec(spec, { sanitize: { float: false, typeTag: false, declTag: false, enum64: false } });
    const back = loadSpecFromBuffer(bytes);
    // One extra INT: the placeholder member type of enum64-turned-union.
    expect(back.typeCount).toBe(spec.typeCount + 1);
    const kinds = new Set([...back.types()].map((t) => t.kind));
    for (const k of [Kind.Float, Kind.TypeTag, Kind.DeclTag, Kind.Enum64]) expect(kinds.has(k)).toBe(false);
    const task = back.typeByName("task_struct", Kind.Struct);
    expect(back.typeID(task)).toBe(spec.typeID(spec.typeByName("task_struct", Kind.Struct)));
    expect(bpftoolAccepts(bytes, "vmlinux-sanitised")).toSatisfy((n) => n === undefined || n === spec.typeCount + 1);
  });
});

const peerFiles = existsSync(PEER)
  ? ["btf", "testdata"].flatMap((d) => readdirSync(join(PEER, d)).filter((f) => f.endsWith(".elf") && !f.includes("nobtf")).map((f) => `${d}/${f}`))
  : [];

describe.skipIf(peerFiles.length === 0)("marshal peer objects (skipped: ../shared/peer-testdata absent)", () => {
  it.each(peerFiles)("%s round-trips in both byte orders", (rel) => {
    const spec = objectSpec(rel);
    const want = dump(spec);
    for (const order of ["little", "big"] as ByteOrder[]) {
      const back = loadSpecFromBuffer(marshalSpec(spec, { byteOrder: order }).bytes);
      expect(dump(back)).toEqual(want);
    }
  });

  it.each(peerFiles.filter((f) => f.endsWith("-el.elf")))("%s sanitised for an old kernel is still valid BTF", (rel) => {
    const spec = objectSpec(rel);
    const { bytes } = marshalSpec(spec, {
      sanitize: { func: false, funcLinkage: false, datasec: false, float: false, declTag: false, typeTag: false, enum64: false },
    });
    const back = loadSpecFromBuffer(bytes);
    const kinds = new Set([...back.types()].map((t) => t.kind));
    for (const k of [Kind.Func, Kind.FuncProto, Kind.Var, Kind.Datasec, Kind.Float, Kind.DeclTag, Kind.TypeTag, Kind.Enum64]) {
      expect(kinds.has(k)).toBe(false);
    }
    const n = bpftoolAccepts(bytes, rel.replace("/", "_"));
    if (n !== undefined) expect(n).toBe(back.typeCount);
  });

  it("tags-el.elf: decl tags become 1-byte ints, funcs lose global linkage", () => {
    const spec = objectSpec("btf/tags-el.elf");
    const back = loadSpecFromBuffer(marshalSpec(spec, { sanitize: { declTag: false, funcLinkage: false } }).bytes);
    const tag = back.typeByID(5);
    expect(tag).toMatchObject({ kind: Kind.Int, size: 1, bits: 8, name: "" });
    const f = back.typeByName("normalDecl1", Kind.Func);
    expect(f.linkage).toBe(FuncLinkage.Static);
    expect(back.typeCount).toBe(spec.typeCount);
  });

  it("variables-el.elf: datasecs become structs named without dots", () => {
    const spec = objectSpec("testdata/variables-el.elf");
    const back = loadSpecFromBuffer(marshalSpec(spec, { sanitize: { datasec: false } }).bytes);
    const s = back.typeByName("_data_struct", Kind.Struct);
    // clang leaves datasec offsets 0 in the object; the loader fixes them from the symbols later.
    expect(s.members.map((m) => [m.name, m.bitOffset, m.type.kind])).toEqual([
      ["var_struct", 0, Kind.Int],
      ["var_struct_pad", 0, Kind.Int],
    ]);
  });

  it("relocs-el.elf: enum64 becomes a union of placeholder ints", () => {
    const spec = objectSpec("btf/relocs-el.elf");
    const back = loadSpecFromBuffer(marshalSpec(spec, { sanitize: { enum64: false } }).bytes);
    const u = back.typeByName("e64", Kind.Union);
    expect(u.size).toBe(8);
    expect(u.members.map((m) => [m.name, m.type.name, m.bitOffset])).toEqual([["LARGE", "enum64_placeholder", 0]]);
  });
});

describe("marshal type lists", () => {
  const int = new Int({ name: "int", size: 4, encoding: IntEncoding.Signed });
  const s = new Struct({
    name: "pair",
    size: 8,
    members: [
      { name: "a", type: int, bitOffset: 0, bitfieldSize: 0 },
      { name: "b", type: int, bitOffset: 32, bitfieldSize: 3 },
    ],
  });

  it("numbers the given types first and appends their dependencies", () => {
    const ptr = new Pointer({ target: s });
    const { bytes, typeIDs } = marshalSpec([ptr], { byteOrder: "big" });
    expect([typeIDs.get(ptr), typeIDs.get(s), typeIDs.get(int)]).toEqual([1, 2, 3]);
    const back = loadSpecFromBuffer(bytes);
    expect(back.byteOrder).toBe("big");
    const p = back.typeByID(1);
    expect(p.kind).toBe(Kind.Pointer);
    const pair = back.typeByName("pair", Kind.Struct);
    expect(pair.members.map((m) => [m.name, m.bitOffset, m.bitfieldSize])).toEqual([
      ["a", 0, 0],
      ["b", 32, 3],
    ]);
  });

  it("encodes every kind a BPF object uses", () => {
    const proto = new FuncProto({ return: int, params: [{ name: "x", type: int }] });
    const f = new Func({ name: "f", type: proto, linkage: FuncLinkage.Global });
    const v = new Var({ name: "v", type: int, linkage: VarLinkage.Global });
    const sec = new Datasec({ name: ".data", size: 4, vars: [{ type: v, offset: 0, size: 4 }] });
    const arr = new BTFArray({ type: int, index: int, nelems: 3 });
    const e = new Enum({ name: "e", size: 4, signed: true, values: [{ name: "NEG", value: -1 }] });
    const back = loadSpecFromBuffer(marshalSpec([f, sec, arr, e]).bytes);
    expect(back.typeByName("f", Kind.Func).type.params[0]!.name).toBe("x");
    expect(back.typeByName(".data", Kind.Datasec).vars[0]!.type.name).toBe("v");
    expect(back.typeByName("e", Kind.Enum).values).toEqual([{ name: "NEG", value: -1 }]);
  });

  it("rejects what it cannot encode", () => {
    const bad = new Enum({ name: "e", size: 4, values: [{ name: "X", value: 2 ** 33 }] });
    expect(() => marshalSpec([bad])).toThrow(BTFError);
    const far = new Struct({ name: "far", size: 8, members: [{ name: "x", type: int, bitOffset: 1 << 25, bitfieldSize: 1 }] });
    expect(() => marshalSpec([far])).toThrow(/cannot be encoded/);
    expect(() => marshalSpec([new Int({ name: "bad\0name", size: 4 })])).toThrow(BTFError);
  });
});

describe("bpftool accepts marshalled BTF", () => {
  it.skipIf(bpftoolTypes(VMLINUX) === undefined)("as a raw BTF file", () => {
    const int = new Int({ name: "int", size: 4, encoding: IntEncoding.Signed });
    const out = execFileSync("bpftool", ["btf", "dump", "file", writeTmp(marshalSpec([new Pointer({ target: int })]).bytes)], {
      encoding: "utf8",
    });
    expect(out).toBe("[1] PTR '(anon)' type_id=2\n[2] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n");
  });
});

function writeTmp(bytes: Uint8Array): string {
  const path = join(tmp, `raw-${bytes.length}`);
  writeFileSync(path, bytes);
  return path;
}

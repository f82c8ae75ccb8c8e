// Codecs from BTF: exact bytes for every kind, from the committed bpf/codec_types.o, synthetic
// types for what clang 14 does not emit (enum64, __int128, odd float sizes), and every struct and
// union of the running kernel's BTF.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  Array as BTFArray,
  codecFor,
  CodecError,
  Const,
  Datasec,
  Enum,
  Enum64,
  Float,
  Func,
  FuncProto,
  Fwd,
  Int,
  IntEncoding,
  Kind,
  loadKernelSpec,
  Pointer,
  Struct,
  Typedef,
  TypeTag,
  Union,
  Var,
  VOID,
  Volatile,
  type Type,
} from "../../src/btf/index.js";
import { BTFError } from "../../src/errors.js";
import { loadCollectionSpecFromBuffer } from "../../src/index.js";

const spec = loadCollectionSpecFromBuffer(readFileSync(new URL("../../bpf/codec_types.o", import.meta.url)));
const types = spec.types!;

const u8 = new Int({ name: "unsigned char", size: 1 });
const s8 = new Int({ name: "signed char", size: 1, encoding: IntEncoding.Signed });
const char = new Int({ name: "char", size: 1, encoding: IntEncoding.Signed });
const u16 = new Int({ name: "u16", size: 2 });
const s32 = new Int({ name: "int", size: 4, encoding: IntEncoding.Signed });
const u32 = new Int({ name: "unsigned int", size: 4 });
const u64 = new Int({ name: "u64", size: 8 });
const s64 = new Int({ name: "s64", size: 8, encoding: IntEncoding.Signed });
const bool = new Int({ name: "_Bool", size: 1, encoding: IntEncoding.Bool });
const m = (name: string, type: Type, bitOffset: number, bitfieldSize = 0) => ({ name, type, bitOffset, bitfieldSize });

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

describe("scalars", () => {
  it("encodes integers of every size and signedness in host order, 64-bit ones as bigint", () => {
    expect(hex(codecFor(u8).encode(200))).toBe("c8");
    expect(hex(codecFor(s8).encode(-2))).toBe("fe");
    expect(hex(codecFor(u16).encode(0x1234))).toBe("3412");
    expect(hex(codecFor(s32).encode(-1))).toBe("ffffffff");
    expect(hex(codecFor(u32).encode(0xdeadbeef))).toBe("efbeadde");
    expect(hex(codecFor(u64).encode(0x0102030405060708n))).toBe("0807060504030201");
    expect(hex(codecFor(u64).encode(5))).toBe("0500000000000000");
    expect(codecFor(s64).decode(codecFor(s64).encode(-(1n << 63n)))).toBe(-(1n << 63n));
    expect(codecFor(u64).decode(new Uint8Array(8).fill(0xff))).toBe((1n << 64n) - 1n);
    expect(codecFor(s8).decode(new Uint8Array([0x80]))).toBe(-128);
    expect(codecFor(bool).decode(new Uint8Array([1]))).toBe(true);
    expect(hex(codecFor(bool).encode(true))).toBe("01");
  });

  it("refuses values out of range or of the wrong type, naming the type", () => {
    expect(() => codecFor(u8).encode(256)).toThrow(/unsigned char: expected an integer that fits u8, got 256/);
    expect(() => codecFor(s8).encode(128)).toThrow(CodecError);
    expect(() => codecFor(u32).encode(-1)).toThrow(/fits u32/);
    expect(() => codecFor(u32).encode(1.5)).toThrow(/fits u32/);
    expect(() => codecFor(u64).encode(-1n)).toThrow(/a bigint that fits u64, got -1n/);
    expect(() => codecFor(u64).encode(2 ** 60)).toThrow(/fits u64/);
    expect(() => codecFor(s64).encode(1n << 63n)).toThrow(/fits s64/);
    expect(() => codecFor(bool).encode(1)).toThrow(/a boolean/);
  });

  it("reads and writes 128-bit integers as bigints", () => {
    const i128 = new Int({ name: "__int128", size: 16, encoding: IntEncoding.Signed });
    const c = codecFor<bigint>(i128);
    const v = -(1n << 100n) + 12345n;
    expect(c.decode(c.encode(v))).toBe(v);
    expect(hex(codecFor(new Int({ name: "unsigned __int128", size: 16 })).encode(1n << 64n))).toBe("00000000000000000100000000000000");
  });

  it("maps floats to numbers and other float sizes to bytes", () => {
    const f = codecFor<number>(new Float({ name: "float", size: 4 }));
    expect(f.decode(f.encode(0.5))).toBe(0.5);
    const d = codecFor<number>(new Float({ name: "double", size: 8 }));
    expect(d.decode(d.encode(-1e300))).toBe(-1e300);
    const ld = codecFor<Uint8Array>(new Float({ name: "long double", size: 16 }));
    expect(ld.decode(ld.encode(new Uint8Array(16).fill(3)))).toEqual(new Uint8Array(16).fill(3));
  });

  it("maps pointers to bigints", () => {
    const p = codecFor<bigint>(new Pointer({ target: VOID }));
    expect(p.size).toBe(8);
    expect(p.decode(p.encode(0xffff888000000000n))).toBe(0xffff888000000000n);
  });

  it("sees through typedefs, qualifiers, type tags and variables", () => {
    const t = new Var({ name: "v", type: new Const({ type: new Volatile({ type: new TypeTag({ value: "user", type: new Typedef({ name: "u32_t", type: u32 }) }) }) }) });
    const c = codecFor<number>(t);
    expect(c.size).toBe(4);
    expect(c.decode(c.encode(7))).toBe(7);
    expect(() => c.encode(-1)).toThrow(/^variable v: expected/);
  });
});

describe("enums", () => {
  const e = new Enum({ name: "e", size: 4, signed: true, values: [{ name: "NEG", value: -1 }, { name: "ONE", value: 1 }, { name: "UNO", value: 1 }] });
  const e64 = new Enum64({ name: "big", size: 8, values: [{ name: "HUGE", value: 1n << 40n }] });

  it("decode to the first enumerator's name, or the number when unknown", () => {
    const c = codecFor(e);
    expect(c.decode(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toBe("NEG");
    expect(c.decode(c.encode(1))).toBe("ONE");
    expect(c.decode(c.encode("UNO"))).toBe("ONE");
    expect(c.decode(c.encode(7))).toBe(7);
    expect(codecFor(e, { enums: "number" }).decode(c.encode("NEG"))).toBe(-1);
    expect(() => c.encode("TWO")).toThrow(/expected an enumerator of enum e, got "TWO"/);
  });

  it("decode 64-bit enums to names or bigints", () => {
    const c = codecFor(e64);
    expect(hex(c.encode("HUGE"))).toBe("0000000000010000");
    expect(c.decode(c.encode("HUGE"))).toBe("HUGE");
    expect(c.decode(c.encode(3n))).toBe(3n);
    expect(codecFor(e64, { enums: "number" }).decode(c.encode("HUGE"))).toBe(1n << 40n);
  });

  it("find names of clang's unsigned enums with negative enumerators", () => {
    const level = types.typeByName("level", Kind.Enum);
    expect(level.signed).toBe(false);
    const c = codecFor(level);
    expect(hex(c.encode("LOW"))).toBe("ffffffff");
    expect(c.decode(c.encode("LOW"))).toBe("LOW");
  });
});

describe("arrays", () => {
  const comm = new BTFArray({ type: char, index: u32, nelems: 8 });

  it("treat char arrays as NUL-terminated UTF-8 strings", () => {
    const c = codecFor<string>(comm);
    expect(hex(c.encode("bash"))).toBe("6261736800000000");
    expect(c.decode(new Uint8Array([0x61, 0x62, 0, 0x63, 0, 0, 0, 0]))).toBe("ab");
    expect(c.decode(c.encode("12345678"))).toBe("12345678");
    expect(c.decode(c.encode("héllo"))).toBe("héllo");
    expect(() => c.encode("123456789")).toThrow(/string "123456789" is 9 UTF-8 bytes, more than the 8 of its char array/);
    expect(() => c.encode("éééé!")).toThrow(/9 UTF-8 bytes/);
    expect(() => c.encode("a\0b")).toThrow(/holds a NUL/);
    expect(() => c.encode(5 as unknown as string)).toThrow(/a string of at most 8 UTF-8 bytes/);
  });

  it("treat other 1-byte arrays as bytes and the rest as arrays", () => {
    const mac = codecFor<Uint8Array>(new BTFArray({ type: u8, index: u32, nelems: 6 }));
    expect(mac.decode(mac.encode(new Uint8Array([1, 2, 3, 4, 5, 6])))).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6]));
    expect(() => mac.encode(new Uint8Array(5))).toThrow(/a Uint8Array of 6 bytes, got Uint8Array\(5\)/);
    const ports = codecFor<number[]>(new BTFArray({ type: u16, index: u32, nelems: 3 }));
    expect(hex(ports.encode([1, 2, 3]))).toBe("010002000300");
    expect(() => ports.encode([1, 2])).toThrow(/an array of 3 elements, got array of 2/);
    expect(() => ports.encode([1, 2, -3])).toThrow(/u16\[3\]: \[2\]: expected an integer that fits u16/);
    const long = codecFor<number[]>(new BTFArray({ type: s32, index: u32, nelems: 100 }));
    const values = Array.from({ length: 100 }, (_, i) => i - 50);
    expect(long.decode(long.encode(values))).toEqual(values);
  });

  it("decode zero-length (flexible) arrays as empty and need nothing to encode them", () => {
    const s = new Struct({ name: "msg", size: 4, members: [m("len", u32, 0), m("data", new BTFArray({ type: u8, index: u32, nelems: 0 }), 32)] });
    const c = codecFor(s);
    expect(c.decode(c.encode({ len: 3 }))).toEqual({ len: 3, data: new Uint8Array(0) });
  });
});

describe("structs and unions", () => {
  it("round-trips every member kind of struct flow_stats", () => {
    const c = codecFor<Record<string, unknown>>(types.typeByName("flow_stats"));
    expect(c.size).toBe(144);
    const value = {
      packets: 1n, delta: -2n, color: "GREEN", level: "HIGH", s8: -3, u8: 4, s16: -5, u16: 6, s32: -7,
      kind: 7, offset: -16, big: (1n << 40n) - 1n, ok: false, name: "twelve chars", mac: new Uint8Array(6).fill(9),
      ports: [1, 2, 3, 4], range: { lo: 1, hi: 2 }, u: { word: 0x04030201 }, as_u64: 0n, as_double: 2.5,
      ptr: 0xffffn, f32: 1.25, f64: 3.5, cv: 8, pts: [{ x: 1, y: 2 }, { x: -3, y: -4 }],
    };
    const decoded = c.decode(c.encode(value));
    // Every union member reads the same bytes; encoding writes each one given, in order.
    expect(decoded).toEqual({ ...value, u: { word: 0x04030201, bytes: new Uint8Array([1, 2, 3, 4]) }, as_u64: 0x4004000000000000n });
    expect(c.decode(c.encode(decoded))).toEqual(decoded);
  });

  it("packs bitfields and keeps padding and unnamed bits zero", () => {
    const s = new Struct({
      name: "bits", size: 8, members: [
        m("a", u8, 0),
        m("flag", u32, 8, 1),
        m("", u32, 9, 3),
        m("level", s32, 12, 5),
        m("wide", u64, 17, 40),
      ],
    });
    const c = codecFor<{ a: number; flag: number; level: number; wide: bigint }>(s);
    const bytes = c.encode({ a: 0xff, flag: 1, level: -1, wide: (1n << 40n) - 1n });
    expect(hex(bytes)).toBe("fff1ffffffffff01");
    expect(c.decode(bytes)).toEqual({ a: 0xff, flag: 1, level: -1, wide: (1n << 40n) - 1n });
    expect(c.decode(new Uint8Array([0, 0x0e, 0, 0, 0, 0, 0, 0]))).toEqual({ a: 0, flag: 0, level: 0, wide: 0n });
    expect(() => c.encode({ a: 0, flag: 2, level: 0, wide: 0n })).toThrow(/flag: expected an integer in \[0, 1\]/);
    expect(() => c.encode({ a: 0, flag: 0, level: 16, wide: 0n })).toThrow(/level: expected an integer in \[-16, 15\]/);
    expect(() => c.encode({ a: 0, flag: 0, level: 0, wide: 1n << 40n })).toThrow(/wide: expected a value that fits a unsigned 40-bit field/);
    const pad = codecFor(types.typeByName("flow_key"));
    const into = new Uint8Array(20).fill(0xee);
    pad.encode({ saddr: 1, daddr: 2, sport: 3, dport: 4, proto: 5 }, into, 2);
    expect(hex(into)).toBe("eeee" + "01000000" + "02000000" + "0300" + "0400" + "05000000" + "eeee");
  });

  it("flattens anonymous members and needs one member of a union", () => {
    const inner = new Union({ name: "", size: 4, members: [m("i", s32, 0), m("f", new Float({ name: "float", size: 4 }), 0)] });
    const s = new Struct({ name: "outer", size: 8, members: [m("tag", u32, 0), m("", inner, 32)] });
    const c = codecFor(s);
    expect(c.decode(c.encode({ tag: 1, i: 1065353216 }))).toEqual({ tag: 1, i: 1065353216, f: 1 });
    expect(c.decode(c.encode({ tag: 1, f: 2 }))).toEqual({ tag: 1, i: 1073741824, f: 2 });
    expect(() => c.encode({ tag: 1 })).toThrow(/struct outer: expected one of the union members i, f, got an object/);
    const u = codecFor(new Union({ name: "num", size: 8, members: [m("small", u32, 0), m("big", u64, 0)] }));
    expect(() => u.encode({})).toThrow(/union num: expected one of the union members small, big/);
    expect(u.decode(u.encode({ small: 5 }))).toEqual({ small: 5, big: 5n });
  });

  it("names the path of a bad or missing member and ignores unknown properties", () => {
    const c = codecFor(types.typeByName("flow_stats"));
    expect(() => c.encode({})).toThrow(/^struct flow_stats: packets: missing/);
    const pts = codecFor(new BTFArray({ type: types.typeByName("point"), index: u32, nelems: 2 }));
    expect(() => pts.encode([{ x: 1, y: 2 }, { x: 1, y: "2" }])).toThrow(/\[1\]\.y: expected an integer that fits s32, got "2"/);
    expect(() => pts.encode([{ x: 1, y: 2 }, null])).toThrow(/\[1\]: expected an object, got null/);
    const point = codecFor(types.typeByName("point"));
    expect(point.decode(point.encode({ x: 1, y: 2, z: 3 } as never))).toEqual({ x: 1, y: 2 });
  });

  it("leaves kernel-owned members out", () => {
    const locked = codecFor(types.typeByName("locked"));
    const bytes = new Uint8Array(16).fill(0xff);
    expect(locked.decode(bytes)).toEqual({ n: (1n << 64n) - 1n });
    expect(hex(locked.encode({ n: 1n }))).toBe("00000000000000000100000000000000");
  });

  it("decodes data sections to objects of their variables", () => {
    const data = types.typeByName(".data", Kind.Datasec);
    expect(codecFor(data).decode(spec.maps[".data"]!.contents![0]!.value as Uint8Array)).toEqual({ origin: { x: -3, y: 7 } });
    const rodata = codecFor(types.typeByName(".rodata", Kind.Datasec)).decode(spec.maps[".rodata"]!.contents![0]!.value as Uint8Array);
    expect(rodata).toEqual({ cfg: { target_tgid: 0, trigger: 0, color: "GREEN", tag: "codec" }, task_size: 0 });
    expect(spec.variables.cfg!.getValue()).toEqual({ target_tgid: 0, trigger: 0, color: "GREEN", tag: "codec" });
  });
});

describe("codec objects", () => {
  it("are compiled once per type and options", () => {
    const t = types.typeByName("event");
    expect(codecFor(t)).toBe(codecFor(t));
    expect(codecFor(t, { enums: "number" })).not.toBe(codecFor(t));
    expect(() => codecFor(t, { enums: "names" as never })).toThrow(/enums must be "name" or "number"/);
  });

  it("decode at offsets of shared buffers and refuse short ones", () => {
    const c = codecFor<{ x: number; y: number }>(types.typeByName("point"));
    const big = new Uint8Array(32);
    c.encode({ x: 1, y: 2 }, big, 8);
    expect(c.decode(big.subarray(4), 4)).toEqual({ x: 1, y: 2 });
    expect(() => c.decode(big, 25)).toThrow(/struct point: needs 8 bytes at offset 25, buffer has 32/);
    expect(() => c.decode(new Uint8Array(7))).toThrow(CodecError);
    expect(() => c.encode({ x: 1, y: 2 }, new Uint8Array(8), 1)).toThrow(/needs 8 bytes at offset 1/);
    expect(() => c.decode(big, -1)).toThrow(CodecError);
  });

  it("refuse types without values", () => {
    expect(() => codecFor(VOID)).toThrow(BTFError);
    expect(() => codecFor(new Func({ name: "f", type: new FuncProto() }))).toThrow(BTFError);
    expect(() => codecFor(new Fwd({ name: "sock" }))).toThrow(BTFError);
    const ds = new Datasec({ name: ".x", size: 4, vars: [{ type: new Var({ name: "v", type: u32 }), offset: 0, size: 4 }] });
    expect(codecFor(ds).decode(codecFor(ds).encode({ v: 9 }))).toEqual({ v: 9 });
  });
});

describe.skipIf(!existsSync("/sys/kernel/btf/vmlinux"))("kernel types", () => {
  it("compile for every struct and union of vmlinux and re-encode what they decode unchanged", () => {
    const kernel = loadKernelSpec();
    let n = 0;
    for (let id = 1; id < kernel.nextId; id += 7) {
      const t = kernel.typeByID(id);
      if (t.kind !== Kind.Struct && t.kind !== Kind.Union) continue;
      const c = codecFor(t);
      const bytes = new Uint8Array(c.size);
      // Printable bytes, so char arrays hold valid UTF-8; bools and strings normalise once.
      for (let i = 0; i < bytes.length; i++) bytes[i] = 0x20 + ((i * 7919 + id) % 0x5f);
      const once = c.encode(c.decode(bytes));
      expect(Buffer.compare(c.encode(c.decode(once)), once), `${t.name || "(anonymous)"} [${id}]`).toBe(0);
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });

  it("reads struct task_struct members at the kernel's offsets", () => {
    const task = loadKernelSpec().typeByName("task_struct", Kind.Struct);
    const c = codecFor<{ pid: number; tgid: number; comm: string }>(task);
    const bytes = new Uint8Array(c.size);
    const off = (name: string) => task.members.find((x) => x.name === name)!.bitOffset / 8;
    new DataView(bytes.buffer).setInt32(off("pid"), 1234, true);
    new DataView(bytes.buffer).setInt32(off("tgid"), 1200, true);
    bytes.set(Buffer.from("worker\0"), off("comm"));
    expect(c.decode(bytes)).toMatchObject({ pid: 1234, tgid: 1200, comm: "worker" });
  });
});

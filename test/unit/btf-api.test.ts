import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCollectionSpecFromBuffer } from "../../src/index.js";
import {
  Array as BTFArray,
  CHECKPOINT_STRIDE,
  Const,
  COREKind,
  coreKindName,
  Enum64,
  essentialName,
  formatType,
  Func,
  FuncLinkage,
  FuncProto,
  Fwd,
  FwdKind,
  Int,
  IntEncoding,
  isFieldRelocation,
  Kind,
  kindName,
  offsetAt,
  recordEnd,
  Pointer,
  StringTable,
  Struct,
  Typedef,
  typeAlign,
  typeSize,
  TypeTag,
  underlyingType,
  Union,
  Var,
  VarLinkage,
  VOID,
  Volatile,
} from "../../src/btf/index.js";
import { BTFError } from "../../src/errors.js";

const int = new Int({ name: "int", size: 4, encoding: IntEncoding.Signed });
const char = new Int({ name: "char", size: 1, encoding: IntEncoding.Signed });
const u64 = new Int({ name: "unsigned long long", size: 8 });

describe("essentialName", () => {
  it.each([
    ["task_struct___v1", "task_struct"],
    ["task_struct___v1___v2", "task_struct___v1"],
    ["__u32", "__u32"],
    ["a____b", "a____b"],
    ["x___", "x___"],
    ["", ""],
  ])("%s -> %s", (name, want) => expect(essentialName(name)).toBe(want));
});

describe("StringTable", () => {
  it("looks strings up by offset and rejects bad ones", () => {
    const st = new StringTable(new TextEncoder().encode("\0int\0ünï\0"));
    expect(st.lookup(0)).toBe("");
    expect(st.lookup(1)).toBe("int");
    expect(st.lookup(2)).toBe("nt");
    expect(st.lookup(5)).toBe("ünï");
    expect(() => st.lookup(st.length)).toThrow(BTFError);
    expect([...st.entries()]).toEqual([
      [0, ""],
      [1, "int"],
      [5, "ünï"],
    ]);
  });

  it("continues a base table", () => {
    const base = new StringTable(new TextEncoder().encode("\0a\0"));
    const split = new StringTable(new TextEncoder().encode("b\0"), base);
    expect(split.firstOffset).toBe(3);
    expect(split.lookup(1)).toBe("a");
    expect(split.lookup(3)).toBe("b");
    expect(split.matches(1, "a")).toBe(true);
    expect(split.matches(3, "b")).toBe(true);
    expect(split.matches(3, "a")).toBe(false);
  });

  it("says whether the string at an offset is a given one, without decoding", () => {
    const st = new StringTable(new TextEncoder().encode("\0int\0ünï\0"));
    expect(st.matches(0, "")).toBe(true);
    expect(st.matches(1, "int")).toBe(true);
    expect(st.matches(2, "nt")).toBe(true);
    expect(st.matches(1, "in"), "a prefix").toBe(false);
    expect(st.matches(1, "int\0ü"), "past its NUL").toBe(false);
    expect(st.matches(5, "ünï")).toBe(true);
    expect(st.matches(5, "üni")).toBe(false);
    expect(st.matches(st.length, ""), "outside").toBe(false);
    expect(st.matches(-1, "")).toBe(false);
  });

  it("says the same once an ASCII table is decoded as a whole", () => {
    const st = new StringTable(new TextEncoder().encode("\0int\0long\0"));
    expect(st.lookup(5)).toBe("long");
    expect(st.matches(1, "int")).toBe(true);
    expect(st.matches(5, "long")).toBe(true);
    expect(st.matches(5, "lon"), "a prefix").toBe(false);
    expect(st.matches(1, "int\0long"), "past its NUL").toBe(false);
    expect(st.matches(1, "ïnt"), "not ASCII").toBe(false);
    expect(st.matches(st.length, ""), "outside").toBe(false);
  });
});

describe("decoded structs and unions", () => {
  it("read their members on first access, through one accessor for all", () => {
    const spec = loadCollectionSpecFromBuffer(readFileSync(join(import.meta.dirname, "../../bpf/bench_load.o")));
    const skb = spec.types!.typeByName("__sk_buff", Kind.Struct);
    const xdp = spec.types!.typeByName("xdp_md", Kind.Struct);
    const a = Object.getOwnPropertyDescriptor(skb, "members")!;
    const b = Object.getOwnPropertyDescriptor(xdp, "members")!;
    // A getter per object would give each its own hidden class, freed only by a full collection.
    expect(a.get).toBeTypeOf("function");
    expect(a.get).toBe(b.get);
    expect(a.enumerable).toBe(true);
    expect(Object.keys(xdp)).toEqual(["kind", "name", "size", "members"]);
    expect(Object.getOwnPropertySymbols(xdp).filter((s) => Object.getOwnPropertyDescriptor(xdp, s)!.enumerable)).toEqual([]);
    expect(xdp.members.map((m) => m.name)).toEqual(["data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"]);
    expect(xdp.members).toBe(xdp.members);
    expect(skb.members).toHaveLength(34);
    xdp.members = [];
    expect(xdp.members).toEqual([]);
    expect({ ...xdp }).toEqual({ kind: Kind.Struct, name: "xdp_md", size: 24, members: [] });
  });
});

describe("the type index", () => {
  it("finds every record from a checkpoint per eight types", () => {
    const spec = loadCollectionSpecFromBuffer(readFileSync(join(import.meta.dirname, "../../bpf/bench_load.o"))).types!;
    const raw = spec.raw;
    expect(raw.count).toBe(spec.nextId - 1);
    expect(raw.checkpoints).toHaveLength(Math.ceil(raw.count / CHECKPOINT_STRIDE));
    let off = raw.checkpoints[0]!;
    for (let i = 0; i < raw.count; i++) {
      expect(offsetAt(raw, i)).toBe(off);
      if (i % CHECKPOINT_STRIDE === 0) expect(raw.checkpoints[i / CHECKPOINT_STRIDE]).toBe(off);
      expect(spec.kindOf(raw.firstId + i)).toBe(spec.typeByID(raw.firstId + i).kind);
      off = recordEnd(raw, off);
    }
    // The last record ends where the type section does (the string section follows it).
    const typeEnd = raw.view.getUint32(8, raw.le) + raw.view.getUint32(12, raw.le) + raw.view.getUint32(4, raw.le);
    expect(off).toBe(typeEnd);
  });
});

describe("formatType", () => {
  it("writes C declarators", () => {
    const fnPtr = new Pointer({ target: new FuncProto({ return: int, params: [{ name: "", type: new Pointer({ target: VOID }) }, { name: "", type: VOID }] }) });
    const constCharPtr = new Pointer({ target: new Const({ type: char }) });
    const s = new Struct({
      name: "s",
      size: 48,
      members: [
        { name: "fn", type: fnPtr, bitOffset: 0, bitfieldSize: 0 },
        { name: "name", type: constCharPtr, bitOffset: 64, bitfieldSize: 0 },
        { name: "buf", type: new BTFArray({ type: char, index: int, nelems: 16 }), bitOffset: 128, bitfieldSize: 0 },
        { name: "flags", type: int, bitOffset: 256, bitfieldSize: 4 },
        { name: "cp", type: new Const({ type: new Pointer({ target: char }) }), bitOffset: 320, bitfieldSize: 0 },
        {
          name: "",
          type: new Union({ name: "", size: 4, members: [{ name: "v", type: new Volatile({ type: int }), bitOffset: 0, bitfieldSize: 0 }] }),
          bitOffset: 320,
          bitfieldSize: 0,
        },
      ],
    });
    expect(formatType(s)).toBe(
      [
        "struct s {",
        "\tint (*fn)(void *, ...);",
        "\tconst char *name;",
        "\tchar buf[16];",
        "\tint flags:4;",
        "\tchar *const cp;",
        "\tunion {",
        "\t\tvolatile int v;",
        "\t};",
        "}",
      ].join("\n"),
    );
    expect(formatType(new Typedef({ name: "u32", type: new Int({ name: "unsigned int", size: 4 }) }))).toBe(
      "typedef unsigned int u32",
    );
    expect(formatType(new Fwd({ name: "sock", fwdKind: FwdKind.Struct }))).toBe("struct sock");
    expect(formatType(new Func({ name: "f", type: new FuncProto({ return: int, params: [{ name: "x", type: int }] }), linkage: FuncLinkage.Global }))).toBe(
      "int f(int x)",
    );
    expect(formatType(new Var({ name: "v", type: int, linkage: VarLinkage.Static }))).toBe("static int v");
    expect(formatType(new Pointer({ target: new TypeTag({ value: "user", type: char }) }))).toBe(
      '__attribute__((btf_type_tag("user"))) char *',
    );
    expect(formatType(new Enum64({ name: "e", values: [{ name: "A", value: 1n << 40n }] }))).toBe("enum e {\n\tA = 1099511627776,\n}");
  });

  it("terminates on self-referencing anonymous structs", () => {
    const s = new Struct({ name: "", size: 8 });
    s.members = [
      { name: "a", type: s, bitOffset: 0, bitfieldSize: 0 },
      { name: "b", type: s, bitOffset: 0, bitfieldSize: 0 },
    ];
    expect(formatType(s)).toContain("{...}");
  });
});

describe("typeSize and typeAlign", () => {
  it("resolve typedefs, qualifiers and arrays", () => {
    const td = new Typedef({ name: "u64", type: new Const({ type: u64 }) });
    const arr = new BTFArray({ type: td, index: int, nelems: 3 });
    expect(typeSize(arr)).toBe(24);
    expect(typeAlign(arr)).toBe(8);
    expect(typeSize(new Pointer({ target: VOID }))).toBe(8);
    expect(typeSize(new Var({ name: "v", type: arr }))).toBe(24);
    expect(underlyingType(td)).toBe(u64);
  });

  it("detect packed structs", () => {
    const packed = new Struct({
      name: "p",
      size: 5,
      members: [
        { name: "c", type: char, bitOffset: 0, bitfieldSize: 0 },
        { name: "i", type: int, bitOffset: 8, bitfieldSize: 0 },
      ],
    });
    expect(typeAlign(packed)).toBe(1);
    const normal = new Struct({ name: "n", size: 16, members: [{ name: "x", type: u64, bitOffset: 0, bitfieldSize: 0 }] });
    expect(typeAlign(normal)).toBe(8);
  });

  it("refuse sizeless types and cycles", () => {
    expect(() => typeSize(VOID)).toThrow(BTFError);
    expect(() => typeSize(new Fwd({ name: "x" }))).toThrow(/has no size/);
    expect(() => typeSize(new FuncProto())).toThrow(BTFError);
    const a = new Typedef({ name: "a" });
    const b = new Typedef({ name: "b", type: a });
    a.type = b;
    expect(() => typeSize(a)).toThrow(/exceeds 32 steps/);
    expect(() => underlyingType(a)).toThrow(BTFError);
    expect(() => typeAlign(a)).toThrow(BTFError);
  });
});

describe("kind names", () => {
  it("match the kernel and libbpf", () => {
    expect(kindName(Kind.FuncProto)).toBe("func_proto");
    expect(kindName(99)).toBe("kind 99");
    expect(coreKindName(COREKind.FieldLShiftU64)).toBe("lshift_u64");
    expect(COREKind.TypeMatches).toBe(12);
    expect(isFieldRelocation(COREKind.FieldRShiftU64)).toBe(true);
    expect(isFieldRelocation(COREKind.TypeIDLocal)).toBe(false);
  });
});

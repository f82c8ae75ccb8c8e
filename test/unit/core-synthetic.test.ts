// CO-RE on hand-made types and instructions: instruction patching rules and their errors,
// libbpf's candidate rules for kernel modules (split BTF), type matching and compatibility.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as asm from "../../src/asm/index.js";
import {
  COREKind,
  Array as BTFArray,
  Enum,
  Enum64,
  Fwd,
  FwdKind,
  Int,
  IntEncoding,
  Kind,
  loadSpecFromBuffer,
  Pointer,
  Struct,
  Typedef,
  Union,
  type CORERelocation,
  type Spec,
  type Type,
} from "../../src/btf/index.js";
import {
  applyCOREFixups,
  COREError,
  coreRelocate,
  fieldsAreCompatible,
  findCandidates,
  patchInstruction,
  typesAreCompatible,
  typesMatch,
  type COREFixup,
} from "../../src/btf/core/index.js";
import { havePeer, loadObject, PEER_BTF, peerSkip } from "./core-objects.js";

const int = new Int({ name: "int", size: 4, encoding: IntEncoding.Signed });
const uint = new Int({ name: "unsigned int", size: 4 });
const ulong = new Int({ name: "unsigned long", size: 8 });
const local = new Struct({
  name: "thing",
  size: 16,
  members: [
    { name: "a", type: int, bitOffset: 0, bitfieldSize: 0 },
    { name: "b", type: ulong, bitOffset: 64, bitfieldSize: 0 },
  ],
});

function relo(kind: COREKind, accessStr: string, type: Type = local, insnOff = 0): CORERelocation {
  return { insnOff, typeID: 1, type, accessStr, accessor: accessStr.split(":").map(Number), kind };
}

function fixup(over: Partial<COREFixup> & { kind: COREKind }): COREFixup {
  return {
    relocation: relo(over.kind, "0:1", local, 3),
    local: 0n,
    target: 0n,
    poison: false,
    validate: true,
    localSize: 0,
    targetSize: 0,
    memSizeMismatch: false,
    ...over,
  };
}

describe("patching instructions", () => {
  const ldx = asm.LoadMem(asm.R0, asm.R1, 8, asm.DWord);

  it("patches ALU immediates after checking the compiled value", () => {
    const f = fixup({ kind: COREKind.FieldByteOffset, local: 8n, target: 24n });
    expect(patchInstruction(asm.Mov.Imm(asm.R0, 8), f).toString()).toBe("r0 = 24");
    expect(patchInstruction(asm.Add.Imm(asm.R1, 8), f).toString()).toBe("r1 += 24");
    expect(() => patchInstruction(asm.Mov.Imm(asm.R0, 9), f)).toThrow(
      /^CO-RE byte_off of struct thing \[1\] \(access 0:1\) at insn #3: unexpected immediate 9, expected 8 \(-> 24\)/,
    );
    // Without validation (bitfields, type ids) any compiled value is replaced.
    expect(patchInstruction(asm.Mov.Imm(asm.R0, 9), { ...f, validate: false }).toString()).toBe("r0 = 24");
  });

  it("rejects register operands, byte swaps and values beyond 32 bits", () => {
    const f = fixup({ kind: COREKind.TypeSize, local: 8n, target: 8n });
    expect(() => patchInstruction(asm.Mov.Reg(asm.R0, asm.R1), f)).toThrow(COREError);
    expect(() => patchInstruction(asm.Mov.Reg(asm.R0, asm.R1), f)).toThrow(/register operand/);
    const big = { ...f, target: 1n << 32n };
    expect(() => patchInstruction(asm.Mov.Imm(asm.R0, 8), big)).toThrow(/does not fit a 32-bit immediate/);
    expect(patchInstruction(asm.Mov.Imm(asm.R0, 8), { ...f, target: 0xffffffffn }).toString()).toBe("r0 = -1");
  });

  it("patches load and store offsets and resizes unsigned loads", () => {
    const f = fixup({ kind: COREKind.FieldByteOffset, local: 8n, target: 44n, localSize: 8, targetSize: 8 });
    expect(patchInstruction(ldx, f).toString()).toBe("r0 = *(u64 *)(r1 + 44)");
    expect(patchInstruction(asm.StoreMem(asm.R1, 8, asm.R2, asm.Word), f).toString()).toBe("*(u32 *)(r1 + 44) = r2");
    expect(patchInstruction(asm.StoreImm(asm.R1, 8, 7, asm.Half), f).toString()).toBe("*(u16 *)(r1 + 44) = 7");
    const shrink = { ...f, targetSize: 4 };
    expect(patchInstruction(ldx, shrink).toString()).toBe("r0 = *(u32 *)(r1 + 44)");
    expect(() => patchInstruction(ldx, { ...f, local: 16n })).toThrow(/unexpected offset 8, expected 16/);
    expect(() => patchInstruction(ldx, { ...f, target: 0x8000n })).toThrow(/offset 32768 does not fit 16 bits/);
    expect(() => patchInstruction(asm.LoadMem(asm.R0, asm.R1, 8, asm.Word), shrink)).toThrow(/accesses 4 bytes, expected 8/);
    expect(() => patchInstruction(ldx, { ...f, targetSize: 16 })).toThrow(/field of 16 bytes cannot be loaded/);
  });

  it("poisons loads whose size change would alter the value", () => {
    const f = fixup({
      kind: COREKind.FieldByteOffset,
      local: 8n,
      target: 44n,
      localSize: 8,
      targetSize: 4,
      memSizeMismatch: true,
    });
    expect(patchInstruction(ldx, f).toString()).toBe("call 195896080");
    // libbpf checks the size only on memory accesses; an ALU use is patched.
    expect(patchInstruction(asm.Mov.Imm(asm.R0, 8), f).toString()).toBe("r0 = 44");
  });

  it("patches and validates all 64 bits of lddw", () => {
    const f = fixup({ kind: COREKind.EnumvalValue, local: 0x1ffffffffn, target: 0x2_0000_0001n });
    const lddw = asm.LoadImm(asm.R1, 0x1ffffffffn, asm.DWord);
    expect(patchInstruction(lddw, f).toString()).toBe("r1 = 8589934593 ll");
    expect(() => patchInstruction(asm.LoadImm(asm.R1, 0xffffffffn, asm.DWord), f)).toThrow(/unexpected 64-bit immediate/);
    expect(() => patchInstruction(asm.LoadMapPtr(asm.R1, 3), f)).toThrow(/unexpected form/);
  });

  it("refuses instructions CO-RE cannot change", () => {
    const f = fixup({ kind: COREKind.FieldExists, local: 1n, target: 0n });
    expect(() => patchInstruction(asm.Return(), f)).toThrow(/instruction cannot be relocated \(instruction: exit\)/);
  });

  it("poisons an lddw in both slots and keeps its label", () => {
    const insns = asm.assemble([
      asm.LoadImm(asm.R1, 1n, asm.DWord).withSymbol("prog"),
      asm.JEq.Imm(asm.R1, 0, "out"),
      asm.Mov.Imm(asm.R0, 1),
      asm.Return().withSymbol("out"),
    ]);
    expect(insns.map(String)).toEqual(["r1 = 1 ll", "if r1 == 0 goto +1", "r0 = 1", "exit"]);
    const f = fixup({ kind: COREKind.EnumvalValue, poison: true, relocation: relo(COREKind.EnumvalValue, "0", local, 0) });
    const out = applyCOREFixups(insns, [f]);
    // Same number of slots, so the jump still lands on exit.
    expect(out.map(String)).toEqual(["call 195896080", "call 195896080", "if r1 == 0 goto +1", "r0 = 1", "exit"]);
    expect(out.map((i) => i.symbol)).toEqual(["prog", undefined, undefined, undefined, "out"]);
    expect(applyCOREFixups(insns, [{ ...f, relocation: relo(COREKind.EnumvalValue, "0", local, 3) }]).map(String)).toEqual([
      "r1 = 1 ll",
      "if r1 == 0 goto +1",
      "call 195896080",
      "exit",
    ]);
  });

  it("finds instructions by slot or by index, and names a missing one", () => {
    const insns = [asm.LoadImm(asm.R1, 1n, asm.DWord), asm.Mov.Imm(asm.R0, 8), asm.Return()];
    const f = fixup({ kind: COREKind.TypeSize, local: 8n, target: 12n, relocation: relo(COREKind.TypeSize, "0", local, 2) });
    expect(applyCOREFixups(insns, [f]).map(String)).toEqual(["r1 = 1 ll", "r0 = 12", "exit"]);
    const byIndex = { ...f, relocation: relo(COREKind.TypeSize, "0", local, 1) };
    expect(applyCOREFixups(insns, [byIndex], { indexing: "instruction" }).map(String)).toEqual(["r1 = 1 ll", "r0 = 12", "exit"]);
    expect(() => applyCOREFixups(insns, [byIndex])).toThrow(/at insn #1: no instruction starts at slot 1 \(3 instructions\)/);
  });
});

describe("relocation rules", () => {
  it("rejects malformed access strings and anonymous types, naming the relocation", () => {
    const spec = {} as Spec;
    expect(() => coreRelocate([relo(COREKind.FieldByteOffset, "0:5")], spec, [])).toThrow(
      "CO-RE byte_off of struct thing [1] (access 0:5) at insn #0: struct thing has no member #5",
    );
    expect(() => coreRelocate([relo(COREKind.TypeSize, "0:1")], spec, [])).toThrow(/type relocation with access string "0:1"/);
    const anon = new Struct({ size: 4, members: [] });
    expect(() => coreRelocate([relo(COREKind.TypeSize, "0", anon)], spec, [])).toThrow(/anonymous types are not supported/);
  });

  it("without candidates: existence is 0, type facts 0, everything else poisoned", () => {
    const spec = {} as Spec;
    const kinds = [
      COREKind.FieldByteOffset,
      COREKind.FieldByteSize,
      COREKind.FieldExists,
      COREKind.FieldSigned,
      COREKind.FieldLShiftU64,
      COREKind.FieldRShiftU64,
    ];
    const fields = coreRelocate(kinds.map((k) => relo(k, "0:1")), spec, []);
    expect(fields.map((f) => (f.poison ? "poison" : f.target))).toEqual(["poison", "poison", 0n, "poison", "poison", "poison"]);
    const types = coreRelocate(
      [COREKind.TypeIDTarget, COREKind.TypeExists, COREKind.TypeSize, COREKind.TypeMatches].map((k) => relo(k, "0")),
      spec,
      [],
    );
    expect(types.map((f) => [f.target, f.poison])).toEqual([
      [0n, false],
      [0n, false],
      [0n, false],
      [0n, false],
    ]);
  });

  it("type compatibility ignores names below the root and int sizes", () => {
    const p = new Pointer({ target: int });
    const a = new Struct({ name: "x", size: 4, members: [{ name: "p", type: p, bitOffset: 0, bitfieldSize: 0 }] });
    expect(typesAreCompatible(a, new Struct({ name: "y" }))).toBe(true);
    expect(typesAreCompatible(a, new Union({ name: "x" }))).toBe(false);
    expect(typesAreCompatible(new Pointer({ target: int }), new Pointer({ target: ulong }))).toBe(true);
    expect(typesAreCompatible(new Pointer({ target: int }), new Pointer({ target: a }))).toBe(false);
    const e32 = new Typedef({ name: "t", type: new Enum({ name: "e" }) });
    expect(typesAreCompatible(e32, new Typedef({ name: "t", type: new Enum64({ name: "e" }) }))).toBe(true);
  });

  it("field compatibility needs matching enum and forward names", () => {
    expect(fieldsAreCompatible(new Enum({ name: "e___v1" }), new Enum64({ name: "e" }))).toBe(true);
    expect(fieldsAreCompatible(new Enum({ name: "e" }), new Enum({ name: "f" }))).toBe(false);
    expect(fieldsAreCompatible(new Enum({ name: "" }), new Enum({ name: "f" }))).toBe(true);
    expect(fieldsAreCompatible(new Struct({ name: "a" }), new Union({ name: "b" }))).toBe(true);
    expect(fieldsAreCompatible(int, new Pointer({ target: int }))).toBe(false);
    expect(fieldsAreCompatible(int, new Int({ name: "bits", size: 4, offset: 3 }))).toBe(false);
  });

  it("types match: signedness, sizes, member names, forward declarations behind pointers", () => {
    const s = (name: string, type: Type) =>
      new Struct({ name: "s", size: 8, members: [{ name, type, bitOffset: 0, bitfieldSize: 0 }] });
    expect(typesMatch(s("a", int), s("a", int))).toBe(true);
    expect(typesMatch(s("a", int), s("b", int))).toBe(false);
    expect(typesMatch(s("a", int), s("a", uint))).toBe(false);
    const fwd = new Fwd({ name: "o", fwdKind: FwdKind.Struct });
    const full = new Struct({ name: "o", size: 4 });
    expect(typesMatch(s("p", new Pointer({ target: fwd })), s("p", new Pointer({ target: full })))).toBe(true);
    const unionFwd = new Fwd({ name: "o", fwdKind: FwdKind.Union });
    expect(typesMatch(s("p", new Pointer({ target: unionFwd })), s("p", new Pointer({ target: full })))).toBe(false);
    expect(typesMatch(fwd, full)).toBe(false);
    const e = new Enum({ name: "e", size: 4, values: [{ name: "A", value: 1 }] });
    const values = [
      { name: "A", value: 7n },
      { name: "B", value: 2n },
    ];
    expect(typesMatch(e, new Enum64({ name: "e", size: 4, values }))).toBe(true);
    expect(typesMatch(e, new Enum({ name: "e", size: 8, values: [{ name: "A", value: 1 }] }))).toBe(false);
  });
});

/** Raw BTF from type records (as u32 words) and names; `name(i)` gives string `i`'s offset. */
function buildBTF(strs: string[], words: (name: (i: number) => number) => number[], base?: Spec): Spec {
  const first = base === undefined ? 0 : base.strings.end;
  const name = (i: number) => first + strs.slice(0, i).reduce((n, s) => n + s.length + 1, 0);
  const types = words(name);
  const strBytes = Buffer.from(strs.map((s) => `${s}\0`).join(""), "latin1");
  const out = Buffer.alloc(24 + types.length * 4 + strBytes.length);
  out.writeUInt16LE(0xeb9f, 0);
  out.writeUInt8(1, 2);
  out.writeUInt32LE(24, 4);
  out.writeUInt32LE(types.length * 4, 12);
  out.writeUInt32LE(types.length * 4, 16);
  out.writeUInt32LE(strBytes.length, 20);
  types.forEach((w, i) => out.writeUInt32LE(w >>> 0, 24 + i * 4));
  strBytes.copy(out, 24 + types.length * 4);
  return loadSpecFromBuffer(out, base === undefined ? {} : { base });
}

const info = (kind: Kind, vlen: number) => (kind << 24) | vlen;

describe("field access paths", () => {
  // [1] int, [2] long, [3] union { int b; long c; }, [4] struct x { int a; union { b, c }; },
  // [5] int[2], [6] struct y { int n; int arr[2]; }, [7] int[0], [8] struct z { int n; int arr[]; }
  const target = buildBTF(["", "int", "long", "x", "a", "b", "c", "y", "n", "arr", "z"], (n) => [
    n(1), info(Kind.Int, 0), 4, (1 << 24) | 32,
    n(2), info(Kind.Int, 0), 8, (1 << 24) | 64,
    0, info(Kind.Union, 2), 8, n(5), 1, 0, n(6), 2, 0,
    n(3), info(Kind.Struct, 2), 16, n(4), 1, 0, 0, 3, 64,
    0, info(Kind.Array, 0), 0, 1, 1, 2,
    n(7), info(Kind.Struct, 2), 12, n(8), 1, 0, n(9), 5, 32,
    0, info(Kind.Array, 0), 0, 1, 1, 0,
    n(10), info(Kind.Struct, 2), 4, n(8), 1, 0, n(9), 7, 32,
  ]);
  const arr4 = new BTFArray({ type: int, index: int, nelems: 4 });
  const member = (name: string, type: Type, bitOffset: number) => ({ name, type, bitOffset, bitfieldSize: 0 });
  const x = new Struct({ name: "x", size: 8, members: [member("a", int, 0), member("b", int, 32)] });
  const y = new Struct({ name: "y", size: 20, members: [member("n", int, 0), member("arr", arr4, 32)] });
  const z = new Struct({ name: "z___local", size: 20, members: [member("n", int, 0), member("arr", arr4, 32)] });
  const spec = target;

  it("finds a target field inside an anonymous union", () => {
    const [off, size] = coreRelocate(
      [relo(COREKind.FieldByteOffset, "0:1", x), relo(COREKind.FieldByteSize, "0:1", x)],
      spec,
      [target],
    );
    expect([off!.local, off!.target, size!.target]).toEqual([4n, 8n, 4n]);
  });

  it("indexes arrays within bounds, poisons beyond the target's, accepts flexible arrays", () => {
    const [inside, beyond] = coreRelocate(
      [relo(COREKind.FieldByteOffset, "0:1:1", y), relo(COREKind.FieldByteOffset, "0:1:3", y)],
      spec,
      [target],
    );
    expect([inside!.local, inside!.target, inside!.localSize, inside!.targetSize]).toEqual([8n, 8n, 4, 4]);
    expect([beyond!.local, beyond!.poison]).toEqual([16n, true]);
    const [flex] = coreRelocate([relo(COREKind.FieldByteOffset, "0:1:3", z)], spec, [target]);
    expect([flex!.target, flex!.targetType]).toEqual([16n, target.typeByName("z")]);
    expect(() => coreRelocate([relo(COREKind.FieldByteOffset, "0:1:4", y)], spec, [target])).toThrow(/index 4 beyond array of 4/);
    expect(() => coreRelocate([relo(COREKind.FieldSigned, "0:1:1", y)], spec, [target])).toThrow(/array element access/);
  });

  it("the first index steps over whole structs, as p[1].field does", () => {
    const [f] = coreRelocate([relo(COREKind.FieldByteOffset, "2:0", x)], spec, [target]);
    expect([f!.local, f!.target]).toEqual([16n, 32n]);
  });
});

// Split BTF over relocs_read_tgt: a "module" with its own `modtype` and another `struct s`.
function moduleSpec(base: Spec): Spec {
  const char = base.typeIDsByName("char").find((id) => base.kindOf(id) === Kind.Int)!;
  // [next] struct modtype { char x; }, [next+1] struct s { char a (at byte 4); } of 8 bytes
  return buildBTF(["", "modtype", "x", "s", "a"], (n) => [
    n(1), info(Kind.Struct, 1), 4, n(2), char, 0,
    n(3), info(Kind.Struct, 1), 8, n(4), char, 32,
  ], base);
}

describe.skipIf(!havePeer)(`kernel module targets (skipped when ${peerSkip})`, () => {
  const base = havePeer ? loadObject(join(PEER_BTF, "relocs_read_tgt-el.elf")).spec : undefined!;
  const mod = havePeer ? moduleSpec(base) : undefined!;
  const modtype = new Struct({
    name: "modtype___local",
    size: 1,
    members: [{ name: "x", type: int, bitOffset: 0, bitfieldSize: 0 }],
  });
  const s = new Struct({ name: "s", size: 2, members: [{ name: "a", type: int, bitOffset: 0, bitfieldSize: 0 }] });

  it("target type ids of module types are ids in the module's split BTF", () => {
    const relos = [relo(COREKind.TypeIDTarget, "0", modtype), relo(COREKind.FieldByteOffset, "0:0", modtype)];
    const [id, off] = coreRelocate(relos, base, [base, mod]);
    expect(id!.target).toBe(BigInt(base.nextId));
    expect(id!.targetSpec).toBe(mod);
    expect(off!.target).toBe(0n);
  });

  it("modules are searched only for types the other targets lack", () => {
    expect(findCandidates(s, [base, mod]).map((c) => [c.btf === base ? "base" : "module", c.id])).toEqual([
      ["base", base.typeIDsByName("s")[0]],
    ]);
    const relos = [relo(COREKind.TypeSize, "0", s), relo(COREKind.FieldByteOffset, "0:0", s)];
    const [size, off] = coreRelocate(relos, base, [base, mod]);
    expect([size!.target, off!.target]).toEqual([2n, 0n]);
  });

  it("a module given alone is searched together with its base, and disagreement is an error", () => {
    expect(findCandidates(s, [mod])).toHaveLength(2);
    expect(() => coreRelocate([relo(COREKind.TypeSize, "0", s)], base, [mod])).toThrow(
      /ambiguous relocation: value 2 for candidate s \[\d+\] but value 8 for candidate s \[\d+\]/,
    );
    // Field offsets disagree too (a at 0 in one, at 4 in the other).
    expect(() => coreRelocate([relo(COREKind.FieldExists, "0:0", s)], base, [mod])).toThrow(
      /field offset 0 in candidate s .* but 4 in candidate s/,
    );
  });
});

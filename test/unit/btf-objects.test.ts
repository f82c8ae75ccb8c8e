import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  COREKind,
  Kind,
  loadExtInfosFromBuffer,
  loadSpecFromBuffer,
  type CORERelocation,
  type ExtInfos,
  type Spec,
  type Type,
} from "../../src/btf/index.js";
import { ElfFile } from "../../src/elf/index.js";
import { bpftoolTypes, diffWithBpftool, toBpftool } from "./btf-bpftool.js";

const PEER = join(import.meta.dirname, "../../../shared/peer-testdata/cilium-ebpf");
const hasPeer = existsSync(PEER);

function objects(): string[] {
  if (!hasPeer) return [];
  return ["btf", "testdata"].flatMap((d) =>
    readdirSync(join(PEER, d))
      .filter((f) => f.endsWith(".elf"))
      .map((f) => join(d, f)),
  );
}

function load(rel: string): { elf: ElfFile; spec: Spec | undefined; ext: ExtInfos | undefined } {
  const elf = ElfFile.parse(readFileSync(join(PEER, rel)));
  const btf = elf.section(".BTF")?.data();
  if (btf === undefined) return { elf, spec: undefined, ext: undefined };
  const spec = loadSpecFromBuffer(btf, { byteOrder: elf.byteOrder });
  const extBytes = elf.section(".BTF.ext")?.data();
  const ext = extBytes === undefined ? undefined : loadExtInfosFromBuffer(extBytes, elf.byteOrder, spec);
  return { elf, spec, ext };
}

function count<T>(m: Map<string, T[]> | undefined): number {
  return m === undefined ? 0 : [...m.values()].reduce((n, l) => n + l.length, 0);
}

describe.skipIf(!hasPeer)("peer objects (skipped: ../shared/peer-testdata absent)", () => {
  const files = objects();
  // The describe body runs (to collect tests) even when it is skipped.
  const bpftool = hasPeer && bpftoolTypes(join(PEER, "btf/tags-el.elf")) !== undefined;

  it.skipIf(!bpftool).each(files)("%s: types match bpftool", (rel) => {
    const { spec } = load(rel);
    if (spec === undefined) {
      expect(rel).toMatch(/loader_nobtf/);
      return;
    }
    const want = bpftoolTypes(join(PEER, rel))!;
    expect(spec.typeCount).toBe(want.length);
    expect(diffWithBpftool(spec, want)).toEqual([]);
  });

  it.each(files.filter((f) => f.endsWith("-el.elf")))("%s: both byte orders give the same types", (rel) => {
    const le = load(rel);
    const be = load(rel.replace(/-el\.elf$/, "-eb.elf"));
    expect(le.elf.byteOrder).toBe("little");
    expect(be.elf.byteOrder).toBe("big");
    if (le.spec === undefined) {
      expect(be.spec).toBeUndefined();
      return;
    }
    expect(le.spec.byteOrder).toBe("little");
    expect(be.spec!.byteOrder).toBe("big");
    const dump = (s: Spec) => [...s.types()].map((t) => toBpftool(s, t));
    expect(dump(be.spec!)).toEqual(dump(le.spec));
    const extCounts = (e: ExtInfos | undefined) => [count(e?.funcInfos), count(e?.lineInfos), count(e?.coreRelos)];
    expect(extCounts(be.ext)).toEqual(extCounts(le.ext));
    const relos = (e: ExtInfos | undefined) =>
      [...(e?.coreRelos ?? new Map<string, CORERelocation[]>())].map(([sec, l]) => [sec, l.map((r) => [r.insnOff, r.typeID, r.accessStr, r.kind])]);
    expect(relos(be.ext)).toEqual(relos(le.ext));
  });

  for (const order of ["el", "eb"]) {
    it(`tags-${order}.elf: decl and type tags are attached as in tags.c`, () => {
      const { spec, ext } = load(`btf/tags-${order}.elf`);
      const tags = new Map<string, string[]>();
      for (const t of spec!.types()) {
        if (t.kind !== Kind.DeclTag) continue;
        const target = t.type;
        let where = `${target.kind === Kind.Var ? "var" : target.kind === Kind.Func ? "func" : target.kind === Kind.Typedef ? "typedef" : target.kind === Kind.Union ? "union" : "struct"} ${target.name}`;
        if (t.index >= 0) {
          if (target.kind === Kind.Struct || target.kind === Kind.Union) where += `.${target.members[t.index]!.name}`;
          else if (target.kind === Kind.Func) where += `(param ${t.index})`;
        }
        tags.set(where, [...(tags.get(where) ?? []), t.value].sort());
      }
      expect(Object.fromEntries([...tags].sort())).toEqual({
        "func fwdDecl": ["a", "b"],
        "func fwdDecl(param 0)": ["c"],
        "func fwdDecl(param 1)": ["d"],
        "func normalDecl1": ["e"],
        "func normalDecl1(param 0)": ["b"],
        "func normalDecl1(param 1)": ["c"],
        "func normalDecl2": ["e"],
        "func normalDecl2(param 0)": ["b"],
        "func normalDecl2(param 1)": ["c"],
        "struct s": ["c"],
        "struct s.foo": ["a"],
        "struct s.bar": ["b"],
        "typedef td": ["b"],
        "union u": ["c"],
        "union u.foo": ["a"],
        "union u.bar": ["b"],
        "var s1": ["d"],
        "var t1": ["a"],
        "var u1": ["e"],
      });
      expect([...spec!.types()].filter((t) => t.kind === Kind.DeclTag)).toHaveLength(20);
      const fwd = spec!.typeByName("fwdDecl", Kind.Func);
      expect(fwd.linkage).toBe(2);
      expect(count(ext!.funcInfos)).toBe(3);
      expect(count(ext!.coreRelos)).toBe(0);
      const bss = spec!.typeByName(".bss", Kind.Datasec);
      expect(bss.vars.map((v) => [v.type.name, v.offset, v.size])).toEqual([
        ["s1", 0, 2],
        ["u1", 0, 1],
        ["t1", 0, 1],
      ]);
    });

    it(`relocs-${order}.elf: 103 CO-RE records per program and kind`, () => {
      const { spec, ext } = load(`btf/relocs-${order}.elf`);
      const byProg: Record<string, Record<string, number>> = {};
      for (const [sec, list] of ext!.coreRelos) {
        const kinds: Record<string, number> = {};
        for (const r of list) kinds[COREKind[r.kind]] = (kinds[COREKind[r.kind]] ?? 0) + 1;
        byProg[sec] = kinds;
      }
      expect(byProg).toEqual({
        "socket/type_ids": { TypeIDLocal: 22, TypeIDTarget: 6 },
        "socket/types": { TypeExists: 6, TypeSize: 6, TypeMatches: 6 },
        "socket/enums": { EnumvalExists: 3, EnumvalValue: 4 },
        "socket/fields": { FieldByteOffset: 26, FieldExists: 9, FieldByteSize: 9, FieldSigned: 4 },
        "socket/err_ambiguous": { TypeIDTarget: 1 },
        "socket/err_ambiguous_flavour": { TypeIDTarget: 1 },
      });
      expect(count(ext!.funcInfos)).toBe(6);
      expect(count(ext!.lineInfos)).toBe(111);
      for (const [sec, fis] of ext!.funcInfos) {
        expect(fis).toHaveLength(1);
        expect(fis[0]!.insnOff).toBe(0);
        expect(`socket/${fis[0]!.func.name}`).toBe(sec);
      }
      const e64 = spec!.typeByName("e64", Kind.Enum64);
      expect(e64.values).toEqual([{ name: "LARGE", value: 0x1ffffffffn }]);
      for (const list of ext!.coreRelos.values()) {
        for (const r of list) {
          expect(r.accessor.join(":")).toBe(r.accessStr);
          expect(spec!.typeByID(r.typeID) === r.type).toBe(true);
        }
      }
      const li = ext!.lineInfos.get("socket/type_ids")![0]!;
      expect(li.fileName).toMatch(/relocs\.c$/);
      expect(li.lineNumber).toBeGreaterThan(0);
    });

    it(`relocs_read-${order}.elf: 47 CO-RE records in .text`, () => {
      const { ext } = load(`btf/relocs_read-${order}.elf`);
      expect([...ext!.coreRelos.keys()]).toEqual([".text"]);
      const kinds: Record<string, number> = {};
      for (const r of ext!.coreRelos.get(".text")!) kinds[COREKind[r.kind]] = (kinds[COREKind[r.kind]] ?? 0) + 1;
      expect(kinds).toEqual({
        FieldByteOffset: 9,
        FieldByteSize: 7,
        FieldLShiftU64: 7,
        FieldRShiftU64: 14,
        FieldSigned: 7,
        TypeExists: 1,
        FieldExists: 1,
        EnumvalExists: 1,
      });
      expect(count(ext!.funcInfos)).toBe(2);
    });

    it(`relocs_read-${order}.elf: bitfields honour the kind_flag`, () => {
      const { spec } = load(`btf/relocs_read-${order}.elf`);
      const bits = spec!.typeByName("bits", Kind.Struct);
      expect(bits.members.map((m) => [m.name, m.bitOffset, m.bitfieldSize])).toEqual([
        ["x", 0, 0],
        ["a", 32, 4],
        ["b", 36, 2],
        ["c", 38, 1],
        ["d", 39, 2],
        ["e", 41, 1],
        ["f", 42, 16],
        ["g", 64, 30],
      ]);
    });
  }

  it("variables-el.elf: datasecs list their variables", () => {
    const { spec } = load("testdata/variables-el.elf");
    const secs = [...spec!.types()].filter((t): t is Extract<Type, { kind: Kind.Datasec }> => t.kind === Kind.Datasec);
    const names = secs.map((s) => s.name).sort();
    expect(names).toEqual([".bss", ".data", ".data.array", ".data.atomic", ".data.struct", ".data.weak", ".rodata"]);
    const bss = secs.find((s) => s.name === ".bss")!;
    expect(bss.vars.map((v) => v.type.name)).toEqual(["hidden", "var_bss"]);
  });
});

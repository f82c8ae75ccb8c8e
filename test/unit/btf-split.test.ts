import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BTF_MAGIC,
  Int,
  IntEncoding,
  Kind,
  loadSpecFromBuffer,
  marshalSpec,
  Struct,
  WordWriter,
  type ByteOrder,
} from "../../src/btf/index.js";
import { BTFError } from "../../src/errors.js";
import { bpftoolTypes, toBpftool } from "./btf-bpftool.js";

const tmp = mkdtempSync(join(tmpdir(), "btf-split-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Base: [1] int, [2] struct s { int x; }. */
function base(order: ByteOrder): Uint8Array {
  const int = new Int({ name: "int", size: 4, encoding: IntEncoding.Signed });
  const s = new Struct({ name: "s", size: 4, members: [{ name: "x", type: int, bitOffset: 0, bitfieldSize: 0 }] });
  return marshalSpec([int, s], { byteOrder: order }).bytes;
}

/**
 * Split BTF over `base` whose string table is `baseStrLen` bytes: [3] PTR -> 2, [4] typedef sp -> 3,
 * [5] struct m { struct s *p; int y; }. Strings continue at `baseStrLen`.
 */
function split(order: ByteOrder, baseStrLen: number): Uint8Array {
  const strs = new TextEncoder().encode("sp\0m\0p\0y\0");
  const w = new WordWriter(order === "little");
  const types = new WordWriter(order === "little");
  const sp = baseStrLen;
  const m = baseStrLen + 3;
  const p = baseStrLen + 5;
  const y = baseStrLen + 7;
  for (const word of [0, 2 << 24, 2, sp, 8 << 24, 3, m, (4 << 24) | 2, 16, p, 3, 0, y, 1, 64]) types.u32(word);
  const tb = types.bytes();
  w.u16(BTF_MAGIC);
  w.u8(1);
  w.u8(0);
  w.u32(24);
  w.u32(0);
  w.u32(tb.length);
  w.u32(tb.length);
  w.u32(strs.length);
  w.raw(tb);
  w.raw(strs);
  return w.bytes();
}

describe("split BTF", () => {
  for (const order of ["little", "big"] as ByteOrder[]) {
    it(`continues ids and strings after its base (${order}-endian)`, () => {
      const b = loadSpecFromBuffer(base(order));
      const s = loadSpecFromBuffer(split(order, b.strings.length), { base: b });
      expect(s.raw.firstId).toBe(3);
      expect(s.typeCount).toBe(5);
      const m = s.typeByName("m", Kind.Struct);
      expect(m.members.map((x) => [x.name, x.bitOffset])).toEqual([
        ["p", 0],
        ["y", 64],
      ]);
      const ptr = m.members[0]!.type;
      expect(ptr.kind === Kind.Pointer && ptr.target === b.typeByID(2)).toBe(true);
      // Base types are the base's objects; ids resolve through either spec.
      expect(s.typeByID(1) === b.typeByID(1)).toBe(true);
      expect(s.typeID(b.typeByID(2))).toBe(2);
      expect(s.typeByName("int", Kind.Int) === b.typeByID(1)).toBe(true);
      expect([...s.types()].map((t) => t.name)).toEqual(["int", "s", "", "sp", "m"]);
      // Marshalling a split spec writes base and split together, ids unchanged.
      const whole = loadSpecFromBuffer(marshalSpec(s, { byteOrder: order }).bytes);
      expect([...whole.types()].map((t) => toBpftool(whole, t))).toEqual([...s.types()].map((t) => toBpftool(s, t)));
    });
  }

  it("matches bpftool -B", () => {
    const b = loadSpecFromBuffer(base("little"));
    const bytes = split("little", b.strings.length);
    const basePath = join(tmp, "base");
    const splitPath = join(tmp, "split");
    writeFileSync(basePath, base("little"));
    writeFileSync(splitPath, bytes);
    const want = bpftoolTypes(splitPath, basePath);
    if (want === undefined) return;
    const s = loadSpecFromBuffer(bytes, { base: b });
    expect(want.map((t) => toBpftool(s, s.typeByID(t.id)))).toEqual(want);
    expect(execFileSync("bpftool", ["btf", "dump", "file", splitPath, "-B", basePath], { encoding: "utf8" })).toContain(
      "[4] TYPEDEF 'sp' type_id=3",
    );
  });

  it("rejects a base of the other byte order and references beyond the last id", () => {
    const b = loadSpecFromBuffer(base("big"));
    expect(() => loadSpecFromBuffer(split("little", b.strings.length), { base: b })).toThrow(/big-endian/);
    const alone = () => loadSpecFromBuffer(split("little", 0));
    // Without its base the split's references point past its own types.
    expect(alone).toThrow(BTFError);
  });
});

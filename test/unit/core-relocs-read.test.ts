// btf/relocs_read-{el,eb}.elf: CO-RE in a subprogram (.text), bitfields, and types missing from
// the target. Relocated against relocs_read_tgt (members reordered, bitfields moved and
// resized), alone or beside vmlinux, whose unrelated `struct s { conv }` must not interfere.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Class, opClass } from "../../src/asm/index.js";
import { COREKind, coreKindName, loadKernelSpec } from "../../src/btf/index.js";
import { applyCOREFixups, coreRelocate, type COREFixup } from "../../src/btf/core/index.js";
import { bySlot, havePeer, loadObject, PEER_BTF, peerSkip, slotCount } from "./core-objects.js";

// Field of struct bits in relocs_read (access index) -> in relocs_read_tgt:
// [byte offset, byte size, lshift little endian, lshift big endian, rshift].
const BITS: Record<string, [number, number, number, number, number]> = {
  "0:1": [0, 1, 58, 58, 60], // a: u8 a:4 at bit 2
  "0:2": [0, 1, 62, 56, 62], // b: u8 b:2 at bit 0
  "0:4": [0, 4, 56, 38, 62], // d: my_u32 d:2 at bit 6
  "0:3": [0, 2, 55, 56, 63], // c: u16 c:1 at bit 8
  "0:5": [0, 4, 54, 41, 63], // e: enum e:1 at bit 9
  "0:6": [2, 2, 48, 48, 48], // f: plain u16 at byte 2 (was u64 f:16)
  "0:7": [4, 4, 34, 32, 34], // g: u32 g:30 at bit 32
};

function expected(f: COREFixup, order: "el" | "eb"): bigint {
  const r = f.relocation;
  if (r.type.name === "s") return r.accessStr === "0:0" ? 1n : 0n; // a and b swapped
  if (r.type.name !== "bits") return 0n; // nonexist, nonexist_enum: absent
  const [off, size, lle, lbe, rshift] = BITS[r.accessStr]!;
  switch (r.kind) {
    case COREKind.FieldByteOffset:
      return BigInt(off);
    case COREKind.FieldByteSize:
      return BigInt(size);
    case COREKind.FieldLShiftU64:
      return BigInt(order === "el" ? lle : lbe);
    case COREKind.FieldRShiftU64:
      return BigInt(rshift);
    case COREKind.FieldSigned:
      return 0n;
    default:
      throw new Error(`unexpected ${coreKindName(r.kind)}`);
  }
}

const VMLINUX = "/sys/kernel/btf/vmlinux";

for (const order of ["el", "eb"] as const) {
  describe.skipIf(!havePeer)(`relocs_read-${order}.elf (skipped when ${peerSkip})`, () => {
    const obj = havePeer ? loadObject(join(PEER_BTF, `relocs_read-${order}.elf`)) : undefined!;
    const tgt = havePeer ? loadObject(join(PEER_BTF, `relocs_read_tgt-${order}.elf`)) : undefined!;
    const relos = havePeer ? obj.relos.get(".text")! : [];

    it("has all 47 records in the subprogram", () => {
      expect([...obj.relos.keys()]).toEqual([".text"]);
      expect(relos).toHaveLength(47);
      expect(tgt.relos.size).toBe(0);
    });

    it("against its own BTF: local equals target and validated values are unchanged", () => {
      const fixups = coreRelocate(relos, obj.spec, [obj.spec]);
      const insns = obj.insns(".text");
      const before = bySlot(insns);
      const after = bySlot(applyCOREFixups(insns, fixups));
      for (const f of fixups) {
        expect(f.poison).toBe(false);
        expect(f.target).toBe(f.local);
        if (f.validate) expect(after.get(f.relocation.insnOff)!.toString()).toBe(before.get(f.relocation.insnOff)!.toString());
      }
      // Bitfield offsets, sizes and left shifts are not checked against clang's (libbpf
      // neither): clang reads f with 4 bytes at offset 4, libbpf's rule uses 8 bytes at 0.
      const f16 = fixups.filter((f) => f.relocation.accessStr === "0:6").map((f) => [coreKindName(f.kind), f.validate]);
      expect(f16).toEqual([
        ["byte_off", false],
        ["byte_sz", false],
        ["lshift_u64", false],
        ["signed", true],
        ["rshift_u64", true],
        ["rshift_u64", true],
      ]);
    });

    it("against relocs_read_tgt: every value and every patched instruction", () => {
      const fixups = coreRelocate(relos, obj.spec, [tgt.spec]);
      const insns = obj.insns(".text");
      const patched = applyCOREFixups(insns, fixups);
      expect(slotCount(patched)).toBe(slotCount(insns));
      const at = bySlot(patched);
      for (const f of fixups) {
        const what = `${coreKindName(f.kind)} ${f.relocation.type.name} ${f.relocation.accessStr}`;
        expect(f.poison, what).toBe(false);
        expect(f.target, what).toBe(expected(f, order));
        const insn = at.get(f.relocation.insnOff)!;
        if (opClass(insn.opcode) === Class.LDX) expect(BigInt(insn.offset), what).toBe(f.target);
        else expect(insn.constant, what).toBe(f.target);
      }
      // The two loads of struct s swap offsets and keep their 1-byte size.
      expect(at.get(5)!.toString()).toBe("r1 = *(u8 *)(r1 + 0)");
      expect(at.get(10)!.toString()).toBe("r1 = *(u8 *)(r1 + 1)");
      // Existence checks of absent types become 0.
      expect([205, 208, 210].map((s) => at.get(s)!.constant)).toEqual([0n, 0n, 0n]);
    });

    // Each of the next two concerns one byte order only; vmlinux BTF needs CONFIG_DEBUG_INFO_BTF.
    const vmlinuxSkip = existsSync(VMLINUX) ? "" : " (skipped: no /sys/kernel/btf/vmlinux)";
    if (order === "el") it.skipIf(vmlinuxSkip !== "")(`beside vmlinux: vmlinux's struct s does not match${vmlinuxSkip}`, () => {
      const vmlinux = loadKernelSpec();
      const alone = coreRelocate(relos, obj.spec, [tgt.spec]);
      const both = coreRelocate(relos, obj.spec, [vmlinux, tgt.spec]);
      expect(both.map((f) => [f.target, f.poison])).toEqual(alone.map((f) => [f.target, f.poison]));
      expect(both[0]!.targetSpec).toBe(tgt.spec);
    });

    if (order === "eb") it.skipIf(vmlinuxSkip !== "")(`refuses little-endian targets for a big-endian program${vmlinuxSkip}`, () => {
      expect(() => coreRelocate(relos, obj.spec, [loadKernelSpec()])).toThrow(/big-endian program against little-endian BTF/);
    });
  });
}

// btf/relocs_enum-{el,eb}.elf: an enum value the running kernel lacks. Its existence check
// becomes 0 and its value, on an lddw, is poisoned in both slots as libbpf does, so the jump
// over it still lands on the same instruction.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Class, JumpOp } from "../../src/asm/index.js";
import { Kind, loadKernelSpec, type Enum, type Enum64 } from "../../src/btf/index.js";
import { applyCOREFixups, COREBadRelocationSentinel, coreRelocate } from "../../src/btf/core/index.js";
import { bySlot, havePeer, loadObject, PEER_BTF, peerSkip, slotCount } from "./core-objects.js";

const SECTION = "socket/core_ld64imm";
const hasVmlinux = existsSync("/sys/kernel/btf/vmlinux");

describe.skipIf(!havePeer)(`relocs_enum (skipped when ${peerSkip})`, () => {
  for (const order of ["el", "eb"] as const) {
    it(`${order}: against its own BTF the value exists and is 1`, () => {
      const obj = loadObject(join(PEER_BTF, `relocs_enum-${order}.elf`));
      const relos = obj.relos.get(SECTION)!;
      expect(relos.map((r) => [r.insnOff, r.kind, r.type.name, r.accessStr])).toEqual([
        [0, 10, "cgroup_subsys_id", "1"],
        [3, 11, "cgroup_subsys_id", "1"],
      ]);
      const fixups = coreRelocate(relos, obj.spec, [obj.spec]);
      expect(fixups.map((f) => [f.local, f.target, f.poison])).toEqual([
        [1n, 1n, false],
        [1n, 1n, false],
      ]);
      const insns = obj.insns(SECTION);
      expect(applyCOREFixups(insns, fixups).map(String)).toEqual(insns.map(String));
    });
  }

  it.skipIf(!hasVmlinux)("against vmlinux: exists is 0 and the value's lddw becomes two poisoned calls", () => {
    const obj = loadObject(join(PEER_BTF, "relocs_enum-el.elf"));
    const vmlinux = loadKernelSpec();
    // The kernel has the enum, but not the value.
    const kernelEnum = vmlinux.typeByName("cgroup_subsys_id");
    expect([Kind.Enum, Kind.Enum64]).toContain(kernelEnum.kind);
    const values = (kernelEnum as Enum | Enum64).values.map((v) => v.name);
    expect(values).toContain("cpuset_cgrp_id");
    expect(values).not.toContain("cpuset_cgrp_id_lublub");
    const fixups = coreRelocate(obj.relos.get(SECTION)!, obj.spec); // targets default to the kernel
    expect(fixups.map((f) => [f.local, f.target, f.poison])).toEqual([
      [1n, 0n, false],
      [1n, 0n, true],
    ]);
    const insns = obj.insns(SECTION);
    const patched = applyCOREFixups(insns, fixups);
    expect(insns.map(String)).toEqual([
      "r1 = 1 ll",
      "if r1 == 0 goto +3",
      "r1 = 1 ll",
      "*(u32 *)(r10 - 4) = r1",
      "r0 = 0",
      "exit",
    ]);
    expect(patched.map(String)).toEqual([
      "r1 = 0 ll",
      "if r1 == 0 goto +3",
      "call 195896080",
      "call 195896080",
      "*(u32 *)(r10 - 4) = r1",
      "r0 = 0",
      "exit",
    ]);
    // Same slots: the jump at slot 2 still skips exactly the two poisoned slots.
    expect(slotCount(patched)).toBe(slotCount(insns));
    const at = bySlot(patched);
    for (const slot of [3, 4]) {
      const call = at.get(slot)!;
      expect([call.opcode, call.dst, call.src, call.offset, call.constant]).toEqual([
        Class.JMP | JumpOp.CALL,
        0,
        0,
        0,
        BigInt(COREBadRelocationSentinel),
      ]);
    }
    expect(at.get(5)!.toString()).toBe("*(u32 *)(r10 - 4) = r1");
  });
});

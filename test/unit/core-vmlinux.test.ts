// bpf/core_read.o (ours) relocated against the running kernel's BTF. Expected values come from
// `bpftool btf dump file /sys/kernel/btf/vmlinux -j`, not from our own BTF parser.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COREKind, coreKindName, KernelSpecCache, loadKernelSpec } from "../../src/btf/index.js";
import {
  applyCOREFixups,
  COREBadRelocationSentinel,
  coreRelocate,
  findCandidates,
  idsByEssentialName,
  type COREFixup,
} from "../../src/btf/core/index.js";
import { bpftoolTypes, type BpftoolType } from "./btf-bpftool.js";
import { BPF_DIR, bySlot, loadObject, slotCount } from "./core-objects.js";

const VMLINUX = "/sys/kernel/btf/vmlinux";
const hasVmlinux = existsSync(VMLINUX);
const bpftool = hasVmlinux ? bpftoolTypes(VMLINUX) : undefined;
const POISON = `call ${COREBadRelocationSentinel}`;

interface BpftoolMember {
  name: string;
  type_id: number;
  bits_offset: number;
  bitfield_size?: number;
}

function kernel(types: BpftoolType[]) {
  const byKind = (kind: string, name: string) => {
    const all = types.filter((t) => t.kind === kind && t.name === name);
    expect(all, `${kind} ${name}`).toHaveLength(1);
    return all[0]!;
  };
  const task = byKind("STRUCT", "task_struct");
  const members = task.members as BpftoolMember[];
  const member = (name: string) => members.find((m) => m.name === name)!;
  const typeOf = (id: number) => types[id - 1]!;
  const pidType = byKind("ENUM", "pid_type");
  const sid = (pidType.values as { name: string; val: number }[]).find((v) => v.name === "PIDTYPE_SID")!.val;
  return { task, member, typeOf, sid };
}

describe.skipIf(!hasVmlinux || bpftool === undefined)("core_read.o against vmlinux (skipped: no vmlinux BTF or bpftool)", () => {
  const obj = loadObject(join(BPF_DIR, "core_read.o"));
  const k = bpftool === undefined ? undefined! : kernel(bpftool);
  const fixupsOf = (sec: string) => coreRelocate(obj.relos.get(sec)!, obj.spec, [loadKernelSpec()]);

  // libbpf's bitfield rule: the smallest aligned load of the member's int size that covers it.
  const migrated = k.member("sched_migrated");
  const intSize = k.typeOf(migrated.type_id).size as number;
  const bfOffset = Math.floor(migrated.bits_offset / 8 / intSize) * intSize;
  const bfLShift = 64 - (migrated.bits_offset + 1 - bfOffset * 8);

  it("bpftool and our spec agree on task_struct's id", () => {
    const vmlinux = loadKernelSpec();
    expect(idsByEssentialName(vmlinux, "task_struct")).toEqual([k.task.id]);
    // The flavour finds the same candidate.
    const old = obj.spec.typeByName("task_struct___old");
    expect(findCandidates(old, [vmlinux]).map((c) => c.id)).toEqual([k.task.id]);
  });

  it("socket: constants for every relocation kind", () => {
    const fixups = fixupsOf("socket");
    const got = fixups.map((f) => {
      const r = f.relocation;
      return [r.insnOff, coreKindName(f.kind), r.type.name, f.poison ? "poison" : f.target];
    });
    const off = (name: string) => BigInt(k.member(name).bits_offset / 8);
    expect(got).toEqual([
      [0, "byte_off", "task_struct", off("pid")],
      [4, "byte_sz", "task_struct", 16n],
      [6, "field_exists", "task_struct", 1n],
      [8, "field_exists", "task_struct", 0n],
      [10, "signed", "task_struct", 1n],
      [12, "signed", "task_struct", 0n],
      [14, "lshift_u64", "task_struct", BigInt(bfLShift)],
      [16, "rshift_u64", "task_struct", 63n],
      [18, "byte_off", "task_struct", BigInt(bfOffset)],
      [20, "byte_sz", "task_struct", BigInt(intSize)],
      [22, "type_exists", "task_struct", 1n],
      [24, "type_size", "task_struct", BigInt(k.task.size as number)],
      [26, "target_type_id", "task_struct", BigInt(k.task.id)],
      [29, "type_exists", "no_such_type", 0n],
      [31, "type_exists", "list_head", 1n],
      [33, "enumval_exists", "pid_type", 1n],
      [36, "enumval_value", "pid_type", BigInt(k.sid)],
      [39, "enumval_exists", "pid_type", 0n],
      [43, "enumval_value", "pid_type", "poison"],
      [46, "local_type_id", "task_struct", BigInt(obj.spec.typeID(obj.spec.typeByName("task_struct")))],
      [49, "field_exists", "task_struct___old", 0n],
      [51, "field_exists", "task_struct___new", 1n],
      [53, "byte_off", "task_struct___new", off("__state")],
      [55, "type_size", "task_struct___old", BigInt(k.task.size as number)],
    ]);
    // The compiled values are the local layout's.
    expect(fixups[0]!.local).toBe(16n);
    expect(fixups[11]!.local).toBe(48n);
    expect(fixups[16]!.local).toBe(11n);
  });

  it("socket: patched instructions", () => {
    const fixups = fixupsOf("socket");
    const insns = obj.insns("socket");
    const patched = applyCOREFixups(insns, fixups);
    expect(slotCount(patched)).toBe(slotCount(insns));
    const at = bySlot(patched);
    for (const f of fixups) {
      const insn = at.get(f.relocation.insnOff)!;
      if (f.poison) expect(insn.toString()).toBe(POISON);
      else expect(insn.constant, `${coreKindName(f.kind)} at ${f.relocation.insnOff}`).toBe(f.target);
    }
    // The poisoned lddw fills both of its slots; the jump over it is unchanged.
    expect(at.get(42)!.toString()).toBe("if r2 == 0 goto +3");
    expect(at.get(44)!.toString()).toBe(POISON);
    expect(at.get(46)!.toString()).toBe(`r2 = ${at.get(46)!.constant} ll`);
    expect(at.get(26)!.toString()).toBe(`r2 = ${k.task.id} ll`);
  });

  it("tp_btf/sched_switch: loads relocated, resized or poisoned", () => {
    const fixups = fixupsOf("tp_btf/sched_switch");
    const insns = obj.insns("tp_btf/sched_switch");
    const patched = applyCOREFixups(insns, fixups);
    expect(slotCount(patched)).toBe(slotCount(insns));
    const at = bySlot(patched);
    const off = (name: string) => k.member(name).bits_offset / 8;
    const show = (slot: number) => at.get(slot)!.toString();
    // int pid: same size, new offset.
    expect(show(1)).toBe(`r2 = *(u32 *)(r1 + ${off("pid")})`);
    // Local unsigned long flags is an unsigned int in the kernel: the load shrinks.
    const flags: COREFixup = fixups.find((f) => f.relocation.insnOff === 7)!;
    expect([flags.localSize, flags.targetSize, flags.memSizeMismatch]).toEqual([8, 4, false]);
    expect(show(7)).toBe(`r2 = *(u32 *)(r1 + ${off("flags")})`);
    // Local signed long prio is an int: resizing would change the value, so poison; the
    // field size check before it (8 == sizeof(long)) becomes 4 and makes it dead code.
    expect(fixups.find((f) => f.relocation.insnOff === 36)!.target).toBe(4n);
    expect(fixups.find((f) => f.relocation.insnOff === 38)!.memSizeMismatch).toBe(true);
    expect(show(36)).toBe("r2 = 4");
    expect(show(38)).toBe(POISON);
    // Missing field and the old flavour's missing `state`: existence 0, loads poisoned.
    expect([show(40), show(42)]).toEqual(["r2 = 0", POISON]);
    expect([show(48), show(50)]).toEqual(["r2 = 0", POISON]);
    // The new flavour's __state.
    expect(show(52)).toBe(`r1 = *(u32 *)(r1 + ${off("__state")})`);
    // Bitfield read: offset, size (selecting the u32 load), shifts.
    expect([show(9), show(12), show(27), show(30), show(32)]).toEqual([
      `r2 = ${bfOffset}`,
      `r4 = ${intSize}`,
      `r2 <<= ${bfLShift}`,
      "r2 s>>= 63",
      "r2 >>= 63",
    ]);
    expect(fixups.filter((f) => f.kind === COREKind.FieldSigned).map((f) => f.target)).toEqual([0n]);
  });

  it("defaults to the running kernel, reading modules only for types vmlinux lacks", () => {
    const cache = new KernelSpecCache();
    const relos = obj.relos.get("socket")!;
    const viaDefault = coreRelocate(relos, obj.spec, undefined, { kernelCache: cache });
    expect(viaDefault.map((f) => f.target)).toEqual(fixupsOf("socket").map((f) => f.target));
    expect(viaDefault[12]!.targetSpec).toBe(cache.kernel());
  });
});

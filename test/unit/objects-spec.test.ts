// The project's own loader objects (bpf/loader_*.c) parsed without privileges. Every expected
// value was read by hand from `llvm-readelf -S -s -r -x`, `llvm-objdump -d -r` and
// `bpftool btf dump file` of the committed objects.
import { describe, expect, it } from "vitest";
import { PseudoLoad, type Instruction } from "../../src/asm/index.js";
import { Kind } from "../../src/btf/index.js";
import type { CollectionSpec } from "../../src/collection/spec.js";
import { loadCollectionSpec } from "../../src/elf/loader/index.js";
import { expectBenchLoadMapsLayout } from "../helpers/bench-load.js";
import { PinType } from "../../src/map/spec.js";
import { MapFlags, MapType } from "../../src/map/types.js";
import { AttachType, ProgramType } from "../../src/prog/types.js";

const dir = new URL("../../bpf/", import.meta.url).pathname;
const load = (name: string): Promise<CollectionSpec> => loadCollectionSpec(`${dir}${name}.o`);

const DATA = MapFlags.BPF_F_MMAPABLE;
const RODATA = MapFlags.BPF_F_MMAPABLE | MapFlags.BPF_F_RDONLY_PROG;

function maps(spec: CollectionSpec): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(spec.maps).map(([n, m]) => [
      n,
      [m.type, m.keySize, m.valueSize, m.maxEntries, m.flags ?? 0, m.pinning ?? PinType.None, m.key?.name, m.value?.name],
    ]),
  );
}

function programs(spec: CollectionSpec): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(spec.programs).map(([n, p]) => [n, [p.type, p.attachType, p.sectionName, p.attachTo, p.autoload, p.flags ?? 0]]),
  );
}

/** [slot, reference] for every instruction that names a map, data section, function or extern. */
function references(spec: CollectionSpec, program: string): [number, string][] {
  const out: [number, string][] = [];
  let slot = 0;
  for (const ins of spec.programs[program]!.instructions as readonly Instruction[]) {
    if (ins.reference) out.push([slot, ins.reference]);
    slot += ins.isDWordLoad() ? 2 : 1;
  }
  return out;
}

/** The function symbols linked into a program, in order. */
function linked(spec: CollectionSpec, program: string): string[] {
  return (spec.programs[program]!.instructions as readonly Instruction[]).map((i) => i.symbol).filter((s): s is string => !!s);
}

function variables(spec: CollectionSpec): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(spec.variables).map(([n, v]) => [n, [v.sectionName, v.offset, v.size, v.readonly, [...v.get()]]]),
  );
}

describe("bpf/loader_maps.o: legacy and BTF map definitions", () => {
  it("parses every map exactly", async () => {
    const spec = await load("loader_maps");
    expect(maps(spec)).toEqual({
      legacy_hash: [MapType.Hash, 4, 8, 16, MapFlags.BPF_F_NO_PREALLOC, PinType.None, undefined, undefined],
      legacy_array: [MapType.Array, 4, 4, 2, 0, PinType.None, undefined, undefined],
      btf_hash: [MapType.Hash, 4, 16, 8, MapFlags.BPF_F_NO_PREALLOC, PinType.None, "__u32", "pair"],
      sized_array: [MapType.Array, 4, 8, 4, 0, PinType.None, undefined, undefined],
      percpu_array: [MapType.PerCPUArray, 4, 8, 1, 0, PinType.None, "__u32", "__u64"],
      numa_lru: [MapType.LRUHash, 8, 4, 32, MapFlags.BPF_F_NUMA_NODE, PinType.None, "__u64", "__u32"],
      lpm: [MapType.LPMTrie, 8, 4, 16, MapFlags.BPF_F_NO_PREALLOC, PinType.None, "lpm_key", "__u32"],
      queue: [MapType.Queue, 0, 4, 4, 0, PinType.None, undefined, "__u32"],
      stack: [MapType.Stack, 0, 8, 4, 0, PinType.None, undefined, "__u64"],
      bloom: [MapType.BloomFilter, 0, 4, 64, 0, PinType.None, undefined, "__u32"],
      ring: [MapType.RingBuf, 0, 0, 4096, 0, PinType.None, undefined, undefined],
      perf: [MapType.PerfEventArray, 4, 4, 0, 0, PinType.None, undefined, undefined],
      pinned_hash: [MapType.Hash, 4, 8, 2, 0, PinType.ByName, "__u32", "__u64"],
      inner_a: [MapType.Array, 4, 4, 1, 0, PinType.None, "__u32", "__u32"],
      inner_b: [MapType.Array, 4, 4, 1, 0, PinType.None, "__u32", "__u32"],
      outer: [MapType.ArrayOfMaps, 4, 4, 3, 0, PinType.None, "__u32", undefined],
      outer_hash: [MapType.HashOfMaps, 4, 4, 2, 0, PinType.None, "__u32", undefined],
      lock_map: [MapType.Array, 4, 12, 1, 0, PinType.None, "__u32", "locked"],
      jump: [MapType.ProgramArray, 4, 4, 2, 0, PinType.None, undefined, undefined],
      // The initialiser of `struct pair pv` in use_maps: a merged constant no program references.
      ".rodata.cst16": [MapType.Array, 4, 16, 1, RODATA, PinType.None, undefined, undefined],
    });
    expect(spec.maps.numa_lru!.numaNode).toBe(0);
    expect(spec.maps.bloom!.mapExtra).toBe(3);
    expect(spec.maps.btf_hash!.mapExtra).toBeUndefined();
    expect(spec.maps.legacy_hash!.extra).toBeUndefined();
    expect(spec.maps[".rodata.cst16"]!.contents).toEqual([
      { key: 0, value: new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0, 30, 0, 0, 0, 0, 0, 0, 0]) },
    ]);
  });

  it("parses inner maps and static map-in-map and prog-array slots", async () => {
    const spec = await load("loader_maps");
    expect(spec.maps.outer!.innerMap).toMatchObject({ name: "outer_inner", type: MapType.Array, keySize: 4, valueSize: 4, maxEntries: 1 });
    expect(spec.maps.outer!.contents).toEqual([
      { key: 0, value: { map: "inner_a" } },
      { key: 2, value: { map: "inner_b" } },
    ]);
    expect(spec.maps.outer_hash!.innerMap).toMatchObject({ name: "outer_hash_inner", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 4 });
    expect(spec.maps.outer_hash!.contents ?? []).toEqual([]);
    expect(spec.maps.jump!.contents).toEqual([{ key: 1, value: { program: "tail_target" } }]);
    const locked = spec.maps.lock_map!.value!;
    expect(locked.kind).toBe(Kind.Struct);
    expect((locked as { members: readonly { name: string }[] }).members.map((m) => m.name)).toEqual(["lock", "count", "last"]);
  });

  it("parses programs and relocates every map load", async () => {
    const spec = await load("loader_maps");
    expect(programs(spec)).toEqual({
      tail_target: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      use_maps: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      use_outer: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      use_jump: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      use_lock: [ProgramType.SchedCLS, AttachType.AttachNone, "tc", "", true, 0],
    });
    expect(Object.values(spec.programs).every((p) => p.license === "GPL" && p.kernelVersion === 0)).toBe(true);
    // .relsocket offsets minus the function's st_value, in 8-byte slots.
    expect(references(spec, "use_maps")).toEqual([
      [17, "legacy_hash"],
      [22, "legacy_hash"],
      [32, "legacy_array"],
      [37, "legacy_array"],
      [48, "btf_hash"],
      [53, "btf_hash"],
      [64, "queue"],
      [69, "bloom"],
      [78, "stack"],
      [85, "queue"],
      [91, "stack"],
      [105, "sized_array"],
    ]);
    expect(references(spec, "use_outer")).toEqual([[8, "outer"]]);
    expect(references(spec, "use_jump")).toEqual([[0, "jump"]]);
    expect(references(spec, "use_lock")).toEqual([[5, "lock_map"]]);
    expect(references(spec, "tail_target")).toEqual([]);
    const loads = (spec.programs.use_maps!.instructions as readonly Instruction[]).filter((i) => i.isDWordLoad());
    expect(loads.every((i) => i.src === PseudoLoad.MapFD && i.constant === 0n)).toBe(true);
    expect((spec.programs.use_maps!.instructions as readonly Instruction[]).length).toBe(100);
  });
});

describe("bpf/bench_load.o: what its BTF needs to load as it is", () => {
  it("fills in the sizes and variable offsets clang leaves at 0 in .maps and license", async () => {
    const spec = await load("bench_load");
    expectBenchLoadMapsLayout(spec.types!);
    const license = spec.types!.typeByName("license", Kind.Datasec);
    expect([license.size, license.vars[0]!.offset]).toEqual([4, 0]);
  });

  it("keeps each line record's string offsets, which name its file and source line", async () => {
    const spec = await load("bench_load");
    const lines = Object.values(spec.programs).flatMap((p) => p.btf!.lineInfos);
    expect(lines.length).toBe(286);
    for (const l of lines) {
      expect(spec.types!.strings.lookup(l.fileNameOffset!)).toBe(l.fileName);
      expect(spec.types!.strings.lookup(l.lineOffset!)).toBe(l.line);
    }
    expect(new Set(lines.map((l) => l.fileName))).toEqual(new Set([expect.stringMatching(/bench_load\.c$/)]));
  });
});

describe("bpf/loader_globals.o: data sections, license and version", () => {
  it("parses data maps with their initial contents", async () => {
    const spec = await load("loader_globals");
    expect(maps(spec)).toEqual({
      ".rodata": [MapType.Array, 4, 16, 1, RODATA, PinType.None, undefined, ".rodata"],
      ".rodata.cfg": [MapType.Array, 4, 4, 1, RODATA, PinType.None, undefined, ".rodata.cfg"],
      ".data": [MapType.Array, 4, 8, 1, DATA, PinType.None, undefined, ".data"],
      ".data.counters": [MapType.Array, 4, 4, 1, DATA, PinType.None, undefined, ".data.counters"],
      ".bss": [MapType.Array, 4, 32, 1, DATA, PinType.None, undefined, ".bss"],
    });
    expect(Object.fromEntries(Object.entries(spec.maps).map(([n, m]) => [n, m.freeze]))).toEqual({
      ".rodata": true,
      ".rodata.cfg": true,
      ".data": false,
      ".data.counters": false,
      ".bss": false,
    });
    const bytes = (name: string) => [...(spec.maps[name]!.contents![0]!.value as Uint8Array)];
    expect(bytes(".rodata")).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(bytes(".rodata.cfg")).toEqual([1, 2, 4, 8]);
    expect(bytes(".data")).toEqual([100, 0, 0, 0, 0, 0, 0, 0]);
    expect(bytes(".data.counters")).toEqual([7, 0, 0, 0]);
    expect(bytes(".bss")).toEqual(new Array(32).fill(0));
  });

  it("parses variables and lets them be set before load", async () => {
    const spec = await load("loader_globals");
    expect(variables(spec)).toEqual({
      cfg_multiplier: [".rodata", 0, 4, true, [3, 0, 0, 0]],
      cfg_offset: [".rodata", 8, 8, true, [0xf6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
      cfg_table: [".rodata.cfg", 0, 4, true, [1, 2, 4, 8]],
      data_base: [".data", 0, 8, false, [100, 0, 0, 0, 0, 0, 0, 0]],
      counter: [".data.counters", 0, 4, false, [7, 0, 0, 0]],
      result: [".bss", 0, 24, false, new Array(24).fill(0)],
      zeroed: [".bss", 24, 8, false, new Array(8).fill(0)],
    });
    expect(spec.variables.result!.type?.name).toBe("result");
    spec.variables.cfg_multiplier!.set(5);
    spec.variables.cfg_offset!.set(-1n);
    expect([...(spec.maps[".rodata"]!.contents![0]!.value as Uint8Array)]).toEqual([5, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]);
    expect(() => spec.variables.cfg_multiplier!.set(-1)).toThrow(/does not fit/);
  });

  it("parses the program, license and version, and relocates data loads with their offsets", async () => {
    const spec = await load("loader_globals");
    expect(programs(spec)).toEqual({ compute: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0] });
    expect(spec.programs.compute!.license).toBe("Dual MIT/GPL");
    expect(spec.programs.compute!.kernelVersion).toBe(0x060c00);
    expect(references(spec, "compute")).toEqual([
      [1, ".data.counters"],
      [6, ".bss"],
      [9, ".rodata"],
      [12, ".rodata"],
      [15, ".rodata.cfg"],
      [20, ".data"],
      [24, ".bss"],
    ]);
    const loads = (spec.programs.compute!.instructions as readonly Instruction[]).filter((i) => i.isDWordLoad());
    // The variable's offset inside its section sits in the upper half of the constant.
    expect(loads.map((i) => [i.src, Number(i.constant >> 32n)])).toEqual([
      [PseudoLoad.MapValue, 0],
      [PseudoLoad.MapValue, 24],
      [PseudoLoad.MapValue, 0],
      [PseudoLoad.MapValue, 8],
      [PseudoLoad.MapValue, 0],
      [PseudoLoad.MapValue, 0],
      [PseudoLoad.MapValue, 0],
    ]);
  });
});

describe("bpf/loader_calls.o: subprograms, callbacks and tail calls", () => {
  it("parses programs sharing sections, each with its subprograms linked in", async () => {
    const spec = await load("loader_calls");
    expect(programs(spec)).toEqual({
      xdp_first: [ProgramType.XDP, AttachType.AttachXDP, "xdp", "", true, 0],
      xdp_second: [ProgramType.XDP, AttachType.AttachXDP, "xdp", "", true, 0],
      with_loop: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      with_for_each: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      tail_main: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      tail_1: [ProgramType.SocketFilter, AttachType.AttachNone, "socket/tail", "tail", true, 0],
      tail_2: [ProgramType.SocketFilter, AttachType.AttachNone, "socket/tail", "tail", true, 0],
    });
    expect(linked(spec, "xdp_first")).toEqual(["xdp_first", "twice", "add_global"]);
    expect(linked(spec, "xdp_second")).toEqual(["xdp_second", "add_global", "twice"]);
    expect(linked(spec, "with_loop")).toEqual(["with_loop", "loop_cb"]);
    expect(linked(spec, "with_for_each")).toEqual(["with_for_each", "each_cb"]);
    expect(linked(spec, "tail_main")).toEqual(["tail_main"]);
    expect(linked(spec, "tail_1")).toEqual(["tail_1", "twice"]);
    expect(linked(spec, "tail_2")).toEqual(["tail_2", "add_global", "twice"]);
    expect(spec.programs.xdp_first!.btf?.funcInfos.map((f) => f.func.name)).toEqual(["xdp_first", "twice", "add_global"]);
    expect(spec.programs.tail_2!.btf?.funcInfos.map((f) => f.func.name)).toEqual(["tail_2", "add_global", "twice"]);
  });

  it("relocates calls, callbacks and map loads", async () => {
    const spec = await load("loader_calls");
    expect(references(spec, "xdp_first")).toEqual([
      [1, "twice"],
      [5, "add_global"],
      [14, "twice"],
    ]);
    expect(references(spec, "xdp_second")).toEqual([
      [2, "add_global"],
      [7, "twice"],
    ]);
    expect(references(spec, "with_loop")).toEqual([[5, "loop_cb"]]);
    expect(references(spec, "with_for_each")).toEqual([
      [9, "values"],
      [21, "values"],
      [33, "values"],
      [45, "values"],
      [51, "values"],
      [53, "each_cb"],
    ]);
    expect(references(spec, "tail_main")).toEqual([[2, "progs"]]);
    // A callback is an ld_imm64 of a function: src = BPF_PSEUDO_FUNC (4).
    const cb = (spec.programs.with_loop!.instructions as readonly Instruction[]).find((i) => i.reference === "loop_cb")!;
    expect(cb.isDWordLoad()).toBe(true);
    expect(cb.src).toBe(4);
    expect(maps(spec)).toEqual({
      values: [MapType.Array, 4, 8, 4, 0, PinType.None, "__u32", "__u64"],
      progs: [MapType.ProgramArray, 4, 4, 4, 0, PinType.None, undefined, undefined],
    });
    expect(spec.maps.progs!.contents).toEqual([
      { key: 1, value: { program: "tail_1" } },
      { key: 3, value: { program: "tail_2" } },
    ]);
  });
});

describe("bpf/loader_externs.o: kconfig, ksyms and kfuncs", () => {
  it("parses externs with their kinds, weakness and .kconfig offsets", async () => {
    const spec = await load("loader_externs");
    expect(
      Object.fromEntries(Object.entries(spec.externs).map(([n, e]) => [n, [e.kind, e.weak, e.offset, e.type?.kind]])),
    ).toEqual({
      LINUX_KERNEL_VERSION: ["kconfig", false, 0, Kind.Var],
      CONFIG_BPF_SYSCALL: ["kconfig", false, 4, Kind.Var],
      CONFIG_BPF_JIT: ["kconfig", false, 8, Kind.Var],
      CONFIG_HZ: ["kconfig", false, 12, Kind.Var],
      CONFIG_NO_SUCH_OPTION: ["kconfig", true, 16, Kind.Var],
      CONFIG_DEFAULT_HOSTNAME: ["kconfig", false, 20, Kind.Var],
      bpf_init: ["ksym", false, undefined, undefined],
      bpf_task_from_pid: ["kfunc", false, undefined, Kind.Func],
      bpf_task_acquire: ["kfunc", false, undefined, Kind.Func],
      bpf_task_release: ["kfunc", false, undefined, Kind.Func],
    });
    expect(maps(spec)).toEqual({
      ".bss": [MapType.Array, 4, 68, 1, DATA, PinType.None, undefined, ".bss"],
      ".rodata": [MapType.Array, 4, 4, 1, RODATA, PinType.None, undefined, ".rodata"],
      ".kconfig": [MapType.Array, 4, 40, 1, RODATA, PinType.None, undefined, ".kconfig"],
    });
    expect(spec.maps[".kconfig"]!.freeze).toBe(true);
    expect(variables(spec)).toEqual({
      kversion: [".bss", 0, 8, false, new Array(8).fill(0)],
      bpf_syscall: [".bss", 8, 8, false, new Array(8).fill(0)],
      bpf_jit: [".bss", 16, 8, false, new Array(8).fill(0)],
      hz: [".bss", 24, 8, false, new Array(8).fill(0)],
      missing: [".bss", 32, 8, false, new Array(8).fill(0)],
      hostname: [".bss", 40, 16, false, new Array(16).fill(0)],
      addr_init: [".bss", 56, 8, false, new Array(8).fill(0)],
      acquired: [".bss", 64, 4, false, [0, 0, 0, 0]],
      target_pid: [".rodata", 0, 4, true, [1, 0, 0, 0]],
    });
  });

  it("parses programs and relocates kconfig, ksym and kfunc references", async () => {
    const spec = await load("loader_externs");
    expect(programs(spec)).toEqual({
      read_kconfig: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      read_ksyms: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "", true, 0],
      task_kfunc: [ProgramType.Syscall, AttachType.AttachNone, "syscall", "", true, 16],
      switch_kfunc: [ProgramType.Tracing, AttachType.AttachTraceRawTp, "tp_btf/sched_switch", "sched_switch", true, 0],
    });
    expect(references(spec, "read_kconfig")).toEqual([
      [0, ".kconfig"],
      [3, ".bss"],
      [6, ".kconfig"],
      [9, ".bss"],
      [12, ".kconfig"],
      [15, ".bss"],
      [18, ".kconfig"],
      [21, ".bss"],
      [54, ".kconfig"],
      [59, ".bss"],
      [62, ".kconfig"],
      [67, ".bss"],
    ]);
    const kconfigOffsets = (spec.programs.read_kconfig!.instructions as readonly Instruction[])
      .filter((i) => i.reference === ".kconfig")
      .map((i) => Number(i.constant >> 32n));
    expect(kconfigOffsets).toEqual([0, 4, 8, 20, 12, 16]);
    expect(references(spec, "read_ksyms")).toEqual([
      [0, ".bss"],
      [2, "bpf_init"],
    ]);
    expect(references(spec, "task_kfunc")).toEqual([
      [0, ".rodata"],
      [3, "bpf_task_from_pid"],
      [8, "bpf_task_release"],
    ]);
    expect(references(spec, "switch_kfunc")).toEqual([
      [1, "bpf_task_acquire"],
      [3, ".bss"],
      [9, "bpf_task_release"],
    ]);
    // A kfunc call is a call with src = BPF_PSEUDO_KFUNC_CALL (2).
    const calls = (spec.programs.task_kfunc!.instructions as readonly Instruction[]).filter((i) => i.reference?.startsWith("bpf_task"));
    expect(calls.map((i) => i.src)).toEqual([2, 2]);
  });
});

describe("bpf/loader_sections.o: section names", () => {
  it("classifies every section name", async () => {
    const spec = await load("loader_sections");
    const P = ProgramType;
    const A = AttachType;
    expect(programs(spec)).toEqual({
      sock_a: [P.SocketFilter, A.AttachNone, "socket", "", true, 0],
      sock_b: [P.SocketFilter, A.AttachNone, "socket", "", true, 0],
      sock_c: [P.SocketFilter, A.AttachNone, "socket", "", true, 0],
      xdp_prog: [P.XDP, A.AttachXDP, "xdp", "", true, 0],
      xdp_optional: [P.XDP, A.AttachXDP, "?xdp/optional", "optional", false, 0],
      xdp_frags: [P.XDP, A.AttachXDP, "xdp.frags", "", true, 1 << 5],
      tc_prog: [P.SchedCLS, A.AttachNone, "tc", "", true, 0],
      tc_ingress: [P.SchedCLS, A.AttachTCXIngress, "tc/ingress", "", true, 0],
      classifier_prog: [P.SchedCLS, A.AttachNone, "classifier", "", true, 0],
      cgroup_ingress: [P.CGroupSKB, A.AttachCGroupInetIngress, "cgroup_skb/ingress", "", true, 0],
      cgroup_egress: [P.CGroupSKB, A.AttachCGroupInetEgress, "cgroup_skb/egress", "", true, 0],
      raw_tp_prog: [P.RawTracepoint, A.AttachNone, "raw_tp/sys_enter", "sys_enter", true, 0],
      raw_tracepoint_prog: [P.RawTracepoint, A.AttachNone, "raw_tracepoint/sched_switch", "sched_switch", true, 0],
      tracepoint_prog: [P.TracePoint, A.AttachNone, "tracepoint/syscalls/sys_enter_getpid", "syscalls/sys_enter_getpid", true, 0],
      tp_prog: [P.TracePoint, A.AttachNone, "tp/sched/sched_switch", "sched/sched_switch", true, 0],
      tp_btf_prog: [P.Tracing, A.AttachTraceRawTp, "tp_btf/sched_switch", "sched_switch", true, 0],
      kprobe_prog: [P.Kprobe, A.AttachNone, "kprobe/do_sys_openat2", "do_sys_openat2", true, 0],
      kretprobe_prog: [P.Kprobe, A.AttachNone, "kretprobe/do_sys_openat2", "do_sys_openat2", true, 0],
      uprobe_prog: [P.Kprobe, A.AttachNone, "uprobe//bin/sh:main", "/bin/sh:main", true, 0],
      fentry_prog: [P.Tracing, A.AttachTraceFEntry, "fentry/bpf_fentry_test1", "bpf_fentry_test1", true, 0],
      fexit_prog: [P.Tracing, A.AttachTraceFExit, "fexit/bpf_fentry_test1", "bpf_fentry_test1", true, 0],
      sk_lookup_prog: [P.SkLookup, A.AttachSkLookup, "sk_lookup", "", true, 0],
      syscall_prog: [P.Syscall, A.AttachNone, "syscall", "", true, 1 << 4],
      flow_dissector_prog: [P.FlowDissector, A.AttachFlowDissector, "flow_dissector", "", true, 0],
      cgroup_sock: [P.CGroupSock, A.AttachCGroupInetSockCreate, "cgroup/sock_create", "", true, 0],
      sk_msg_prog: [P.SkMsg, A.AttachSkMsgVerdict, "sk_msg", "", true, 0],
      perf_event_prog: [P.PerfEvent, A.AttachNone, "perf_event", "", true, 0],
    });
    expect(spec.maps).toEqual({});
    // Each is `r0 = N; exit`.
    for (const p of Object.values(spec.programs)) expect((p.instructions as readonly Instruction[]).length, p.name).toBe(2);
  });
});

describe("bpf/core_read.o: CO-RE object", () => {
  it("has one socket program writing into .bss", async () => {
    const spec = await load("core_read");
    expect(spec.programs.core_values).toMatchObject({ type: ProgramType.SocketFilter, sectionName: "socket" });
    expect(spec.variables.results).toMatchObject({ sectionName: ".bss", offset: 0, size: 24 * 8 });
  });
});

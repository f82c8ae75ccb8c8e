// The project's own objects (bpf/*.o) loaded on the running kernel, with what their programs
// compute read back: return values, map contents and globals after a run.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Int, Kind, loadKernelSpec, loadSpecFromBuffer, type Type } from "../../src/btf/index.js";
import { btfBytesById } from "../../src/syscall/index.js";
import { AttachType, loadAndAssign, loadCollectionSpec, newCollection, ProgramType, type CollectionSpec } from "../../src/index.js";
import { findKernelSymbol } from "../../src/internal/kallsyms.js";
import { LookupLock, UpdateLock } from "../../src/map/types.js";
import { FnForEachMapElem, FnLoop } from "../../src/asm/index.js";
import { haveMapType, haveProgramHelper } from "../../src/features/index.js";
import { MapType } from "../../src/map/index.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectBenchLoadMapsLayout, udpPacket } from "../helpers/bench-load.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { programMissing, unless, unlessKernelEnumValue, unlessKernelFunc, unlessKernelMember, why } from "../helpers/kernel.js";

const dir = new URL("../../bpf/", import.meta.url).pathname;
const load = (name: string): Promise<CollectionSpec> => loadCollectionSpec(`${dir}${name}.o`);
const packet = (n: number) => new Uint8Array(n);

/** The running kernel's version as LINUX_KERNEL_VERSION encodes it, from uname. */
function unameVersionCode(): number {
  const [a, b, c] = release().split(/[.-]/).map(Number) as [number, number, number];
  return (a << 16) + (b << 8) + Math.min(c, 255);
}

const noBloom = unless(() => haveMapType(MapType.BloomFilter), "bloom filter maps need Linux 5.16");
const noLoop = unless(() => haveProgramHelper(ProgramType.SocketFilter, FnLoop), "bpf_loop needs Linux 5.17");
const noForEach = unless(() => haveProgramHelper(ProgramType.SocketFilter, FnForEachMapElem), "bpf_for_each_map_elem needs Linux 5.13");
const noTaskFromPid = unlessKernelFunc("bpf_task_from_pid", "kfunc bpf_task_from_pid needs Linux 6.2");
const noTaskAcquire = unlessKernelFunc("bpf_task_acquire", "kfunc bpf_task_acquire needs Linux 6.2");
const oldFlowDissectorRetval = unlessKernelEnumValue("bpf_ret_code", "BPF_FLOW_DISSECTOR_CONTINUE", "old") !== undefined;
// core_values reads task_struct.__state, which was task_struct.state before 5.14.
const noState = unlessKernelMember("task_struct", "__state", "task_struct.__state needs Linux 5.14");

/** Deletes the programs of `spec` that use what the kernel lacks (by probe); returns their names. */
function dropMissing(spec: CollectionSpec): string[] {
  const dropped = Object.keys(spec.programs).filter((p) => programMissing(spec, p) !== undefined);
  for (const p of dropped) delete spec.programs[p];
  return dropped;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function u32(b: Uint8Array, off = 0): number {
  return view(b).getUint32(off, true);
}

function u64(b: Uint8Array, off = 0): bigint {
  return view(b).getBigUint64(off, true);
}

function le32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  view(b).setUint32(0, n, true);
  return b;
}

/** CONFIG_* values as /proc/config.gz states them. */
function procConfig(): Map<string, string> {
  const text = gunzipSync(readFileSync("/proc/config.gz")).toString("utf8");
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

function isTrampoline(type: number, attachType: number): boolean {
  if (type === ProgramType.Extension || type === ProgramType.LSM) return true;
  return (
    type === ProgramType.Tracing &&
    [AttachType.AttachTraceFEntry, AttachType.AttachTraceFExit, AttachType.AttachModifyReturn].includes(attachType as never)
  );
}

describe("bpf/*.o on the running kernel", () => {
  expectNoFdLeaks();
  let bpffs: { dir: string; cleanup: () => void };
  beforeAll(() => {
    bpffs = mountTempBpffs();
  });
  afterAll(() => bpffs.cleanup());

  it("every object parses, and every object meant to load loads its autoloaded programs", async () => {
    // asm_inline.o is deliberately not verifiable. Trampoline programs (fentry, fexit, fmod_ret,
    // freplace, LSM) are left to the link tests: this host refuses them at load by policy.
    const skip = new Set(["asm_inline.o"]);
    const objects = readdirSync(dir).filter((f) => f.endsWith(".o")).sort();
    expect(objects).toEqual(
      expect.arrayContaining(["core_read.o", "loader_calls.o", "loader_externs.o", "loader_globals.o", "loader_maps.o", "loader_sections.o"]),
    );
    for (const f of objects) {
      const spec = await loadCollectionSpec(dir + f);
      if (skip.has(f)) continue;
      // Programs and maps using what this kernel lacks (by probe) are left out.
      const want = Object.values(spec.programs)
        .filter((p) => p.autoload && p.type !== ProgramType.UnspecifiedProgram && !isTrampoline(p.type, p.attachType ?? 0))
        .filter((p) => programMissing(spec, p.name) === undefined && !(p.name === "core_values" && noState !== undefined))
        .map((p) => p.name)
        .sort();
      const maps = Object.keys(spec.maps).filter((m) => unless(() => haveMapType(spec.maps[m]!.type), "missing") === undefined);
      using coll = loadAndAssign(spec, { programs: want, maps }, { maps: { pinPath: bpffs.dir } });
      coll.maps.pinned_hash?.unpin();
      expect(Object.keys(coll.programs).sort(), f).toEqual(want);
    }
  });

  describe("loader_globals.o", () => {
    it("computes with the default globals and leaves its results in .bss and .data", async () => {
      const spec = await load("loader_globals");
      using coll = newCollection(spec);
      // A socket filter sees the packet without its 14-byte Ethernet header: len 50.
      expect(coll.programs.compute!.run({ data: packet(64) }).retval).toBe(150);
      const bss = coll.maps[".bss"]!.lookup(0)!;
      expect(u64(bss, 0)).toBe(150n);
      expect(view(bss).getBigInt64(8, true)).toBe(90n);
      expect(u32(bss, 16)).toBe(1);
      expect(u32(bss, 20)).toBe(15);
      expect(u32(bss, 28)).toBe(8);
      expect(u32(coll.maps[".data.counters"]!.lookup(0)!)).toBe(8);
      coll.programs.compute!.run({ data: packet(64) });
      expect(u32(coll.maps[".bss"]!.lookup(0)!, 16)).toBe(2);
      expect(u32(coll.maps[".data.counters"]!.lookup(0)!)).toBe(9);
    });

    it("variables set before load change what the program computes", async () => {
      const spec = await load("loader_globals");
      spec.variables.cfg_multiplier!.set(5);
      spec.variables.cfg_offset!.set(-1000n);
      spec.variables.data_base!.set(5000n);
      spec.variables.cfg_table!.set(new Uint8Array([10, 20, 30, 40]));
      using coll = loadAndAssign(spec, { programs: ["compute"] });
      expect(coll.programs.compute!.run({ data: packet(64) }).retval).toBe(250);
      const bss = coll.maps[".bss"]!.lookup(0)!;
      expect(u64(bss, 0)).toBe(250n);
      expect(view(bss).getBigInt64(8, true)).toBe(4000n);
      expect(u32(bss, 20)).toBe(100);
    });

    it("freezes .rodata: user space can read it but not write it", async () => {
      const spec = await load("loader_globals");
      using coll = newCollection(spec);
      const ro = coll.maps[".rodata"]!;
      expect(u32(ro.lookup(0)!)).toBe(3);
      expect(() => ro.update(0, new Uint8Array(16))).toThrow(/EPERM/);
      expect(() => coll.maps[".rodata.cfg"]!.update(0, new Uint8Array(4))).toThrow(/EPERM/);
      coll.maps[".data"]!.update(0, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]));
      coll.programs.compute!.run({ data: packet(64) });
      expect(view(coll.maps[".bss"]!.lookup(0)!).getBigInt64(8, true)).toBe(-9n);
    });
  });

  describe("loader_maps.o", () => {
    it.skipIf(noBloom !== undefined)(`creates every map; use_maps writes and reads them all and returns 15${why(noBloom)}`, async () => {
      const spec = await load("loader_maps");
      using coll = newCollection(spec, { maps: { pinPath: bpffs.dir } });
      expect(Object.keys(coll.maps).sort()).toEqual(Object.keys(spec.maps).sort());
      const m = coll.maps;
      expect(m.bloom!.info()).toMatchObject({ mapExtra: 3n });
      expect(m.numa_lru!.info().flags).toBe(4);
      expect(coll.programs.use_maps!.run({ data: packet(64) }).retval).toBe(15);
      expect(u64(m.legacy_hash!.lookup(1)!)).toBe(1n);
      expect(u32(m.legacy_array!.lookup(1)!)).toBe(2);
      const pair = m.btf_hash!.lookup(0)!;
      expect([u32(pair, 0), u64(pair, 8)]).toEqual([3, 30n]);
      expect(m.queue!.pop()).toBeUndefined();
      expect(u64(m.stack!.pop()!)).toBe(5n);
      expect(m.bloom!.contains(le32(4))).toBe(true);
      expect(u64(m.sized_array!.lookup(1)!)).toBe(15n);
      expect(m.pinned_hash!.info().id).toBeGreaterThan(0);
      expect(existsSync(`${bpffs.dir}/pinned_hash`)).toBe(true);
      m.pinned_hash!.update(1, new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0]));
      {
        using again = loadAndAssign(spec, { maps: ["pinned_hash"] }, { maps: { pinPath: bpffs.dir } });
        expect(again.maps.pinned_hash!.info().id).toBe(m.pinned_hash!.info().id);
        expect(u64(again.maps.pinned_hash!.lookup(1)!)).toBe(9n);
      }
      m.pinned_hash!.unpin();
      expect(existsSync(`${bpffs.dir}/pinned_hash`)).toBe(false);
    });

    it("map-in-map: the static slots hold inner_a and inner_b; use_outer writes into outer[2]", async () => {
      const spec = await load("loader_maps");
      using coll = loadAndAssign(spec, { programs: ["use_outer"], maps: ["outer", "inner_a", "inner_b"] });
      const { outer, inner_a, inner_b } = coll.maps;
      expect(outer!.lookupId(0)).toBe(inner_a!.info().id);
      expect(outer!.lookupId(1)).toBeUndefined();
      expect(outer!.lookupId(2)).toBe(inner_b!.info().id);
      expect(coll.programs.use_outer!.run({ data: packet(64) }).retval).toBe(1);
      expect(u32(inner_b!.lookup(0)!)).toBe(77);
      expect(u32(inner_a!.lookup(0)!)).toBe(0);
    });

    it("tail call through the statically initialised prog array returns 42", async () => {
      const spec = await load("loader_maps");
      using coll = loadAndAssign(spec, { programs: ["use_jump", "tail_target"] });
      expect(coll.maps.jump!.lookupId(1)).toBe(coll.programs.tail_target!.info().id);
      expect(coll.programs.use_jump!.run({ data: packet(64) }).retval).toBe(42);
      coll.maps.jump!.delete(1);
      expect(coll.programs.use_jump!.run({ data: packet(64) }).retval).toBe(1);
    });

    it("spin lock: the program counts under the lock, user space reads and writes with BPF_F_LOCK", async () => {
      const spec = await load("loader_maps");
      using coll = loadAndAssign(spec, { programs: ["use_lock"] });
      const prog = coll.programs.use_lock!;
      const map = coll.maps.lock_map!;
      expect(prog.run({ data: packet(64) }).retval).toBe(1);
      expect(prog.run({ data: packet(80) }).retval).toBe(2);
      // struct locked { bpf_spin_lock lock; u32 count; u32 last; }: tc programs see the full frame.
      const v = map.lookup(0, undefined, LookupLock)!;
      expect([u32(v, 4), u32(v, 8)]).toEqual([2, 80]);
      const w = new Uint8Array(12);
      view(w).setUint32(4, 100, true);
      map.update(0, w, UpdateLock);
      expect(prog.run({ data: packet(64) }).retval).toBe(101);
      expect(u32(map.lookup(0, undefined, LookupLock)!, 4)).toBe(101);
    });
  });

  describe("loader_calls.o", () => {
    it("programs sharing the xdp section each run with their own copy of the subprograms", async () => {
      const spec = await load("loader_calls");
      using coll = loadAndAssign(spec, { programs: ["xdp_first", "xdp_second"] });
      expect(coll.programs.xdp_first!.run({ data: packet(64) }).retval).toBe(19);
      expect(coll.programs.xdp_second!.run({ data: packet(64) }).retval).toBe(32);
      expect(coll.programs.xdp_first!.info().btfId).toBeGreaterThan(0);
    });

    it.skipIf(noLoop !== undefined)(`bpf_loop callback sums 0..9${why(noLoop)}`, async () => {
      const spec = await load("loader_calls");
      using coll = loadAndAssign(spec, { programs: ["with_loop"] });
      expect(coll.programs.with_loop!.run({ data: packet(64) }).retval).toBe(45);
    });

    it.skipIf(noForEach !== undefined)(`bpf_for_each_map_elem callback sums keys and values${why(noForEach)}`, async () => {
      const spec = await load("loader_calls");
      using coll = loadAndAssign(spec, { programs: ["with_for_each"] });
      expect(coll.programs.with_for_each!.run({ data: packet(64) }).retval).toBe(66);
      expect([...coll.maps.values!.entries()].map(([k, v]) => [u32(k), u64(v)])).toEqual([
        [0, 0n],
        [1, 10n],
        [2, 20n],
        [3, 30n],
      ]);
    });

    it("tail calls pick the slot from the packet length; an empty slot falls through", async () => {
      const spec = await load("loader_calls");
      dropMissing(spec);
      using coll = newCollection(spec);
      const main = coll.programs.tail_main!;
      // skb->len is the packet minus the 14-byte Ethernet header; the slot is len & 3.
      expect(main.run({ data: packet(63) }).retval).toBe(42);
      expect(main.run({ data: packet(65) }).retval).toBe(4);
      expect(main.run({ data: packet(64) }).retval).toBe(99);
      expect(main.run({ data: packet(62) }).retval).toBe(99);
    });
  });

  describe("bench_load.o", () => {
    it("xdp_pass parses an IPv4/UDP packet and counts it; an ARP frame is not counted", async () => {
      const spec = await load("bench_load");
      using coll = loadAndAssign(spec, { programs: ["xdp_pass"] });
      const prog = coll.programs.xdp_pass!;
      expect(prog.run({ data: udpPacket() }).retval).toBe(2);
      const arp = udpPacket();
      new DataView(arp.buffer).setUint16(12, 0x0806);
      expect(prog.run({ data: arp }).retval).toBe(2);
      expect(u64(coll.maps.totals!.lookup(new Uint8Array([1, 0, 0, 0]))!)).toBe(1n);
    });

    it("the object's BTF goes to the kernel as it is, its data sections' sizes and offsets filled in", async () => {
      const spec = await load("bench_load");
      using coll = newCollection(spec);
      const loaded = loadSpecFromBuffer(btfBytesById(coll.programs.xdp_pass!.info().btfId));
      expect(loaded.typeCount).toBe(spec.types!.typeCount);
      expectBenchLoadMapsLayout(loaded);
      expect(loaded.typeByName("license", Kind.Datasec).size).toBe(4);
    });

    it("a line record edited by hand makes the loader marshal just the types used, with the new line", async () => {
      const spec = await load("bench_load");
      const li = spec.programs.xdp_pass!.btf!.lineInfos[0]!;
      li.line = "// edited";
      using coll = newCollection(spec);
      const bytes = btfBytesById(coll.programs.xdp_pass!.info().btfId);
      expect(loadSpecFromBuffer(bytes).typeCount).toBeLessThan(spec.types!.typeCount);
      expect(Buffer.from(bytes).includes("// edited\0")).toBe(true);
    });

    it("a map key type from elsewhere makes the loader marshal just the types used", async () => {
      const spec = await load("bench_load");
      spec.maps.counts!.key = new Int({ name: "flow_port", size: 4, bits: 32 });
      using coll = newCollection(spec);
      const loaded = loadSpecFromBuffer(btfBytesById(coll.programs.xdp_pass!.info().btfId));
      expect(loaded.typeCount).toBeLessThan(spec.types!.typeCount);
      expect(loaded.typeByName("flow_port", Kind.Int).size).toBe(4);
      expect(coll.programs.xdp_pass!.run({ data: udpPacket() }).retval).toBe(2);
    });
  });

  describe("loader_externs.o", () => {
    it.skipIf(!existsSync("/proc/config.gz"))("kconfig values seen by the program equal uname and /proc/config.gz (needs CONFIG_IKCONFIG_PROC)", async () => {
      const cfg = procConfig();
      const spec = await load("loader_externs");
      using coll = loadAndAssign(spec, { programs: ["read_kconfig"] });
      expect(coll.programs.read_kconfig!.run({ data: packet(64) }).retval).toBe(0);
      const bss = coll.maps[".bss"]!.lookup(0)!;
      expect(Number(u64(bss, 0))).toBe(unameVersionCode());
      expect(u64(bss, 8)).toBe(cfg.get("CONFIG_BPF_SYSCALL") === "y" ? 1n : 0n);
      expect(u64(bss, 16)).toBe({ y: 1n, m: 2n }[cfg.get("CONFIG_BPF_JIT") ?? ""] ?? 0n);
      expect(u64(bss, 24)).toBe(BigInt(cfg.get("CONFIG_HZ")!));
      expect(u64(bss, 32)).toBe(0n);
      const hostname = JSON.parse(cfg.get("CONFIG_DEFAULT_HOSTNAME")!) as string;
      const want = new Uint8Array(16);
      want.set(Buffer.from(hostname));
      expect([...bss.subarray(40, 56)]).toEqual([...want]);
    });

    it("an untyped ksym resolves to its /proc/kallsyms address", async () => {
      const spec = await load("loader_externs");
      using coll = loadAndAssign(spec, { programs: ["read_ksyms"] });
      coll.programs.read_ksyms!.run({ data: packet(64) });
      const addr = u64(coll.maps[".bss"]!.lookup(0)!, 56);
      expect(addr).toBe(findKernelSymbol("bpf_init")!.address);
      expect(addr).not.toBe(0n);
    });

    it.skipIf(noTaskFromPid !== undefined)(`kfuncs: a syscall program finds, reads and releases a task${why(noTaskFromPid)}`, async () => {
      const spec = await load("loader_externs");
      spec.variables.target_pid!.set(process.pid);
      using coll = loadAndAssign(spec, { programs: ["task_kfunc"] });
      expect(coll.programs.task_kfunc!.run().retval).toBe(process.pid);
    });

    it.skipIf(noTaskAcquire !== undefined)(`kfuncs: a tp_btf program with acquire/release loads${why(noTaskAcquire)}`, async () => {
      const spec = await load("loader_externs");
      using coll = loadAndAssign(spec, { programs: ["switch_kfunc"] });
      expect(coll.programs.switch_kfunc!.info().btfId).toBeGreaterThan(0);
    });
  });

  describe("loader_sections.o", () => {
    it("newCollection leaves out the ?-prefixed program", async () => {
      const spec = await load("loader_sections");
      // fentry/fexit are refused on this kernel (EPERM); the rest load.
      delete spec.programs.fentry_prog;
      delete spec.programs.fexit_prog;
      const dropped = dropMissing(spec);
      using coll = newCollection(spec);
      expect(coll.programs.xdp_optional).toBeUndefined();
      expect(Object.keys(coll.programs)).toHaveLength(24 - dropped.filter((p) => p !== "xdp_optional").length);
    });

    it("every runnable program returns its own number", async () => {
      const spec = await load("loader_sections");
      const withData: Record<string, number> = {
        sock_a: 1,
        sock_b: 2,
        sock_c: 3,
        xdp_prog: 4,
        xdp_optional: 5,
        xdp_frags: 6,
        tc_prog: 7,
        tc_ingress: 8,
        classifier_prog: 9,
        cgroup_ingress: 1,
        cgroup_egress: 0,
        flow_dissector_prog: 1,
      };
      const withoutData: Record<string, number> = { syscall_prog: 21, raw_tp_prog: 11, raw_tracepoint_prog: 12 };
      const loadOnly = [
        "tracepoint_prog",
        "tp_prog",
        "tp_btf_prog",
        "kprobe_prog",
        "kretprobe_prog",
        "uprobe_prog",
        "sk_lookup_prog",
        "cgroup_sock",
        "sk_msg_prog",
        "perf_event_prog",
      ];
      const dropped = new Set(dropMissing(spec));
      const keep = (names: string[]): string[] => names.filter((n) => !dropped.has(n));
      using coll = loadAndAssign(spec, { programs: keep([...Object.keys(withData), ...Object.keys(withoutData), ...loadOnly]) });
      // Before 6.0 (BPF_FLOW_DISSECTOR_CONTINUE) a flow dissector's test run reports only whether
      // it returned BPF_OK (0): 1 for 0, 0 for anything else.
      if (oldFlowDissectorRetval) withData.flow_dissector_prog = withData.flow_dissector_prog === 0 ? 1 : 0;
      for (const [name, want] of Object.entries(withData)) {
        if (dropped.has(name)) continue;
        expect(coll.programs[name]!.run({ data: packet(64) }).retval, name).toBe(want);
      }
      for (const [name, want] of Object.entries(withoutData)) {
        if (dropped.has(name)) continue;
        expect(coll.programs[name]!.run().retval, name).toBe(want);
      }
      for (const name of keep(loadOnly)) expect(coll.programs[name]!.info().id, name).toBeGreaterThan(0);
    });
  });

  describe("core_read.o", () => {
    it.skipIf(noState !== undefined)(`CO-RE relocations resolve against the running kernel's BTF${why(noState)}`, async () => {
      const spec = await load("core_read");
      using coll = loadAndAssign(spec, { programs: ["core_values"] });
      expect(coll.programs.core_values!.run({ data: packet(64) }).retval).toBe(0);
      const bss = coll.maps[".bss"]!.lookup(0)!;
      const r = (i: number) => u64(bss, i * 8);
      const kernel = loadKernelSpec();
      const task = kernel.anyTypesByName("task_struct").find((t) => t.kind === Kind.Struct) as Type & {
        size: number;
        members: readonly { name: string; bitOffset: number }[];
      };
      expect(r(0)).toBe(BigInt(task.members.find((m) => m.name === "pid")!.bitOffset / 8));
      expect(r(1)).toBe(16n);
      expect([r(2), r(3)]).toEqual([1n, 0n]);
      expect([r(10), r(11)]).toEqual([1n, BigInt(task.size)]);
      expect(kernel.typeIDsByName("task_struct")).toContain(Number(r(12)));
      expect([r(13), r(14), r(15), r(16), r(17)]).toEqual([0n, 1n, 1n, 3n, 0n]);
      expect([r(19), r(20)]).toEqual([0n, 1n]);
      expect(r(21)).toBe(BigInt(task.members.find((m) => m.name === "__state")!.bitOffset / 8));
    });

    it("CO-RE loads through a BTF pointer in a tp_btf program load", async () => {
      const spec = await load("core_read");
      using coll = loadAndAssign(spec, { programs: ["core_loads"] });
      expect(coll.programs.core_loads!.info().id).toBeGreaterThan(0);
    });
  });
});

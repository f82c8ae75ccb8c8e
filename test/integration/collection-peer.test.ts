// cilium/ebpf's own test objects, loaded and run on the running kernel as
// ../shared/peer-testdata/README.md describes, object by object.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpecFromBuffer } from "../../src/btf/index.js";
import { ElfFile } from "../../src/elf/index.js";
import {
  LoadError,
  LookupLock,
  UpdateLock,
  loadAndAssign,
  loadCollectionSpec,
  newCollection,
  ProgramType,
  VerifierError,
  type CollectionSpec,
} from "../../src/index.js";
import { FnForEachMapElem } from "../../src/asm/index.js";
import { haveProgramHelper } from "../../src/features/index.js";
import { findKernelSymbol } from "../../src/internal/kallsyms.js";
import { mountTempBpffs } from "../helpers/bpffs.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { unless, unlessArena, unlessKernelFunc, why } from "../helpers/kernel.js";
import { readFileSync } from "node:fs";

const root = new URL("../../../shared/peer-testdata/cilium-ebpf/", import.meta.url).pathname;
const suite = existsSync(root) ? describe : describe.skip;
const data = new Uint8Array(15);

function spec(name: string): Promise<CollectionSpec> {
  return loadCollectionSpec(`${root}${name}-el.elf`);
}

function run(s: CollectionSpec, program: string): number {
  using coll = loadAndAssign(s, { programs: [program] });
  return coll.programs[program]!.run({ data }).retval;
}

suite("peer conformance: cilium/ebpf test objects (skipped without ../shared/peer-testdata)", () => {
  expectNoFdLeaks();
  let bpffs: { dir: string; cleanup: () => void };
  beforeAll(() => {
    bpffs = mountTempBpffs();
  });
  afterAll(() => bpffs.cleanup());

  it("loader: the whole collection with pinning and a verifier log; xdp_prog returns 7", async () => {
    const s = await spec("testdata/loader-clang-22");
    using coll = newCollection(s, { maps: { pinPath: bpffs.dir }, programs: { logLevel: 1 } });
    expect(Object.keys(coll.programs).sort()).toEqual(
      ["anon_const", "asm_relocation", "data_sections", "no_relocation", "xdp_prog"].sort(),
    );
    expect(coll.programs.xdp_prog!.run({ data }).retval).toBe(7);
    expect(coll.programs.data_sections!.run({ data }).retval).toBe(0);
    expect(existsSync(`${bpffs.dir}/btf_pin`)).toBe(true);
    // Every linked subprogram's line info reaches the kernel: 12 + 10 + 3 + 3.
    const info = coll.programs.xdp_prog!.info();
    expect(info.btfId).toBeGreaterThan(0);
  });

  it("loader: loadAndAssign of one program loads only its maps", async () => {
    const s = await spec("testdata/loader-clang-22");
    using coll = loadAndAssign(s, { programs: ["xdp_prog"] });
    expect(Object.keys(coll.maps).sort()).toEqual(
      [".bss", ".data", ".data.test", ".rodata", ".rodata.test", "hash_map", "hash_map2"].sort(),
    );
    expect(coll.programs.xdp_prog!.run({ data }).retval).toBe(7);
  });

  it("btf_map_init: static prog array, tail call returns 42", async () => {
    const s = await spec("testdata/btf_map_init");
    using coll = newCollection(s);
    expect(coll.programs.tail_main!.run({ data }).retval).toBe(42);
  });

  it("constants: .rodata is frozen before load, so ret = 1 verifies and the default does not", async () => {
    const s = await spec("testdata/constants");
    expect(() => run(s, "freeze_rodata")).toThrow(VerifierError);
    s.variables.ret!.set(1);
    using coll = loadAndAssign(s, { programs: ["freeze_rodata"] });
    expect(coll.programs.freeze_rodata).toBeDefined();
  });

  it("kconfig: LINUX_KERNEL_VERSION, syscall wrapper, CONFIG_* resolve; returns 0", async () => {
    expect(run(await spec("testdata/kconfig"), "kconfig")).toBe(0);
  });

  it("strings: .rodata.str1.1 as a read-only map; returns 2", async () => {
    expect(run(await spec("testdata/strings"), "filter")).toBe(2);
  });

  it("variables: every data section program returns 0", async () => {
    const s = await spec("testdata/variables");
    for (const p of ["get_bss", "get_data", "get_rodata", "check_struct", "check_struct_pad", "check_array", "add_atomic"]) {
      expect(run(s, p), p).toBe(0);
    }
  });

  it("variables: read and written after load through the mmap'ed data maps; .rodata is read-only", async () => {
    const s = await spec("testdata/variables");
    s.variables.var_rodata!.set(12345);
    using coll = loadAndAssign(s, { programs: ["get_bss", "get_data", "get_rodata", "check_struct", "add_atomic"] });
    const retval = (p: string) => coll.programs[p]!.run({ data }).retval;
    expect([retval("get_bss"), retval("get_data"), retval("check_struct")]).toEqual([0, 0, 0]);
    expect(retval("get_rodata")).toBe(12345);
    coll.variables.var_bss!.set(4242424242);
    expect(retval("get_bss") >>> 0).toBe(4242424242);
    coll.variables.var_data!.set(4242424242);
    expect(retval("get_data") >>> 0).toBe(4242424242);
    const st = new Uint8Array(16);
    new DataView(st.buffer).setBigUint64(0, 0xan, true);
    new DataView(st.buffer).setBigUint64(8, 0xbn, true);
    coll.variables.var_struct!.set(st);
    expect(retval("check_struct")).toBe(1);
    coll.variables.var_atomic!.set(1337);
    retval("add_atomic");
    expect(new DataView(coll.variables.var_atomic!.get().buffer).getUint32(0, true)).toBe(1338);
    expect(() => coll.variables.var_rodata!.set(1)).toThrow(/read-only/);
  });

  const noForEach = unless(
    () => haveProgramHelper(ProgramType.XDP, FnForEachMapElem),
    "bpf_for_each_map_elem needs Linux 5.13",
  );
  it.skipIf(noForEach !== undefined)(`subprog_reloc: a callback through a function pointer; returns 42${why(noForEach)}`, async () => {
    expect(run(await spec("testdata/subprog_reloc"), "fp_relocation")).toBe(42);
  });

  it("ksym: untyped ksyms resolve through kallsyms, weak missing ones to 0, strong missing ones fail", async () => {
    const s = await spec("testdata/ksym");
    {
      using coll = loadAndAssign(s, { programs: ["ksym_test"] });
      coll.programs.ksym_test!.run({ data });
      const bss = coll.maps[".bss"]!.lookup(0)!;
      const view = new DataView(bss.buffer, bss.byteOffset);
      expect(view.getBigUint64(0, true)).toBe(findKernelSymbol("bpf_init")!.address);
      expect(view.getBigUint64(8, true)).toBe(findKernelSymbol("bpf_trace_run1")!.address);
    }
    expect(run(s, "missing_weak_ksym_test")).toBe(0);
    expect(() => run(s, "missing_ksym_test")).toThrow(LoadError);
    expect(() => run(s, "missing_typed_ksym_test")).toThrow(/not found in kernel BTF/);
    expect(run(s, "missing_weak_typed_ksym_test")).toBe(0);
  });

  it("fwd_decl: a call to an undefined function is an unsatisfied program reference", async () => {
    const s = await spec("testdata/fwd_decl");
    expect(() => loadAndAssign(s, { programs: ["call_fwd"] })).toThrow(/unsatisfied program reference/);
  });

  it("invalid_map: bytes beyond the definition make creation fail", async () => {
    const s = await spec("testdata/invalid_map");
    expect(() => newCollection(s)).toThrow(LoadError);
  });

  it("iproute2_map_compat: PIN_GLOBAL_NS pins by name", async () => {
    const s = await spec("testdata/iproute2_map_compat");
    using coll = newCollection(s, { maps: { pinPath: bpffs.dir } });
    expect(existsSync(`${bpffs.dir}/hash_map`)).toBe(true);
    coll.maps.hash_map!.unpin();
  });

  it("loader_nobtf: legacy maps and no BTF at all; xdp_prog returns 7", async () => {
    const s = await spec("testdata/loader_nobtf");
    using coll = loadAndAssign(s, { programs: ["xdp_prog"] });
    expect(coll.programs.xdp_prog!.run({ data }).retval).toBe(7);
  });

  it("map_spin_lock: BTF key/value so BPF_F_LOCK updates and lookups work", async () => {
    const s = await spec("testdata/map_spin_lock");
    using coll = newCollection(s);
    const m = coll.maps.spin_lock_map!;
    const value = new Uint8Array(8);
    new DataView(value.buffer).setUint32(0, 5, true);
    m.update(1, value, UpdateLock);
    expect(new DataView(m.lookup(1, undefined, LookupLock)!.buffer).getUint32(0, true)).toBe(5);
  });

  it("arena: the spec has an ARENA map with map_extra from an ENUM64 enumerator", async () => {
    const s = await spec("testdata/arena");
    expect(s.maps.arena).toMatchObject({ maxEntries: 100, mapExtra: 2 ** 44 });
  });

  const noArena = unlessArena();
  it.skipIf(noArena !== undefined)(`arena: the ARENA map loads${why(noArena)}`, async () => {
    const s = await spec("testdata/arena");
    using coll = newCollection(s);
    expect(coll.maps.arena!.maxEntries).toBe(100);
  });

  // bpf_skb_ct_lookup lives in nf_conntrack's BTF (vmlinux's where it is built in).
  const noCtLookup = unlessKernelFunc("bpf_skb_ct_lookup", "kfunc bpf_skb_ct_lookup (nf_conntrack) needs Linux 6.0");
  it.skipIf(noCtLookup !== undefined)(`kfunc: a kfunc call resolved through kernel BTF returns 1; weak kfuncs load${why(noCtLookup)}`, async () => {
    const s = await spec("testdata/kfunc");
    expect(run(s, "call_kfunc")).toBe(1);
    using coll = loadAndAssign(s, { programs: ["weak_kfunc_missing", "call_weak_kfunc"] });
    expect(Object.keys(coll.programs).sort()).toEqual(["call_weak_kfunc", "weak_kfunc_missing"]);
  });

  it("raw_tracepoint: loads", async () => {
    const s = await spec("testdata/raw_tracepoint");
    using coll = newCollection(s);
    expect(coll.programs.sched_process_exec).toBeDefined();
  });

  it("errors: poisoned CO-RE relocations and a missing weak kfunc are rejected by the verifier", async () => {
    const s = await spec("testdata/errors");
    const empty = loadSpecFromBuffer(emptyBTF());
    for (const p of ["poisoned_single", "poisoned_double", "poisoned_kfunc"]) {
      let err: unknown;
      try {
        loadAndAssign(s, { programs: [p] }, { programs: { kernelTypes: empty } }).close();
      } catch (e) {
        err = e;
      }
      expect(err, p).toBeInstanceOf(VerifierError);
      expect((err as VerifierError).log.length, p).toBeGreaterThan(0);
    }
  });

  it("btf/relocs: CO-RE against the object's own BTF; types, enums and fields return 0, err_* are ambiguous", async () => {
    const s = await spec("btf/relocs");
    for (const p of ["types", "enums", "fields"]) {
      using coll = loadAndAssign(s, { programs: [p] }, { programs: { kernelTypes: s.types! } });
      expect(coll.programs[p]!.run({ data }).retval, p).toBe(0);
    }
    for (const p of ["err_ambiguous", "err_ambiguous_flavour"]) {
      expect(() => loadAndAssign(s, { programs: [p] }, { programs: { kernelTypes: s.types! } }), p).toThrow(/ambiguous/);
    }
  });

  it("btf/relocs_read: CO-RE in a subprogram against relocs_read_tgt; returns 0", async () => {
    const s = await spec("btf/relocs_read");
    const tgtFile = ElfFile.parse(readFileSync(`${root}btf/relocs_read_tgt-el.elf`));
    const tgt = loadSpecFromBuffer(tgtFile.section(".BTF")!.data());
    using coll = loadAndAssign(s, { programs: ["reads"] }, { programs: { kernelTypes: tgt } });
    expect(coll.programs.reads!.run({ data }).retval).toBe(0);
  });

  it("btf/relocs_enum: a poisoned lddw against the running kernel keeps jumps right; loads", async () => {
    const s = await spec("btf/relocs_enum");
    using coll = newCollection(s);
    expect(coll.programs.core_ld64imm!.run({ data }).retval).toBe(0);
  });
});

// A valid BTF blob with no types: the CO-RE target for the errors object.
function emptyBTF(): Uint8Array {
  const b = new Uint8Array(25);
  const v = new DataView(b.buffer);
  v.setUint16(0, 0xeb9f, true);
  v.setUint8(2, 1);
  v.setUint32(4, 24, true);
  v.setUint32(16, 0, true);
  v.setUint32(20, 1, true);
  return b;
}

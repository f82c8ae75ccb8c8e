import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PseudoLoad } from "../../src/asm/index.js";
import { loadCollectionSpec } from "../../src/elf/loader/index.js";
import { LoadError } from "../../src/errors.js";
import { MapType, MapFlags } from "../../src/map/types.js";
import { PinType } from "../../src/map/spec.js";
import { AttachType, ProgramType } from "../../src/prog/types.js";

const peer = new URL("../../../shared/peer-testdata/cilium-ebpf/testdata/", import.meta.url).pathname;
const havePeer = existsSync(peer);
const describePeer = havePeer ? describe : describe.skip;

describePeer("loader-clang-22 (cilium/ebpf's loader test object; skipped without ../shared)", () => {
  for (const order of ["el", "eb"] as const) {
    it(`parses maps, programs and variables exactly (${order})`, async () => {
      const spec = await loadCollectionSpec(`${peer}loader-clang-22-${order}.elf`);
      expect(spec.byteOrder).toBe(order === "el" ? "little" : "big");
      const maps = Object.fromEntries(
        Object.entries(spec.maps).map(([n, m]) => [n, [m.type, m.keySize, m.valueSize, m.maxEntries, m.flags ?? 0]]),
      );
      expect(maps).toEqual({
        bpf_decl_map: [MapType.Array, 4, 8, 1, 0],
        hash_map: [MapType.Hash, 4, 8, 1, MapFlags.BPF_F_NO_PREALLOC],
        hash_map2: [MapType.Hash, 4, 8, 2, 0],
        btf_pin: [MapType.Hash, 4, 8, 1, 0],
        btf_outer_map: [MapType.ArrayOfMaps, 4, 4, 1, 0],
        btf_outer_map_anon: [MapType.ArrayOfMaps, 4, 4, 1, 0],
        perf_event_array: [MapType.PerfEventArray, 0, 0, 4096, 0],
        btf_typedef_map: [MapType.Array, 4, 8, 1, 0],
        btf_decl_map: [MapType.Array, 4, 8, 1, 0],
        ".bss": [MapType.Array, 4, 4, 1, MapFlags.BPF_F_MMAPABLE],
        ".data": [MapType.Array, 4, 4, 1, MapFlags.BPF_F_MMAPABLE],
        ".data.test": [MapType.Array, 4, 4, 1, MapFlags.BPF_F_MMAPABLE],
        ".rodata": [MapType.Array, 4, 24, 1, MapFlags.BPF_F_MMAPABLE | MapFlags.BPF_F_RDONLY_PROG],
        ".rodata.test": [MapType.Array, 4, 4, 1, MapFlags.BPF_F_MMAPABLE | MapFlags.BPF_F_RDONLY_PROG],
        ".rodata.cst32": [MapType.Array, 4, 32, 1, MapFlags.BPF_F_MMAPABLE | MapFlags.BPF_F_RDONLY_PROG],
      });
      expect(spec.maps.btf_pin!.pinning).toBe(PinType.ByName);
      expect(spec.maps.btf_outer_map!.innerMap).toMatchObject({
        name: "btf_outer_map_inner",
        type: MapType.Hash,
        keySize: 4,
        valueSize: 4,
        maxEntries: 1,
      });
      expect(spec.maps.btf_outer_map_anon!.innerMap?.name).toBe("btf_outer_map_anon_inner");
      expect(spec.maps.perf_event_array!.value).toBeDefined();
      expect(spec.maps[".rodata"]!.freeze).toBe(true);

      const vars = Object.fromEntries(
        Object.entries(spec.variables).map(([n, v]) => [n, [v.sectionName, v.offset]]),
      );
      expect(vars).toEqual({
        arg: [".rodata", 4],
        arg2: [".rodata.test", 0],
        arg3: [".data.test", 0],
        key1: [".bss", 0],
        key2: [".data", 0],
        key3: [".rodata", 0],
        neg: [".rodata", 12],
        uneg: [".rodata", 8],
      });
      const le = order === "el";
      const neg = spec.variables.neg!.get();
      expect(new DataView(neg.buffer, neg.byteOffset).getInt32(0, le)).toBe(-2);

      const progs = Object.fromEntries(
        Object.entries(spec.programs).map(([n, p]) => [n, [p.type, p.attachType, p.sectionName, p.license]]),
      );
      expect(progs).toEqual({
        xdp_prog: [ProgramType.XDP, AttachType.AttachXDP, "xdp", "MIT"],
        no_relocation: [ProgramType.SocketFilter, AttachType.AttachNone, "socket", "MIT"],
        asm_relocation: [ProgramType.SocketFilter, AttachType.AttachNone, "socket/2", "MIT"],
        data_sections: [ProgramType.SocketFilter, AttachType.AttachNone, "socket/3", "MIT"],
        anon_const: [ProgramType.SocketFilter, AttachType.AttachNone, "socket/4", "MIT"],
        static_fn: [ProgramType.UnspecifiedProgram, AttachType.AttachNone, "static", "MIT"],
        global_fn3: [ProgramType.UnspecifiedProgram, AttachType.AttachNone, "other", "MIT"],
      });
      expect(spec.programs.static_fn!.autoload).toBe(false);
    });
  }

  it("links every called subprogram with its func and line info", async () => {
    const spec = await loadCollectionSpec(`${peer}loader-clang-22-el.elf`);
    const xdp = spec.programs.xdp_prog!;
    const insns = xdp.instructions as readonly { symbol?: string | undefined }[];
    expect(insns.map((i) => i.symbol).filter(Boolean)).toEqual([
      "xdp_prog",
      "static_fn",
      "global_fn",
      "global_fn2",
      "global_fn3",
    ]);
    expect(xdp.btf?.lineInfos.length).toBe(28);
    expect(xdp.btf?.funcInfos.map((f) => f.func.name)).toEqual([
      "xdp_prog",
      "static_fn",
      "global_fn",
      "global_fn2",
      "global_fn3",
    ]);
  });

  it("relocates map, data and inline-asm references", async () => {
    const spec = await loadCollectionSpec(`${peer}loader-clang-22-el.elf`);
    const xdp = spec.programs.xdp_prog!.instructions as readonly import("../../src/asm/index.js").Instruction[];
    const refs = xdp.filter((i) => i.isDWordLoad()).map((i) => [i.reference, i.src, i.constant >> 32n]);
    expect(refs).toEqual([
      ["hash_map", PseudoLoad.MapFD, 0n],
      [".bss", PseudoLoad.MapValue, 0n],
      ["hash_map2", PseudoLoad.MapFD, 0n],
      [".data", PseudoLoad.MapValue, 0n],
      ["hash_map2", PseudoLoad.MapFD, 0n],
      [".rodata", PseudoLoad.MapValue, 0n],
      [".rodata", PseudoLoad.MapValue, 4n],
      [".rodata.test", PseudoLoad.MapValue, 0n],
      [".data.test", PseudoLoad.MapValue, 0n],
    ]);
    const asmReloc = spec.programs.asm_relocation!.instructions as readonly import("../../src/asm/index.js").Instruction[];
    expect(asmReloc[0]!.reference).toBe("MY_CONST");
  });
});

describePeer("other cilium/ebpf objects (skipped without ../shared)", () => {
  it("btf_map_init: static prog array and map-in-map slots", async () => {
    for (const order of ["el", "eb"]) {
      const spec = await loadCollectionSpec(`${peer}btf_map_init-${order}.elf`);
      expect(spec.maps.prog_array_init!.contents).toEqual([{ key: 1, value: { program: "tail_1" } }]);
      expect(spec.maps.outer_map_init!.contents).toEqual([{ key: 1, value: { map: "inner_map" } }]);
      expect(spec.maps.outer_map_init!.innerMap?.key).toBeDefined();
    }
  });
  it("iproute2_map_compat: 36-byte definitions with pinning", async () => {
    const spec = await loadCollectionSpec(`${peer}iproute2_map_compat-el.elf`);
    expect(spec.maps.hash_map).toMatchObject({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 2, pinning: PinType.ByName });
  });
  it("invalid objects are refused with a LoadError naming the problem", async () => {
    await expect(loadCollectionSpec(`${peer}invalid_btf_map_init-el.elf`)).rejects.toThrow(/not supported/);
    await expect(loadCollectionSpec(`${peer}invalid_map_static-el.elf`)).rejects.toThrow(LoadError);
    const invalid = await loadCollectionSpec(`${peer}invalid_map-el.elf`);
    expect([...invalid.maps.invalid_map!.extra!]).toEqual([1, 0, 0, 0]);
  });
  it("variables: hidden and static symbols are private, weak ones are exposed", async () => {
    const spec = await loadCollectionSpec(`${peer}variables-el.elf`);
    expect(spec.variables.hidden).toBeUndefined();
    expect(spec.variables.weak).toBeDefined();
    spec.variables.var_bss!.set(12345);
    expect(new DataView(spec.variables.var_bss!.get().buffer).getUint32(0, true)).toBe(12345);
  });
  it("kconfig, ksyms and kfuncs become externs", async () => {
    const kconfig = await loadCollectionSpec(`${peer}kconfig-el.elf`);
    expect(Object.values(kconfig.externs).every((e) => e.kind === "kconfig")).toBe(true);
    expect(kconfig.maps[".kconfig"]?.freeze).toBe(true);
    const kfunc = await loadCollectionSpec(`${peer}kfunc-el.elf`);
    expect(Object.values(kfunc.externs).some((e) => e.kind === "kfunc")).toBe(true);
    const ksym = await loadCollectionSpec(`${peer}ksym-el.elf`);
    expect(Object.values(ksym.externs).some((e) => e.kind === "ksym")).toBe(true);
  });
  it("every object parses in both byte orders to the same names", async () => {
    const { readdirSync } = await import("node:fs");
    const names = readdirSync(peer).filter((f) => f.endsWith("-el.elf") && !f.startsWith("invalid"));
    for (const f of names) {
      const el = await loadCollectionSpec(peer + f);
      const eb = await loadCollectionSpec(peer + f.replace("-el.elf", "-eb.elf"));
      expect(Object.keys(eb.programs), f).toEqual(Object.keys(el.programs));
      expect(Object.keys(eb.maps), f).toEqual(Object.keys(el.maps));
      expect(Object.keys(eb.variables), f).toEqual(Object.keys(el.variables));
    }
  });
});

// bpf/loader_btf.o parsed without privileges: the BTF type ids a spec refers to, exactly as
// `bpftool btf dump file bpf/loader_btf.o` numbers them, the decl tags on map definitions, and
// the CO-RE relocation records with the instruction offsets `llvm-objdump -d` shows (program
// parent_tgid starts at slot 19 of section socket).
import { describe, expect, it } from "vitest";
import { coreKindName, Kind } from "../../src/btf/index.js";
import type { CollectionSpec } from "../../src/collection/spec.js";
import { loadCollectionSpec } from "../../src/elf/loader/index.js";

const path = new URL("../../bpf/loader_btf.o", import.meta.url).pathname;

describe("bpf/loader_btf.o: BTF ids, map tags and CO-RE records", () => {
  let spec: CollectionSpec;
  const load = async () => (spec ??= await loadCollectionSpec(path));

  it("map keys and values are the types bpftool numbers 6, 12, 7 and 13", async () => {
    const s = await load();
    const ids = Object.fromEntries(
      Object.entries(s.maps).map(([n, m]) => [n, [s.types!.typeID(m.key!), m.key!.name, s.types!.typeID(m.value!), m.value!.name]]),
    );
    expect(ids).toEqual({
      flows: [6, "flow_key", 12, "flow_stats"],
      untagged: [7, "__u32", 13, "__u64"],
    });
    expect(s.types!.typeByID(6).kind).toBe(Kind.Struct);
    expect(s.types!.typeByID(12).kind).toBe(Kind.Struct);
    expect(s.types!.typeByID(7).kind).toBe(Kind.Typedef);
    expect(s.types!.typeByID(13).kind).toBe(Kind.Typedef);
  });

  it("decl tags on a map definition are on its spec, in BTF order (ids 19 and 20)", async () => {
    const s = await load();
    expect(s.maps.flows!.tags).toEqual(["owner:net", "export"]);
    expect(s.maps.untagged!.tags).toBeUndefined();
    for (const [id, value] of [[19, "owner:net"], [20, "export"]] as const) {
      const tag = s.types!.typeByID(id);
      expect(tag.kind === Kind.DeclTag && [tag.value, tag.index, s.types!.typeID(tag.type)]).toEqual([value, -1, 18]);
    }
  });

  it("func_info names each program's FUNC by id", async () => {
    const s = await load();
    const funcs = Object.fromEntries(
      Object.entries(s.programs).map(([n, p]) => [n, p.btf!.funcInfos.map((f) => [f.insnOff, f.typeID, f.func.name])]),
    );
    expect(funcs).toEqual({ count_flow: [[0, 40, "count_flow"]], parent_tgid: [[0, 42, "parent_tgid"]] });
  });

  it("CO-RE records: instruction, local type id 43 (task_struct), access string and kind", async () => {
    const s = await load();
    expect(s.programs.count_flow!.btf!.coreRelos).toEqual([]);
    const relos = s.programs.parent_tgid!.btf!.coreRelos;
    expect(relos.map((r) => [r.insnOff, r.typeID, r.accessStr, coreKindName(r.kind)])).toEqual([
      [4, 43, "0:2", "byte_off"], // t->real_parent: r1 = 8
      [11, 43, "0:1", "byte_off"], // real_parent->tgid: r1 = 4
      [22, 43, "0:0", "field_exists"], // bpf_core_field_exists(t->pid): r1 = 1
      [24, 43, "0:0", "byte_off"], // t->pid: r1 = 0
    ]);
    const task = s.types!.typeByID(43);
    expect(task.kind === Kind.Struct && task.name).toBe("task_struct");
    for (const r of relos) expect(r.type).toBe(task);
  });
});

// btf/relocs-{el,eb}.elf relocated against its own BTF (cilium's TestCORERelocation): every
// relocation resolves to the value clang compiled in, and the two `err_*` programs are
// ambiguous between `ambiguous` and `ambiguous___flavour`.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COREKind, coreKindName } from "../../src/btf/index.js";
import { applyCOREFixups, COREError, coreRelocate } from "../../src/btf/core/index.js";
import { bySlot, havePeer, loadObject, PEER_BTF, peerSkip, slotCount } from "./core-objects.js";

const KINDS: Record<string, Record<string, number>> = {
  "socket/type_ids": { local_type_id: 22, target_type_id: 6 },
  "socket/types": { type_exists: 6, type_size: 6, type_matches: 6 },
  "socket/enums": { enumval_exists: 3, enumval_value: 4 },
  "socket/fields": { byte_off: 26, field_exists: 9, byte_sz: 9, signed: 4 },
  "socket/err_ambiguous": { target_type_id: 1 },
  "socket/err_ambiguous_flavour": { target_type_id: 1 },
};

for (const order of ["el", "eb"] as const) {
  describe.skipIf(!havePeer)(`relocs-${order}.elf against its own BTF (skipped when ${peerSkip})`, () => {
    const obj = havePeer ? loadObject(join(PEER_BTF, `relocs-${order}.elf`)) : undefined!;

    it("has cilium's 103 records with the kinds the README lists", () => {
      const got: Record<string, Record<string, number>> = {};
      for (const [sec, relos] of obj.relos) {
        const counts: Record<string, number> = {};
        for (const r of relos) counts[coreKindName(r.kind)] = (counts[coreKindName(r.kind)] ?? 0) + 1;
        got[sec] = counts;
      }
      expect(got).toEqual(KINDS);
    });

    for (const sec of ["socket/type_ids", "socket/types", "socket/enums", "socket/fields"]) {
      it(`${sec}: relocating against itself is the identity`, () => {
        const relos = obj.relos.get(sec)!;
        const insns = obj.insns(sec);
        const fixups = coreRelocate(relos, obj.spec, [obj.spec]);
        expect(fixups).toHaveLength(relos.length);
        for (const f of fixups) {
          expect(f.poison, `${coreKindName(f.kind)} ${f.relocation.accessStr}`).toBe(false);
          expect(f.target).toBe(f.local);
          expect(f.relocation).toBe(relos[fixups.indexOf(f)]);
        }
        // Validation passes (the instructions hold the local values) and nothing changes.
        const patched = applyCOREFixups(insns, fixups);
        expect(patched.map(String)).toEqual(insns.map(String));
        expect(slotCount(patched)).toBe(slotCount(insns));
      });
    }

    it("socket/types: type sizes and existence as compiled", () => {
      const relos = obj.relos.get("socket/types")!;
      const fixups = coreRelocate(relos, obj.spec, [obj.spec]);
      const sizes = fixups.filter((f) => f.kind === COREKind.TypeSize).map((f) => [f.relocation.type.name, f.target]);
      expect(sizes).toEqual([
        ["s", 12n],
        ["s_t", 12n],
        ["e", 4n],
        ["e_t", 4n],
        ["u", 8n],
        ["u_t", 8n],
      ]);
      expect(fixups.filter((f) => f.kind !== COREKind.TypeSize).every((f) => f.target === 1n)).toBe(true);
    });

    it("socket/enums: the ENUM64 value 0x1ffffffff sits on an lddw", () => {
      const relos = obj.relos.get("socket/enums")!;
      const fixups = coreRelocate(relos, obj.spec, [obj.spec]);
      const large = fixups.find((f) => f.kind === COREKind.EnumvalValue && f.relocation.type.name === "e64")!;
      expect(large.target).toBe(0x1ffffffffn);
      const insn = bySlot(obj.insns("socket/enums")).get(large.relocation.insnOff)!;
      expect(insn.isDWordLoad()).toBe(true);
      expect(insn.constant).toBe(0x1ffffffffn);
    });

    it("socket/fields: offsets into struct t through anonymous unions and arrays", () => {
      const relos = obj.relos.get("socket/fields")!;
      const fixups = coreRelocate(relos, obj.spec, [obj.spec]);
      const offsets = fixups
        .filter((f) => f.kind === COREKind.FieldByteOffset && f.relocation.type.name === "t")
        .map((f) => [f.relocation.accessStr, Number(f.target)]);
      // s[2]._1, s[1]._2, u._1, u._2 with s_t 12 bytes and union u after the array.
      expect(offsets).toEqual([
        ["0:0:0:2:0", 24],
        ["0:0:0:1:1", 16],
        ["0:1:0:0", 120],
        ["0:1:0:1", 120],
      ]);
      // Stores relocated by byte offset keep their access size.
      const store = fixups.find((f) => f.relocation.insnOff === 5 && f.kind === COREKind.FieldByteOffset)!;
      expect([store.localSize, store.targetSize, store.target]).toEqual([4, 4, 8n]);
    });

    it("socket/type_ids: local ids come from the resolver, target ids from the target", () => {
      const relos = obj.relos.get("socket/type_ids")!;
      const insns = obj.insns("socket/type_ids");
      const fixups = coreRelocate(relos, obj.spec, [obj.spec], { resolveLocalTypeID: (t) => obj.spec.typeID(t) + 1000 });
      for (const f of fixups) {
        const id = BigInt(f.relocation.typeID);
        expect(f.validate).toBe(false);
        expect(f.target).toBe(f.kind === COREKind.TypeIDLocal ? id + 1000n : id);
      }
      const patched = bySlot(applyCOREFixups(insns, fixups));
      for (const f of fixups) expect(patched.get(f.relocation.insnOff)!.constant).toBe(f.target);
    });

    for (const [sec, local] of [
      ["socket/err_ambiguous", "ambiguous"],
      ["socket/err_ambiguous_flavour", "ambiguous___flavour"],
    ] as const) {
      it(`${sec}: ambiguous between ambiguous and ambiguous___flavour`, () => {
        const relos = obj.relos.get(sec)!;
        let err: unknown;
        try {
          coreRelocate(relos, obj.spec, [obj.spec]);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(COREError);
        const msg = (err as COREError).message;
        expect(msg).toContain(`CO-RE target_type_id of struct ${local} [`);
        expect(msg).toContain("(access 0) at insn #0");
        expect(msg).toMatch(
          /ambiguous relocation: value \d+ for candidate ambiguous \[\d+\] but value \d+ for candidate ambiguous___flavour \[\d+\]/,
        );
        expect((err as COREError).relocation).toBe(relos[0]);
      });
    }
  });
}

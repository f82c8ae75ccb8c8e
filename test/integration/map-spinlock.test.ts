import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LookupLock, MapType, newMap, UpdateExist, UpdateLock } from "../../src/map/index.js";
import { closeRaw } from "../../src/syscall/fd.js";
import { SyscallError } from "../../src/syscall/error.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { loadSpinLockBTF, u32 } from "./map-fixtures.js";

expectNoFdLeaks();

// struct data { int cnt; struct bpf_spin_lock l; }: type id 3, key int: type id 1.
let btfFd = -1;
beforeAll(() => {
  btfFd = loadSpinLockBTF();
});
afterAll(() => {
  closeRaw(btfFd);
});

function value(cnt: number): Uint8Array {
  const v = new Uint8Array(8);
  new DataView(v.buffer).setInt32(0, cnt, true);
  return v;
}

describe("values holding a bpf_spin_lock", () => {
  for (const type of [MapType.Hash, MapType.Array]) {
    it(`${type === MapType.Hash ? "hash" : "array"}: update with UpdateLock, lookup with LookupLock`, () => {
      using m = newMap(
        { name: "locked", type, keySize: 4, valueSize: 8, maxEntries: 4 },
        { btf: { fd: btfFd, keyTypeId: 1, valueTypeId: 3 } },
      );
      expect(m.info()).toMatchObject({ btfKeyTypeId: 1, btfValueTypeId: 3 });
      m.update(1, value(42), UpdateLock);
      expect(u32(m.lookup(1, undefined, LookupLock)!)).toBe(42);
      m.update(1, value(43), UpdateLock | UpdateExist);
      const out = new Uint8Array(8);
      expect(m.lookup(1, out, LookupLock)).toBe(out);
      expect(u32(out)).toBe(43);
      // The lock word reads back as zero.
      expect(u32(out, 4)).toBe(0);
    });
  }

  it("BPF_F_LOCK on a map without a spin lock is refused by the kernel", () => {
    using m = newMap({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 4 });
    m.update(1, 1n);
    expect(() => m.lookup(1, undefined, LookupLock)).toThrow(SyscallError);
    expect(() => m.update(1, 1n, UpdateLock)).toThrow(SyscallError);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { ClosedError } from "../../src/errors.js";
import {
  BpfMap,
  IterationAbortedError,
  KeyExistError,
  KeyNotExistError,
  MapType,
  newMap,
  UpdateAny,
  UpdateExist,
  UpdateFlags,
  UpdateNoExist,
} from "../../src/map/index.js";
import { SyscallError } from "../../src/syscall/error.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { why } from "../helpers/kernel.js";
import { le32, le64, u32, u64 } from "./map-fixtures.js";

expectNoFdLeaks();

const open: BpfMap[] = [];
function track(m: BpfMap): BpfMap {
  open.push(m);
  return m;
}
afterEach(() => {
  for (const m of open.splice(0)) m.close();
});

/**
 * The kernel's own answer, by a real attempt: hash maps have no BPF_MAP_LOOKUP_AND_DELETE_ELEM op
 * before 5.14 and say ENOTSUPP; later kernels report the missing key.
 */
function lookupAndDeleteMissing(): string | undefined {
  const m = newMap({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 1 });
  try {
    m.lookupAndDelete(0);
    return undefined;
  } catch (err) {
    if (err instanceof SyscallError && err.code === "ENOTSUPP") return "lookup-and-delete on hash maps needs Linux 5.14";
    throw err;
  } finally {
    m.close();
  }
}
const noLookupAndDelete = lookupAndDeleteMissing();

function hash(maxEntries = 16): BpfMap {
  return track(newMap({ name: "ops_hash", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries }));
}

describe("hash map element operations", () => {
  it("update / lookup with numbers, bigints and bytes", () => {
    const m = hash();
    m.update(1, 100n);
    m.update(2, 200);
    m.update(le32(3), le64(300n));
    m.update(4n, 0xffff_ffff_ffff_ffffn);
    expect(u64(m.lookup(1)!)).toBe(100n);
    expect(u64(m.lookup(2)!)).toBe(200n);
    expect(u64(m.lookup(3)!)).toBe(300n);
    expect(u64(m.lookup(le32(4))!)).toBe(0xffff_ffff_ffff_ffffn);
    expect(m.lookup(5)).toBeUndefined();
  });

  it("lookup writes into valueOut and returns it", () => {
    const m = hash();
    m.update(7, 0x0102030405060708n);
    const out = new Uint8Array(8);
    expect(m.lookup(7, out)).toBe(out);
    expect(u64(out)).toBe(0x0102030405060708n);
    expect(m.lookup(8, out)).toBeUndefined();
  });

  it("Buffer keys and values work like Uint8Array", () => {
    const m = hash();
    m.update(Buffer.from([1, 0, 0, 0]), Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]));
    const out = Buffer.alloc(8);
    expect(m.lookup(1, out)).toBe(out);
    expect(out.readBigUInt64LE(0)).toBe(2n);
  });

  it("valueOut may change between calls, and a detached one is refused", () => {
    const m = hash();
    m.update(1, 10n);
    m.update(2, 20n);
    const a = new Uint8Array(8);
    const b = new Uint8Array(new ArrayBuffer(16), 8, 8);
    expect(u64(m.lookup(1, a)!)).toBe(10n);
    expect(u64(m.lookup(2, b)!)).toBe(20n);
    expect(new Uint8Array(b.buffer, 0, 8)).toEqual(new Uint8Array(8)); // bytes before the view untouched
    expect(u64(m.lookup(2, a)!)).toBe(20n);
    const ab = new ArrayBuffer(8);
    const c = new Uint8Array(ab);
    expect(u64(m.lookup(1, c)!)).toBe(10n);
    structuredClone(ab, { transfer: [ab] });
    expect(() => m.lookup(1, c)).toThrow("value buffer must be 8 bytes, got 0");
  });

  it("negative numbers are two's complement", () => {
    const m = hash();
    m.update(-1, -2);
    expect(u64(m.lookup(0xffffffff)!)).toBe(0xffff_ffff_ffff_fffen);
  });

  it("NOEXIST and EXIST conflicts throw KeyExistError / KeyNotExistError", () => {
    const m = hash();
    m.update(1, 1n, UpdateNoExist);
    const exists = (() => {
      try {
        m.update(1, 2n, UpdateNoExist);
      } catch (err) {
        return err;
      }
    })();
    expect(exists).toBeInstanceOf(KeyExistError);
    expect(exists).toBeInstanceOf(SyscallError);
    expect((exists as KeyExistError).errno).toBe(17);
    expect((exists as KeyExistError).mapName).toBe("map ops_hash");
    expect((exists as KeyExistError).command).toBe("BPF_MAP_UPDATE_ELEM");
    expect(() => m.update(2, 2n, UpdateExist)).toThrow(KeyNotExistError);
    m.update(1, 3n, UpdateExist);
    m.update(1, 4n, UpdateAny);
    m.update(1, 5n, UpdateFlags.Exist);
    expect(u64(m.lookup(1)!)).toBe(5n);
  });

  it("delete removes; deleting a missing key throws KeyNotExistError", () => {
    const m = hash();
    m.update(1, 1n);
    m.delete(1);
    expect(m.lookup(1)).toBeUndefined();
    let err: unknown;
    try {
      m.delete(1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KeyNotExistError);
    expect((err as KeyNotExistError).errno).toBe(2);
    expect((err as KeyNotExistError).command).toBe("BPF_MAP_DELETE_ELEM");
    expect((err as Error).message).toContain("ops_hash");
  });

  it.skipIf(noLookupAndDelete !== undefined)(`lookupAndDelete returns the value and removes the key${why(noLookupAndDelete)}`, () => {
    const m = hash();
    m.update(9, 99n);
    expect(u64(m.lookupAndDelete(9)!)).toBe(99n);
    expect(m.lookup(9)).toBeUndefined();
    expect(m.lookupAndDelete(9)).toBeUndefined();
    m.update(9, 98n);
    const out = new Uint8Array(8);
    expect(m.lookupAndDelete(9, out)).toBe(out);
    expect(u64(out)).toBe(98n);
  });

  it("nextKey walks every key and ends with undefined", () => {
    const m = hash();
    for (const k of [10, 20, 30]) m.update(k, BigInt(k));
    const seen: number[] = [];
    for (let k = m.nextKey(undefined); k; k = m.nextKey(k)) seen.push(u32(k));
    expect(seen.sort((a, b) => a - b)).toEqual([10, 20, 30]);
    const out = new Uint8Array(4);
    expect(m.nextKey(undefined, out)).toBe(out);
    expect(hash().nextKey(undefined)).toBeUndefined();
  });
});

describe("array map", () => {
  it("has every index, zeroed, and rejects delete", () => {
    const m = track(newMap({ type: MapType.Array, keySize: 4, valueSize: 4, maxEntries: 3 }));
    expect(u32(m.lookup(2)!)).toBe(0);
    m.update(2, 0xdeadbeef);
    expect(u32(m.lookup(2)!)).toBe(0xdeadbeef);
    expect(m.lookup(3)).toBeUndefined();
    expect([...m.keys()].map((k) => u32(k))).toEqual([0, 1, 2]);
    expect(() => m.delete(0)).toThrow(SyscallError);
    expect(() => m.update(3, 1)).toThrow(SyscallError);
  });
});

describe("iteration", () => {
  it("keys() and entries() return every entry with its value", () => {
    const m = hash(64);
    for (let i = 0; i < 50; i++) m.update(i, BigInt(i * 3));
    const entries = [...m.entries()].map(([k, v]) => [u32(k), u64(v)] as const);
    expect(entries.length).toBe(50);
    expect(new Map(entries)).toEqual(new Map(Array.from({ length: 50 }, (_, i) => [i, BigInt(i * 3)])));
    expect([...m].length).toBe(50);
  });

  it("survives deletion of the current key", () => {
    const m = hash(256);
    for (let i = 0; i < 200; i++) m.update(i, BigInt(i));
    const seen = new Set<number>();
    for (const key of m.keys()) {
      const k = u32(key);
      expect(seen.has(k)).toBe(false);
      seen.add(k);
      m.delete(key);
    }
    expect(seen.size).toBe(200);
    expect(m.nextKey(undefined)).toBeUndefined();
  });

  it("aborts with IterationAbortedError when keys are replaced faster than the walk", () => {
    const m = hash(4);
    let next = 0;
    m.update(next++, 0n);
    m.update(next++, 0n);
    expect(() => {
      for (const _ of m.keys()) {
        for (let k = m.nextKey(undefined); k; k = m.nextKey(undefined)) m.delete(k);
        m.update(next++, 0n);
        m.update(next++, 0n);
      }
    }).toThrow(IterationAbortedError);
  });

  it("entries() skips keys deleted by the caller before their lookup", () => {
    const m = hash();
    for (let i = 0; i < 10; i++) m.update(i, BigInt(i));
    let n = 0;
    for (const [key] of m.entries()) {
      n++;
      m.delete(key);
    }
    expect(n).toBe(10);
  });
});

describe("map object", () => {
  it("info() reads back type, sizes, flags, name and id", () => {
    const m = track(newMap({ name: "info_map", type: MapType.Hash, keySize: 4, valueSize: 16, maxEntries: 32, flags: 1 }));
    const info = m.info();
    expect(info).toMatchObject({ type: MapType.Hash, keySize: 4, valueSize: 16, maxEntries: 32, flags: 1, name: "info_map" });
    expect(info.id).toBeGreaterThan(0);
    expect(m.fd).toBeGreaterThan(2);
    expect(m.name).toBe("info_map");
  });

  it("freeze() makes the map read-only from user space", () => {
    const m = track(newMap({ type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 1 }));
    m.update(0, 5n);
    m.freeze();
    expect(u64(m.lookup(0)!)).toBe(5n);
    expect(() => m.update(0, 6n)).toThrowError(expect.objectContaining({ code: "EPERM" }));
  });

  it("clone() opens the same map with its own fd", () => {
    const m = hash();
    m.update(1, 11n);
    const c = track(m.clone());
    expect(c.fd).not.toBe(m.fd);
    expect(c.info().id).toBe(m.info().id);
    m.close();
    expect(u64(c.lookup(1)!)).toBe(11n);
  });

  it("close() is idempotent; a closed map throws ClosedError", () => {
    const m = hash();
    m.close();
    m.close();
    expect(m.closed).toBe(true);
    expect(() => m.lookup(1)).toThrow(ClosedError);
    expect(() => m.update(1, 1n)).toThrow(ClosedError);
    expect(() => m.delete(1)).toThrow(ClosedError);
    expect(() => m.nextKey(undefined)).toThrow(ClosedError);
    expect(() => m.fd).toThrow(ClosedError);
    expect(() => m.info()).toThrow(ClosedError);
    expect(() => m.lookup(1)).toThrow("map ops_hash is closed");
  });

  it("Symbol.dispose closes", () => {
    let fd = -1;
    let ref: BpfMap | undefined;
    {
      using m = newMap({ type: MapType.Hash, keySize: 4, valueSize: 4, maxEntries: 1 });
      fd = m.fd;
      ref = m;
    }
    expect(fd).toBeGreaterThan(0);
    expect(ref!.closed).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import { MapFlags, MapType, newMap, possibleCPUs, type MapSpec } from "../../src/map/index.js";
import { SyscallError } from "../../src/syscall/error.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { openFdCount } from "../helpers/fds.js";

expectNoFdLeaks();

describe("bad keys and values never reach the kernel", () => {
  it("wrong-size bytes, out-of-range numbers and wrong types are ArgumentErrors", () => {
    using m = newMap({ name: "strict", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 4 });
    expect(() => m.update(new Uint8Array(3), 1n)).toThrow("key must be 4 bytes, got 3");
    expect(() => m.update(new Uint8Array(8), 1n)).toThrow(ArgumentError);
    expect(() => m.update(1, new Uint8Array(7))).toThrow("value must be 8 bytes, got 7");
    expect(() => m.update(1, new Uint8Array(16))).toThrow(ArgumentError);
    expect(() => m.update(2 ** 32, 1n)).toThrow(/does not fit in 4 bytes/);
    expect(() => m.update(1.5, 1n)).toThrow(ArgumentError);
    expect(() => m.update(NaN, 1n)).toThrow(ArgumentError);
    expect(() => m.update(1, 2 ** 64)).toThrow(ArgumentError);
    expect(() => m.update(1, 1n << 64n)).toThrow(ArgumentError);
    expect(() => m.update(1n << 32n, 1n)).toThrow(ArgumentError);
    expect(() => m.update("1" as unknown as number, 1n)).toThrow(/got string/);
    expect(() => m.update(1, { fd: 3 })).toThrow(ArgumentError); // not an fd-valued map
    expect(() => m.update(1, new Uint16Array(4) as unknown as Uint8Array)).toThrow(/Uint16Array of 8 bytes/);
    expect(() => m.lookup(1, new Uint8Array(4))).toThrow("value buffer must be 8 bytes, got 4");
    expect(() => m.lookupAndDelete(1, new Uint8Array(9))).toThrow(ArgumentError);
    expect(() => m.nextKey(1, new Uint8Array(2))).toThrow(ArgumentError);
    expect(() => m.update(1, 1n, -1)).toThrow(/flags must be a u32/);
    expect(() => m.lookupPerCPU(1)).toThrow(/not a per-CPU map/);
    expect(() => m.lookupId(1)).toThrow(/not fds/);
    expect([...m.keys()].length).toBe(0);
  });

  it("a 16-byte key takes only bytes", () => {
    using m = newMap({ type: MapType.Hash, keySize: 16, valueSize: 4, maxEntries: 4 });
    expect(() => m.update(1, 1)).toThrow(/pass a Uint8Array of that length, not a number/);
    expect(() => m.update(1n, 1)).toThrow(/not a bigint/);
    m.update(new Uint8Array(16).fill(1), 5);
  });

  it("queue / stack / bloom operations on a hash map are ArgumentErrors", () => {
    using m = newMap({ type: MapType.Hash, keySize: 4, valueSize: 4, maxEntries: 4 });
    expect(() => m.pop()).toThrow("pop is not an operation of Hash maps");
    expect(() => m.peek()).toThrow(ArgumentError);
    expect(() => m.push(1)).toThrow(ArgumentError);
    expect(() => m.contains(1)).toThrow(ArgumentError);
  });

  it("per-CPU buffers are sized roundup(valueSize, 8) * possible CPUs", () => {
    using m = newMap({ type: MapType.PerCPUArray, keySize: 4, valueSize: 12, maxEntries: 1 });
    expect(m.valueBufferSize).toBe(16 * possibleCPUs());
    expect(() => m.lookup(0, new Uint8Array(12 * possibleCPUs()))).toThrow(ArgumentError);
    expect(() => m.update(0, new Uint8Array(12 * possibleCPUs()))).toThrow(ArgumentError);
  });
});

describe("MapSpec validation names the rule", () => {
  const base: MapSpec = { type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 4 };
  const cases: [string, MapSpec, RegExp][] = [
    ["ring buffer size", { type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 5000 }, /power-of-two multiple of the page size/],
    ["ring buffer size below a page", { type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 2048 }, /power-of-two/],
    ["ring buffer key", { type: MapType.RingBuf, keySize: 4, valueSize: 0, maxEntries: 4096 }, /keySize and valueSize of a ring buffer must be 0/],
    ["zero key", { ...base, keySize: 0 }, /must be positive/],
    ["negative size", { ...base, valueSize: -1 }, /valueSize must be a u32/],
    ["fractional entries", { ...base, maxEntries: 1.5 }, /maxEntries must be a u32/],
    ["array key", { type: MapType.Array, keySize: 8, valueSize: 4, maxEntries: 1 }, /keySize of an array must be 4/],
    ["queue key", { type: MapType.Queue, keySize: 4, valueSize: 4, maxEntries: 1 }, /keySize of a Queue map must be 0/],
    ["LPM prealloc", { type: MapType.LPMTrie, keySize: 8, valueSize: 4, maxEntries: 1 }, /BPF_F_NO_PREALLOC/],
    ["LPM key", { type: MapType.LPMTrie, keySize: 4, valueSize: 4, maxEntries: 1, flags: MapFlags.BPF_F_NO_PREALLOC }, /5\.\.260/],
    ["map of maps without inner", { type: MapType.HashOfMaps, keySize: 4, valueSize: 4, maxEntries: 1 }, /needs innerMap/],
    ["inner on a hash", { ...base, innerMap: base }, /innerMap is only for/],
    ["prog array value", { type: MapType.ProgramArray, keySize: 4, valueSize: 8, maxEntries: 1 }, /must be 4 \(an fd\)/],
    ["long name", { ...base, name: "a_very_long_map_name" }, /at most 15 characters/],
    ["bad name", { ...base, name: "bad-name" }, /\[A-Za-z0-9_\.\]/],
    ["bad type", { ...base, type: 0 as MapType }, /type must be a MapType/],
    ["bloom hashes", { type: MapType.BloomFilter, keySize: 0, valueSize: 4, maxEntries: 1, mapExtra: 16 }, /0\.\.15/],
  ];
  for (const [label, spec, message] of cases) {
    it(label, () => {
      expect(() => newMap(spec)).toThrow(ArgumentError);
      expect(() => newMap(spec)).toThrow(message);
    });
  }

  it("a map type the kernel does not know is a SyscallError naming the type", () => {
    const before = openFdCount();
    let err: unknown;
    try {
      newMap({ type: 200 as MapType, keySize: 4, valueSize: 4, maxEntries: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SyscallError);
    expect((err as Error).message).toContain("MapType(200)");
    expect(openFdCount()).toBe(before);
  });

  it("a failing map of maps closes its temporary inner map", () => {
    const before = openFdCount();
    expect(() =>
      newMap({
        type: MapType.ArrayOfMaps,
        keySize: 4,
        valueSize: 4,
        maxEntries: 1,
        flags: 1 << 30,
        innerMap: { type: MapType.Array, keySize: 4, valueSize: 4, maxEntries: 1 },
      }),
    ).toThrow(SyscallError);
    expect(openFdCount()).toBe(before);
  });
});

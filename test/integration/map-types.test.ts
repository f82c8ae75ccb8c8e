import { afterEach, describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import {
  BpfMap,
  MapFlags,
  MapType,
  newMap,
  possibleCPUs,
  UpdateExist,
  type MapSpec,
} from "../../src/map/index.js";
import { closeRaw } from "../../src/syscall/fd.js";
import { haveMapType } from "../../src/features/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { unless, why } from "../helpers/kernel.js";
import { le32, loadTrivialProgram, u32, u64 } from "./map-fixtures.js";
import { objGetInfoByFd } from "../../src/syscall/obj.js";
import { ProgInfo } from "../../src/syscall/attr.js";

expectNoFdLeaks();

const open: BpfMap[] = [];
function make(spec: MapSpec): BpfMap {
  const m = newMap(spec);
  open.push(m);
  return m;
}
afterEach(() => {
  for (const m of open.splice(0)) m.close();
});

const cpus = possibleCPUs();

describe("per-CPU maps: one value per possible CPU", () => {
  for (const [label, type] of [
    ["PerCPUHash", MapType.PerCPUHash],
    ["PerCPUArray", MapType.PerCPUArray],
    ["LRUCPUHash", MapType.LRUCPUHash],
  ] as const) {
    it(`${label} round trip`, () => {
      const m = make({ type, keySize: 4, valueSize: 4, maxEntries: 8 });
      expect(m.valueBufferSize).toBe(8 * cpus);
      const values = Array.from({ length: cpus }, (_, i) => 1000 + i);
      m.update(1, values);
      expect(m.lookupPerCPU(1)!.map((v) => u32(v))).toEqual(values);
      const packed = m.lookup(1)!;
      expect(packed.length).toBe(8 * cpus);
      for (let i = 0; i < cpus; i++) expect(u32(packed, 8 * i)).toBe(1000 + i);
      // Packed bytes in, same values out.
      const bytes = new Uint8Array(8 * cpus);
      for (let i = 0; i < cpus; i++) new DataView(bytes.buffer).setUint32(8 * i, 7 * i, true);
      m.update(1, bytes);
      expect(m.lookupPerCPU(1)!.map((v) => u32(v))).toEqual(values.map((_, i) => 7 * i));
      const out = new Uint8Array(8 * cpus);
      expect(m.lookup(1, out)).toBe(out);
      const entries = [...m.entries()];
      expect(entries.length).toBe(type === MapType.PerCPUArray ? 8 : 1);
      expect(entries.find(([k]) => u32(k) === 1)![1]).toEqual(m.lookup(1));
      expect(() => m.update(1, [1])).toThrow(ArgumentError);
      expect(() => m.update(1, 5)).toThrow(ArgumentError);
      expect(() => m.lookup(1, new Uint8Array(4))).toThrow(/roundup\(4, 8\)/);
    });
  }
  it("PerCPUHash with u64 bigints", () => {
    const m = make({ type: MapType.PerCPUHash, keySize: 8, valueSize: 8, maxEntries: 8 });
    const values = Array.from({ length: cpus }, (_, i) => BigInt(i) << 40n);
    m.update(2n, values);
    expect(m.lookupPerCPU(2n)!.map((v) => u64(v))).toEqual(values);
    expect(m.lookupPerCPU(3n)).toBeUndefined();
  });
});

describe("LRU hash", () => {
  it("evicts instead of failing when full", () => {
    const m = make({ type: MapType.LRUHash, keySize: 4, valueSize: 4, maxEntries: 8 });
    for (let i = 0; i < 1000; i++) m.update(i, i);
    expect(u32(m.lookup(999)!)).toBe(999);
    const n = [...m.keys()].length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(8 * cpus + 8);
  });
});

describe("LPM trie", () => {
  const key = (prefix: number, a: number, b: number, c: number, d: number): Uint8Array => {
    const k = new Uint8Array(8);
    new DataView(k.buffer).setUint32(0, prefix, true);
    k.set([a, b, c, d], 4);
    return k;
  };
  it("longest-prefix match", () => {
    const m = make({ type: MapType.LPMTrie, keySize: 8, valueSize: 4, maxEntries: 16, flags: MapFlags.BPF_F_NO_PREALLOC });
    m.update(key(8, 10, 0, 0, 0), 8);
    m.update(key(24, 10, 1, 2, 0), 24);
    expect(u32(m.lookup(key(32, 10, 1, 2, 3))!)).toBe(24);
    expect(u32(m.lookup(key(32, 10, 9, 9, 9))!)).toBe(8);
    expect(m.lookup(key(32, 11, 0, 0, 0))).toBeUndefined();
    expect([...m.keys()].length).toBe(2);
    m.delete(key(24, 10, 1, 2, 0));
    expect(u32(m.lookup(key(32, 10, 1, 2, 3))!)).toBe(8);
  });
});

describe("queue and stack", () => {
  it("queue is FIFO: push / peek / pop", () => {
    const q = make({ type: MapType.Queue, keySize: 0, valueSize: 4, maxEntries: 3 });
    expect(q.pop()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    q.push(1);
    q.push(2);
    q.push(3);
    expect(() => q.push(4)).toThrowError(expect.objectContaining({ code: "E2BIG" }));
    q.push(4, UpdateExist); // drops the oldest
    expect(u32(q.peek()!)).toBe(2);
    const out = new Uint8Array(4);
    expect(q.pop(out)).toBe(out);
    expect(u32(out)).toBe(2);
    expect(u32(q.pop()!)).toBe(3);
    expect(u32(q.pop()!)).toBe(4);
    expect(q.pop()).toBeUndefined();
  });
  it("stack is LIFO", () => {
    const s = make({ type: MapType.Stack, keySize: 0, valueSize: 8, maxEntries: 4 });
    s.push(1n);
    s.push(2n);
    expect(u64(s.peek()!)).toBe(2n);
    expect(u64(s.pop()!)).toBe(2n);
    expect(u64(s.pop()!)).toBe(1n);
    expect(s.pop()).toBeUndefined();
  });
  it("keyed operations are rejected with a hint", () => {
    const q = make({ type: MapType.Queue, keySize: 0, valueSize: 4, maxEntries: 1 });
    expect(() => q.lookup(0)).toThrow(/use push \/ pop \/ peek/);
    expect(() => q.update(0, 1)).toThrow(ArgumentError);
    expect(() => q.delete(0)).toThrow(ArgumentError);
    expect(() => q.nextKey(undefined)).toThrow(ArgumentError);
    expect(() => q.keys().next()).toThrow(ArgumentError);
  });
});

const noBloom = unless(() => haveMapType(MapType.BloomFilter), "bloom filter maps need Linux 5.16");
describe.skipIf(noBloom !== undefined)(`bloom filter${why(noBloom)}`, () => {
  it("push / contains", () => {
    const b = make({ type: MapType.BloomFilter, keySize: 0, valueSize: 4, maxEntries: 100, mapExtra: 3 });
    expect(b.contains(7)).toBe(false);
    b.push(7);
    b.push(le32(8));
    expect(b.contains(7)).toBe(true);
    expect(b.contains(8)).toBe(true);
    expect(b.info().mapExtra).toBe(3n);
    expect(() => b.pop()).toThrow(ArgumentError);
  });
});

describe("ring buffer and perf event array", () => {
  it("ring buffer is created with its size", () => {
    const r = make({ type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 4096 * 4 });
    expect(r.info()).toMatchObject({ type: MapType.RingBuf, maxEntries: 16384, keySize: 0, valueSize: 0 });
    expect(() => r.lookup(0)).toThrow(ArgumentError);
  });
  it("perf event array defaults to one entry per possible CPU", () => {
    const p = make({ type: MapType.PerfEventArray, keySize: 4, valueSize: 4, maxEntries: 0 });
    expect(p.maxEntries).toBe(cpus);
    expect(p.info().maxEntries).toBe(cpus);
    // User space cannot read perf event fds back, and only perf event fds go in.
    expect(() => p.lookup(0)).toThrowError(expect.objectContaining({ code: "ENOTSUPP" }));
    const notPerf = make({ type: MapType.Array, keySize: 4, valueSize: 4, maxEntries: 1 });
    expect(() => p.update(0, notPerf)).toThrowError(expect.objectContaining({ code: "EBADF" }));
  });
});

describe("program array", () => {
  it("takes program fds as numbers or { fd } and returns program ids", () => {
    const progFd = loadTrivialProgram();
    try {
      const info = new Uint8Array(new ArrayBuffer(ProgInfo.size));
      objGetInfoByFd(progFd, info);
      const progId = ProgInfo.get(new DataView(info.buffer), "id");
      const m = make({ type: MapType.ProgramArray, keySize: 4, valueSize: 4, maxEntries: 4 });
      m.update(0, progFd);
      m.update(1, { fd: progFd });
      expect(m.lookupId(0)).toBe(progId);
      expect(u32(m.lookup(1)!)).toBe(progId);
      expect(m.lookupId(2)).toBeUndefined();
      m.delete(0);
      expect(m.lookupId(0)).toBeUndefined();
      expect(() => m.update(3, { fd: -1 })).toThrow(ArgumentError);
    } finally {
      closeRaw(progFd);
    }
  });
});

describe("maps of maps", () => {
  const inner: MapSpec = { type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 2 };
  for (const [label, type] of [
    ["ArrayOfMaps", MapType.ArrayOfMaps],
    ["HashOfMaps", MapType.HashOfMaps],
  ] as const) {
    it(`${label}: inner maps in by BpfMap or fd, ids out`, () => {
      const outer = make({ name: "outer", type, keySize: 4, valueSize: 4, maxEntries: 4, innerMap: inner });
      const a = make({ ...inner, name: "inner_a" });
      const b = make({ ...inner, name: "inner_b" });
      outer.update(0, a);
      outer.update(1, b.fd);
      expect(outer.lookupId(0)).toBe(a.info().id);
      expect(outer.lookupId(1)).toBe(b.info().id);
      expect(outer.lookupId(2)).toBeUndefined();
      // An inner map of another shape is refused by the kernel.
      const wrong = make({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 2 });
      expect(() => outer.update(2, wrong)).toThrowError(expect.objectContaining({ code: "EINVAL" }));
    });
  }
});

import { afterEach, describe, expect, it } from "vitest";
import { ArgumentError } from "../../src/errors.js";
import {
  BpfMap,
  KeyNotExistError,
  MapBatchCursor,
  MapFlags,
  MapType,
  newMap,
  possibleCPUs,
  UpdateNoExist,
  type MapSpec,
} from "../../src/map/index.js";
import { expectNoFdLeaks } from "../helpers/fds.js";
import { u32, u64 } from "./map-fixtures.js";

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

function packed(n: number, size: 4 | 8, f: (i: number) => number): Uint8Array {
  const b = new Uint8Array(n * size);
  const v = new DataView(b.buffer);
  for (let i = 0; i < n; i++) {
    if (size === 4) v.setUint32(i * size, f(i), true);
    else v.setBigUint64(i * size, BigInt(f(i)), true);
  }
  return b;
}

function drain(m: BpfMap, per: number, andDelete = false): Map<number, bigint> {
  const cursor = new MapBatchCursor();
  const keys = new Uint8Array(4 * per);
  const values = new Uint8Array(8 * per);
  const got = new Map<number, bigint>();
  let calls = 0;
  while (!cursor.done) {
    const n = andDelete ? m.batchLookupAndDelete(cursor, keys, values) : m.batchLookup(cursor, keys, values);
    for (let i = 0; i < n; i++) {
      expect(got.has(u32(keys, 4 * i))).toBe(false);
      got.set(u32(keys, 4 * i), u64(values, 8 * i));
    }
    if (++calls > 10_000) throw new Error("batch walk does not end");
  }
  expect(m.batchLookup(cursor, keys, values)).toBe(0);
  return got;
}

const expected = (n: number): Map<number, bigint> => new Map(Array.from({ length: n }, (_, i) => [i, BigInt(i * 10)]));

describe("batch operations", () => {
  it("hash: batchUpdate, then batchLookup continues with the cursor across calls", () => {
    const m = make({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 1000 });
    expect(m.batchUpdate(packed(1000, 4, (i) => i), packed(1000, 8, (i) => i * 10))).toBe(1000);
    expect(drain(m, 64)).toEqual(expected(1000));
    expect(drain(m, 4096)).toEqual(expected(1000));
  });

  it("array: batchLookup in small steps", () => {
    const m = make({ type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 100 });
    m.batchUpdate(packed(100, 4, (i) => i), packed(100, 8, (i) => i * 10));
    expect(drain(m, 7)).toEqual(expected(100));
  });

  it("batch elemFlags other than BPF_F_LOCK are refused before the syscall", () => {
    const m = make({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 10 });
    expect(() => m.batchUpdate(packed(5, 4, (i) => i), packed(5, 8, (i) => i), { elemFlags: UpdateNoExist })).toThrow(
      /only be UpdateLock/,
    );
  });

  it("batchDelete removes keys; a missing key throws KeyNotExistError", () => {
    const m = make({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 100 });
    m.batchUpdate(packed(100, 4, (i) => i), packed(100, 8, (i) => i * 10));
    expect(m.batchDelete(packed(50, 4, (i) => i))).toBe(50);
    const rest = drain(m, 32);
    expect([...rest.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 50 + i));
    expect(() => m.batchDelete(packed(1, 4, () => 0))).toThrow(KeyNotExistError);
  });

  it("batchLookupAndDelete empties the map", () => {
    const m = make({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 300 });
    m.batchUpdate(packed(300, 4, (i) => i), packed(300, 8, (i) => i * 10));
    expect(drain(m, 50, true)).toEqual(expected(300));
    expect(m.nextKey(undefined)).toBeUndefined();
  });

  it("per-CPU values come packed, one slot per possible CPU", () => {
    const cpus = possibleCPUs();
    const m = make({ type: MapType.PerCPUArray, keySize: 4, valueSize: 4, maxEntries: 4 });
    for (let k = 0; k < 4; k++) m.update(k, Array.from({ length: cpus }, (_, c) => k * 100 + c));
    const cursor = new MapBatchCursor();
    const keys = new Uint8Array(16);
    const values = new Uint8Array(4 * 8 * cpus);
    expect(() => m.batchLookup(cursor, keys, new Uint8Array(16))).toThrow(ArgumentError);
    expect(m.batchLookup(cursor, keys, values)).toBe(4);
    for (let k = 0; k < 4; k++) {
      for (let c = 0; c < cpus; c++) expect(u32(values, (k * cpus + c) * 8)).toBe(k * 100 + c);
    }
  });

  it("falls back to element calls where the map type has no batch ops (LPM trie)", () => {
    const m = make({ type: MapType.LPMTrie, keySize: 8, valueSize: 8, maxEntries: 64, flags: MapFlags.BPF_F_NO_PREALLOC });
    const keys = new Uint8Array(8 * 40);
    const values = new Uint8Array(8 * 40);
    const kv = new DataView(keys.buffer);
    for (let i = 0; i < 40; i++) {
      kv.setUint32(i * 8, 32, true);
      kv.setUint32(i * 8 + 4, i, true);
      new DataView(values.buffer).setBigUint64(i * 8, BigInt(i * 10), true);
    }
    expect(m.batchUpdate(keys, values)).toBe(40);
    const cursor = new MapBatchCursor();
    const ko = new Uint8Array(8 * 16);
    const vo = new Uint8Array(8 * 16);
    const got = new Map<number, bigint>();
    while (!cursor.done) {
      const n = m.batchLookup(cursor, ko, vo);
      for (let i = 0; i < n; i++) got.set(u32(ko, i * 8 + 4), u64(vo, i * 8));
    }
    expect(got).toEqual(new Map(Array.from({ length: 40 }, (_, i) => [i, BigInt(i * 10)])));
    expect(m.batchDelete(keys.subarray(0, 8 * 10))).toBe(10);
    const c2 = new MapBatchCursor();
    let left = 0;
    while (!c2.done) left += m.batchLookupAndDelete(c2, ko, vo);
    expect(left).toBe(30);
    expect(m.nextKey(undefined)).toBeUndefined();
  });

  it("rejects mis-sized buffers and foreign cursors before the syscall", () => {
    const m = make({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 10 });
    const other = make({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 10 });
    const cursor = new MapBatchCursor();
    expect(() => m.batchLookup(cursor, new Uint8Array(6), new Uint8Array(12))).toThrow(/multiple of 4/);
    expect(() => m.batchLookup(cursor, new Uint8Array(8), new Uint8Array(8))).toThrow(/2 \* 8 = 16 bytes, got 8/);
    expect(() => m.batchLookup(cursor, new Uint8Array(0), new Uint8Array(0))).toThrow(ArgumentError);
    expect(() => m.batchUpdate(new Uint8Array(8), new Uint8Array(15))).toThrow(ArgumentError);
    m.batchLookup(cursor, new Uint8Array(8), new Uint8Array(16));
    expect(() => other.batchLookup(cursor, new Uint8Array(8), new Uint8Array(16))).toThrow(/cursor belongs to/);
    expect(() => m.batchLookup({} as MapBatchCursor, new Uint8Array(8), new Uint8Array(16))).toThrow(ArgumentError);
  });
});

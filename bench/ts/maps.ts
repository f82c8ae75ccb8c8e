/**
 * Our side of the map figures, mirroring `bench/c/maps.c` operation for operation: per-op lookup
 * and update over keys 0..N-1 of a pre-filled hash and array map (u32 key, u64 value) and a batch
 * lookup walking the whole map `chunk` entries at a time.
 *
 * @module
 */
import { MapBatchCursor, MapType, newMap, type BpfMap } from "ebpf";
import { nowNs, type BenchParams, type Figure, type Suite } from "./suite.js";

/** Keys 0..n-1 with values equal to the key, written with batch updates `chunk` at a time. */
function fill(map: BpfMap, p: BenchParams): void {
  const size = Math.min(p.chunk, p.entries);
  const keys = new Uint8Array(4 * size);
  const values = new Uint8Array(8 * size);
  const kv = new DataView(keys.buffer);
  const vv = new DataView(values.buffer);
  for (let start = 0; start < p.entries; start += size) {
    const n = Math.min(size, p.entries - start);
    for (let i = 0; i < n; i++) {
      kv.setUint32(4 * i, start + i, true);
      vv.setBigUint64(8 * i, BigInt(start + i), true);
    }
    map.batchUpdate(keys.subarray(0, 4 * n), values.subarray(0, 8 * n));
  }
}

function lookupPass(map: BpfMap, n: number, out: Uint8Array, view: DataView): number {
  const t0 = nowNs();
  for (let k = 0; k < n; k++) {
    if (map.lookup(k, out) === undefined) throw new Error(`${map}: key ${k} missing`);
  }
  const t = nowNs() - t0;
  if (view.getUint32(0, true) !== n - 1) throw new Error(`${map}: last lookup read ${view.getUint32(0, true)}, expected ${n - 1}`);
  return t;
}

function updatePass(map: BpfMap, n: number): number {
  const t0 = nowNs();
  for (let k = 0; k < n; k++) map.update(k, k);
  return nowNs() - t0;
}

function batchWalk(map: BpfMap, n: number, keys: Uint8Array, values: Uint8Array): number {
  const cursor = new MapBatchCursor();
  let total = 0;
  const t0 = nowNs();
  while (!cursor.done) total += map.batchLookup(cursor, keys, values);
  const t = nowNs() - t0;
  if (total !== n) throw new Error(`${map}: batch walk returned ${total} entries, expected ${n}`);
  return t;
}

/**
 * Make and fill both maps and warm the JIT (untimed), then measure per repetition.
 *
 * @example
 * ```ts
 * const suite = mapsSuite({ entries: 1 << 20, passes: 1, batchPasses: 1, chunk: 65536 });
 * ```
 */
export function mapsSuite(p: BenchParams): Suite {
  const kinds = [
    ["hash", MapType.Hash],
    ["array", MapType.Array],
  ] as const;
  const maps: [string, BpfMap][] = [];
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  const keys = new Uint8Array(4 * p.chunk);
  const values = new Uint8Array(8 * p.chunk);
  try {
    for (const [kind, type] of kinds) {
      const map = newMap({ name: `bench_${kind}`, type, keySize: 4, valueSize: 8, maxEntries: p.entries });
      maps.push([kind, map]);
      fill(map, p);
      lookupPass(map, p.entries, out, view);
      updatePass(map, Math.min(p.entries, 65536));
    }
  } catch (e) {
    for (const [, m] of maps) m.close();
    throw e;
  }
  const ops = p.entries * p.passes;
  const byKind = new Map(maps);
  return {
    run(figure: string): Figure[] {
      const [, kind, op] = figure.split(".");
      const map = byKind.get(kind);
      if (map === undefined || !figure.startsWith("map.")) throw new Error(`unknown figure '${figure}'`);
      let t = 0;
      switch (op) {
        case "lookup":
          for (let i = 0; i < p.passes; i++) t += lookupPass(map, p.entries, out, view);
          return [{ name: figure, value: t / ops, unit: "ns/op" }];
        case "update":
          for (let i = 0; i < p.passes; i++) t += updatePass(map, p.entries);
          return [{ name: figure, value: t / ops, unit: "ns/op" }];
        case "batch_lookup":
          for (let i = 0; i < p.batchPasses; i++) t += batchWalk(map, p.entries, keys, values);
          return [{ name: figure, value: ((p.entries * p.batchPasses) / t) * 1e9, unit: "entries/s" }];
        default:
          throw new Error(`unknown figure '${figure}'`);
      }
    },
    close(): void {
      for (const [, m] of maps) m.close();
    },
  };
}

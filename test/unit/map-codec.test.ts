import { describe, expect, it } from "vitest";
import { ArgumentError, EbpfError } from "../../src/errors.js";
import { parseCPUList } from "../../src/internal/possible-cpus.js";
import { writeOperand } from "../../src/map/codec.js";
import { MapType, mapTypeName, UpdateFlags } from "../../src/map/index.js";

function write(size: number, v: unknown, fdOk = false): number[] {
  const bytes = new Uint8Array(16).fill(0xaa);
  writeOperand(bytes, new DataView(bytes.buffer), 4, size, v, "value", fdOk);
  return [...bytes];
}

describe("writeOperand", () => {
  it("writes numbers and bigints little-endian at the offset, touching nothing else", () => {
    expect(write(4, 0x01020304)).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 4, 3, 2, 1, ...Array(8).fill(0xaa)]);
    expect(write(4, -1).slice(4, 8)).toEqual([255, 255, 255, 255]);
    expect(write(8, 2 ** 40 + 5).slice(4, 12)).toEqual([5, 0, 0, 0, 0, 1, 0, 0]);
    expect(write(8, -2).slice(4, 12)).toEqual([254, 255, 255, 255, 255, 255, 255, 255]);
    expect(write(8, 0x0102030405060708n).slice(4, 12)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(write(8, -1n).slice(4, 12)).toEqual(Array(8).fill(255));
    expect(write(4, 0xfffffffen).slice(4, 8)).toEqual([254, 255, 255, 255]);
    expect(write(3, new Uint8Array([1, 2, 3])).slice(3, 8)).toEqual([0xaa, 1, 2, 3, 0xaa]);
    expect(write(4, { fd: 9 }, true).slice(4, 8)).toEqual([9, 0, 0, 0]);
  });

  it("rejects what does not fit", () => {
    for (const [size, v] of [
      [4, 2 ** 32],
      [4, -(2 ** 31) - 1],
      [4, 0.5],
      [8, 2 ** 53],
      [8, 1n << 64n],
      [8, -(1n << 63n) - 1n],
      [4, 1n << 32n],
      [2, 1],
      [3, new Uint8Array(4)],
      [4, { fd: 1 }],
      [4, null],
      [4, "1"],
    ] as [number, unknown][]) {
      expect(() => write(size, v), `${size} ${String(v)}`).toThrow(ArgumentError);
    }
    expect(() => write(4, { fd: -1 }, true)).toThrow(/non-negative integer/);
  });
});

describe("parseCPUList", () => {
  it("counts every listed CPU", () => {
    expect(parseCPUList("0\n")).toBe(1);
    expect(parseCPUList("0-1\n")).toBe(2);
    expect(parseCPUList("0-3,6,8-9")).toBe(7);
  });
  it("rejects malformed lists", () => {
    expect(() => parseCPUList("")).toThrow(EbpfError);
    expect(() => parseCPUList("0-")).toThrow(/bad range/);
    expect(() => parseCPUList("3-1")).toThrow(/reversed/);
  });
});

describe("MapType", () => {
  it("values are enum bpf_map_type", () => {
    expect(MapType.Hash).toBe(1);
    expect(MapType.PerCPUArray).toBe(6);
    expect(MapType.LPMTrie).toBe(11);
    expect(MapType.Queue).toBe(22);
    expect(MapType.RingBuf).toBe(27);
    expect(MapType.BloomFilter).toBe(30);
    expect(MapType.Arena).toBe(33);
    expect(mapTypeName(13)).toBe("HashOfMaps");
    expect(mapTypeName(99)).toBe("MapType(99)");
    expect(UpdateFlags).toEqual({ Any: 0, NoExist: 1, Exist: 2, Lock: 4 });
  });
});

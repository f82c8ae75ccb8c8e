// What tests of bpf/bench_load.o share: the layout of its .maps section, from its ELF section and
// symbols (what both the parsed spec and the BTF the kernel got from the loader must say), and a
// packet its parsers count.
import { expect } from "vitest";
import { Kind, type Spec } from "../../src/btf/index.js";

/** Asserts the .maps DATASEC of `spec` has the section's size and each map's offset and size. */
export function expectBenchLoadMapsLayout(spec: Spec): void {
  const maps = spec.typeByName(".maps", Kind.Datasec);
  expect(maps.size).toBe(144);
  expect(maps.vars.map((v) => [v.type.name, v.offset, v.size])).toEqual([
    ["counts", 0, 32],
    ["totals", 32, 32],
    ["scratch", 64, 32],
    ["recent", 96, 32],
    ["events", 128, 16],
  ]);
}

/** Ethernet, IPv4 (no options), UDP from port 1234 to port 53; zero-padded to 64 bytes. */
export function udpPacket(): Uint8Array {
  const p = new Uint8Array(64);
  const v = new DataView(p.buffer);
  v.setUint16(12, 0x0800);
  p[14] = 0x45;
  v.setUint16(16, 50);
  p[22] = 64;
  p[23] = 17;
  v.setUint16(34, 1234);
  v.setUint16(36, 53);
  v.setUint16(38, 30);
  return p;
}

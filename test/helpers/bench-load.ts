// The layout of bpf/bench_load.o's .maps section, from its ELF section and symbols: what both the
// parsed spec and the BTF the kernel got from the loader must say.
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

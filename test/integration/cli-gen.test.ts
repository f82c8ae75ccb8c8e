import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { bufferIO } from "../../src/cli/io.js";
import { expectNoFdLeaks } from "../helpers/fds.js";

// Bindings made by `ebpf gen` against the running kernel: load bpf/cli_bench.o through the
// generated module, run its program and read the map it filled with typed lookups, and its
// variables through the generated accessors.

expectNoFdLeaks();

const root = new URL("../..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "ebpf-cl-gen-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const XDP_PASS = 2;
const ETH_P_IP = 0x0800;

/** The shape of the generated module, as far as this test uses it. */
interface Generated {
  load(options?: { variables?: { work_loops?: number } }): Promise<{
    maps: {
      flows: {
        lookup(key: { ifindex: number; proto: number; pad: Uint8Array }): Record<string, unknown> | undefined;
        keys(): IterableIterator<{ ifindex: number; proto: number; pad: Uint8Array }>;
      };
      hits: { lookup(key: number): bigint[] | undefined };
    };
    programs: { xdp_work: { run(o: { data: Uint8Array }): { retval: number } } };
    variables: { packets_seen: bigint; greeting: string; readonly work_loops: number };
    close(): void;
    [Symbol.dispose](): void;
  }>;
  Verdict: Record<string, number>;
}

async function generate(name: string, ...flags: string[]): Promise<Generated> {
  const file = join(work, `${name}.ts`);
  // The generated code imports the library from this checkout's sources.
  const pkg = relative(work, join(root, "src/index.js"));
  const io = bufferIO();
  expect(await runCli(["gen", join(root, "bpf/cli_bench.o"), "--output", file, "--package", pkg, ...flags], io)).toBe(0);
  expect(io.err()).toBe("");
  return (await import(file)) as Generated;
}

describe("generated bindings", () => {
  for (const mode of ["path", "embed"] as const) {
    it(`load the object (${mode}) and read its map through typed lookups`, async () => {
      const gen = await generate(`cli_bench_${mode}`, ...(mode === "embed" ? ["--embed"] : []));
      const objs = await gen.load({ variables: { work_loops: 3 } });
      try {
        expect(objs.variables.work_loops).toBe(3);
        const packet = new Uint8Array(60);
        packet.set([0x08, 0x00], 12); // EtherType IPv4, in network order
        expect(objs.programs.xdp_work.run({ data: packet }).retval).toBe(XDP_PASS);
        expect(objs.programs.xdp_work.run({ data: packet }).retval).toBe(XDP_PASS);

        const [key] = [...objs.maps.flows.keys()];
        // proto is the EtherType's two bytes read as a little-endian u16; ifindex is the test
        // run's device (loopback).
        expect(key).toEqual({ ifindex: key!.ifindex, proto: ((ETH_P_IP >> 8) | (ETH_P_IP << 8)) & 0xffff, pad: new Uint8Array(2) });
        // The first run created the entry, the second counted into it; h = 0*31+0, 0*31+1, 1*31+2.
        expect(objs.maps.flows.lookup(key!)).toEqual({
          packets: 2n,
          bytes: 120n,
          last: "VERDICT_PASS",
          tag: "new",
          mark: { word: 33, octets: Uint8Array.of(33, 0, 0, 0) },
          delta: -1,
        });
        expect(objs.maps.flows.lookup({ ...key!, ifindex: key!.ifindex + 1000 })).toBeUndefined();
        expect(gen.Verdict.VERDICT_PASS).toBe(XDP_PASS);

        const perCPU = objs.maps.hits.lookup(0)!;
        expect(perCPU.reduce((a, b) => a + b, 0n)).toBe(2n);
        expect(objs.variables.packets_seen).toBe(2n);
        objs.variables.packets_seen = 40n;
        objs.programs.xdp_work.run({ data: packet });
        expect(objs.variables.packets_seen).toBe(41n);
        expect(objs.variables.greeting).toBe("hello");
        objs.variables.greeting = "bye";
        expect(objs.variables.greeting).toBe("bye");
        expect(() => {
          (objs.variables as { work_loops: number }).work_loops = 1;
        }).toThrow(TypeError);
      } finally {
        objs.close();
      }
    });
  }
});

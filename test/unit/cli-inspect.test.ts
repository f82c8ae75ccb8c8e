import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { bufferIO } from "../../src/cli/io.js";

// `ebpf inspect` on committed objects: the exact JSON document, the tables, and the errors.

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const mmapable = { flags: 1024, flagNames: ["BPF_F_MMAPABLE"] };
const rodata = { flags: 1152, flagNames: ["BPF_F_RDONLY_PROG", "BPF_F_MMAPABLE"] };
const none = { flags: 0, flagNames: [] as string[] };

function map(name: string, type: string, keySize: number, valueSize: number, maxEntries: number, rest: Record<string, unknown> = {}) {
  return { name, type, keySize, valueSize, maxEntries, ...none, pinning: "none", key: null, value: null, mapExtra: null, innerMap: null, ...rest };
}

function program(name: string, section: string, type: string, instructions: number, license = "GPL") {
  return { name, section, type, attachType: null, attachTo: null, instructions, license, autoload: true };
}

describe("ebpf inspect --json", () => {
  it("prints exactly the programs, maps and variables of loader_globals.o", async () => {
    const { code, out, err } = await cli("inspect", "--json", "bpf/loader_globals.o");
    const expected = {
      byteOrder: "little",
      programs: [program("compute", "socket", "SocketFilter", 31, "Dual MIT/GPL")],
      maps: [
        map(".bss", "Array", 4, 32, 1, { ...mmapable, value: ".bss" }),
        map(".data", "Array", 4, 8, 1, { ...mmapable, value: ".data" }),
        map(".data.counters", "Array", 4, 4, 1, { ...mmapable, value: ".data.counters" }),
        map(".rodata", "Array", 4, 16, 1, { ...rodata, value: ".rodata" }),
        map(".rodata.cfg", "Array", 4, 4, 1, { ...rodata, value: ".rodata.cfg" }),
      ],
      variables: [
        { name: "cfg_multiplier", section: ".rodata", offset: 0, size: 4, type: "const volatile __u32", readonly: true, value: 3 },
        { name: "cfg_offset", section: ".rodata", offset: 8, size: 8, type: "const volatile __s64", readonly: true, value: -10 },
        { name: "cfg_table", section: ".rodata.cfg", offset: 0, size: 4, type: "const volatile __u8[4]", readonly: true, value: [1, 2, 4, 8] },
        { name: "counter", section: ".data.counters", offset: 0, size: 4, type: "__u32", readonly: false, value: 7 },
        { name: "data_base", section: ".data", offset: 0, size: 8, type: "__u64", readonly: false, value: 100 },
        {
          name: "result",
          section: ".bss",
          offset: 0,
          size: 24,
          type: "struct result",
          readonly: false,
          value: { product: 0, sum: 0, runs: 0, table_sum: 0 },
        },
        { name: "zeroed", section: ".bss", offset: 24, size: 8, type: "__u32[2]", readonly: false, value: [0, 0] },
      ],
    };
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it("prints exactly every map kind of loader_maps.o", async () => {
    const { code, out } = await cli("inspect", "--json", "bpf/loader_maps.o");
    expect(code).toBe(0);
    const noPrealloc = { flags: 1, flagNames: ["BPF_F_NO_PREALLOC"] };
    expect(JSON.parse(out)).toEqual({
      byteOrder: "little",
      programs: [
        program("tail_target", "socket", "SocketFilter", 2),
        program("use_jump", "socket", "SocketFilter", 5),
        program("use_lock", "tc", "SchedCLS", 20),
        program("use_maps", "socket", "SocketFilter", 100),
        program("use_outer", "socket", "SocketFilter", 21),
      ],
      maps: [
        map(".rodata.cst16", "Array", 4, 16, 1, rodata),
        map("bloom", "BloomFilter", 0, 4, 64, { value: "__u32", mapExtra: 3 }),
        map("btf_hash", "Hash", 4, 16, 8, { ...noPrealloc, key: "__u32", value: "struct pair" }),
        map("inner_a", "Array", 4, 4, 1, { key: "__u32", value: "__u32" }),
        map("inner_b", "Array", 4, 4, 1, { key: "__u32", value: "__u32" }),
        map("jump", "ProgramArray", 4, 4, 2),
        map("legacy_array", "Array", 4, 4, 2),
        map("legacy_hash", "Hash", 4, 8, 16, noPrealloc),
        map("lock_map", "Array", 4, 12, 1, { key: "__u32", value: "struct locked" }),
        map("lpm", "LPMTrie", 8, 4, 16, { ...noPrealloc, key: "struct lpm_key", value: "__u32" }),
        map("numa_lru", "LRUHash", 8, 4, 32, { flags: 4, flagNames: ["BPF_F_NUMA_NODE"], key: "__u64", value: "__u32" }),
        map("outer", "ArrayOfMaps", 4, 4, 3, { key: "__u32", innerMap: map("outer_inner", "Array", 4, 4, 1, { key: "__u32", value: "__u32" }) }),
        map("outer_hash", "HashOfMaps", 4, 4, 2, {
          key: "__u32",
          innerMap: map("outer_hash_inner", "Hash", 4, 8, 4, { key: "__u32", value: "__u64" }),
        }),
        map("percpu_array", "PerCPUArray", 4, 8, 1, { key: "__u32", value: "__u64" }),
        map("perf", "PerfEventArray", 4, 4, 0),
        map("pinned_hash", "Hash", 4, 8, 2, { pinning: "byName", key: "__u32", value: "__u64" }),
        map("queue", "Queue", 0, 4, 4, { value: "__u32" }),
        map("ring", "RingBuf", 0, 0, 4096),
        map("sized_array", "Array", 4, 8, 4),
        map("stack", "Stack", 0, 8, 4, { value: "__u64" }),
      ],
      variables: [],
    });
  });

  it("adds BTF types and disassembly on request", async () => {
    const { code, out } = await cli("inspect", "--json", "bpf/loader_maps.o", "--type", "pair", "--disasm", "tail_target");
    expect(code).toBe(0);
    const report = JSON.parse(out) as { types: unknown; disassembly: unknown };
    expect(report.types).toEqual([{ kind: "struct", name: "pair", c: "struct pair {\n\t__u32 a;\n\t__u64 b;\n}" }]);
    expect(report.disassembly).toEqual({ tail_target: ["0000000000000000 <tail_target>:", "       0:\tw0 = 42", "       1:\texit"] });
  });

  it("lists every named type with --types", async () => {
    const { out } = await cli("inspect", "--json", "--types", "bpf/cli_bench.o");
    const names = (JSON.parse(out) as { types: { kind: string; name: string }[] }).types.map((t) => `${t.kind} ${t.name}`);
    expect(names).toEqual(expect.arrayContaining(["struct flow_key", "struct flow_stats", "enum verdict", "typedef __u32", "func xdp_work"]));
  });
});

describe("ebpf inspect", () => {
  it("prints tables", async () => {
    const { code, out } = await cli("inspect", "bpf/cli_bench.o");
    expect(code).toBe(0);
    expect(out.split("\n")[0]).toBe("bpf/cli_bench.o: 1 program, 5 maps, 3 variables (little-endian)");
    expect(out).toContain("\nPrograms\n  NAME      SECTION  TYPE  ATTACH     INSNS  LICENSE\n  xdp_work  xdp      XDP   AttachXDP  74     GPL\n");
    expect(out).toMatch(/\n {2}flows +Hash +struct flow_key \(8 B\) +struct flow_stats \(40 B\) +16 +- +-\n/u);
    expect(out).toMatch(/\n {2}greeting +\.data +char\[8\] +"hello"\n/u);
    expect(out).toMatch(/\n {2}work_loops +\.rodata \(ro\) +const volatile __u32 +1\n/u);
  });

  it("prints the disassembly under the tables", async () => {
    const { out } = await cli("inspect", "bpf/loader_maps.o", "--disasm", "tail_target");
    expect(out.endsWith("\nDisassembly of tail_target\n0000000000000000 <tail_target>:\n       0:\tw0 = 42\n       1:\texit\n")).toBe(true);
  });

  it("fails in one sentence for a missing file, a non-ELF file and an unknown program or type", async () => {
    expect(await cli("inspect", "bpf/no-such.o")).toEqual({
      code: 1,
      out: "",
      err: "ebpf inspect: cannot read object file bpf/no-such.o: no such file or directory\n",
    });
    const notElf = await cli("inspect", "package.json");
    expect(notElf.code).toBe(1);
    expect(notElf.err).toMatch(/^ebpf inspect: package\.json is not a usable eBPF object: [^\n]+\n$/u);
    const noProg = await cli("inspect", "bpf/loader_maps.o", "--disasm", "nope");
    expect(noProg.code).toBe(1);
    expect(noProg.err).toBe(
      "ebpf inspect: program nope is not in the object (it has tail_target, use_jump, use_lock, use_maps, use_outer)\n",
    );
    const noType = await cli("inspect", "bpf/loader_maps.o", "--type", "nope");
    expect(noType.err).toBe("ebpf inspect: type nope is not in the object's BTF\n");
  });

  it("reports bad arguments with exit code 2 and a pointer to --help", async () => {
    expect(await cli("inspect")).toEqual({
      code: 2,
      out: "",
      err: "ebpf inspect: missing the object file argument\nRun 'ebpf inspect --help' for usage.\n",
    });
    expect((await cli("inspect", "x.o", "--bogus")).err).toBe("ebpf inspect: unknown option --bogus\nRun 'ebpf inspect --help' for usage.\n");
    expect((await cli("inspect", "x.o", "--type")).err).toBe("ebpf inspect: option --type needs a value\nRun 'ebpf inspect --help' for usage.\n");
    expect((await cli("inspect", "a.o", "b.o")).err).toBe('ebpf inspect: unexpected argument "b.o"\nRun \'ebpf inspect --help\' for usage.\n');
  });
});

describe("ebpf", () => {
  it("has --help for itself and every command", async () => {
    const main = await cli("--help");
    expect(main.code).toBe(0);
    expect(main.out).toMatch(/^Usage: ebpf <command> \[options\]\n/u);
    for (const command of ["inspect", "bench", "gen"]) {
      expect(main.out).toContain(`\n  ${command} `);
      for (const argv of [[command, "--help"], [command, "-h"], ["help", command]]) {
        const r = await cli(...argv);
        expect(r.code).toBe(0);
        expect(r.out.startsWith(`Usage: ebpf ${command} <object.o>`)).toBe(true);
      }
    }
  });

  it("prints usage with exit code 2 without a command, and names an unknown one", async () => {
    const bare = await cli();
    expect(bare.code).toBe(2);
    expect(bare.out).toMatch(/^Usage: ebpf/u);
    expect(await cli("frob")).toEqual({
      code: 2,
      out: "",
      err: 'ebpf: unknown command "frob" (commands: inspect, bench, gen)\nRun \'ebpf --help\' for usage.\n',
    });
  });

  it("prints the package version", async () => {
    const { code, out } = await cli("--version");
    expect(code).toBe(0);
    expect(out).toMatch(/^\d+\.\d+\.\d+\S*\n$/u);
  });
});

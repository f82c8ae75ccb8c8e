import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Enum, Int, IntEncoding, Struct, Typedef, Union } from "../../src/btf/index.js";
import { runCli } from "../../src/cli/cli.js";
import { pascalCase, TypeDeclarations } from "../../src/cli/gen-types.js";
import { bufferIO } from "../../src/cli/io.js";

// `ebpf gen`: the exact declarations for a known object, naming rules, and — the point of the
// command — generated modules for every committed object type-check under `tsc --strict`, with
// wrong uses of the bindings rejected.

const root = new URL("../..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "ebpf-cl-gen-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("ebpf gen", () => {
  it("declares the object's types as its codecs decode them", async () => {
    const { code, out, err } = await cli("gen", "bpf/cli_bench.o");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain(
      "export interface FlowKey {\n  ifindex: number;\n  proto: number;\n  pad: Uint8Array;\n}\n",
    );
    expect(out).toContain(
      "export interface FlowStats {\n  packets: bigint;\n  bytes: bigint;\n  last: Verdict;\n  tag: string;\n" +
        "  mark: {\n    word: number;\n    octets: Uint8Array;\n  };\n  delta: number;\n}\n",
    );
    expect(out).toContain('export type Verdict = "VERDICT_DROP" | "VERDICT_PASS" | number;\n');
    expect(out).toContain("export const Verdict = { VERDICT_DROP: 1, VERDICT_PASS: 2 } as const;\n");
    expect(out).toContain("  readonly flows: TypedMap<FlowKey, FlowStats>;\n");
    expect(out).toContain("  readonly hits: TypedMap<number, bigint[]>;\n");
    expect(out).toContain("  readonly xdp_work: Program;\n");
    expect(out).toContain("export interface VariableValues {\n  greeting: string;\n  packets_seen: bigint;\n  work_loops: number;\n}\n");
    expect(out).toContain("  readonly work_loops: number;\n");
    expect(out).toContain('const objectPath = fileURLToPath(new URL("./bpf/cli_bench.o", import.meta.url));\n');
    expect(out).toContain('} from "ebpf";\n');
    expect(out).not.toContain('".bss"');
  });

  it("embeds the object with --embed and imports from --package", async () => {
    const { out } = await cli("gen", "bpf/cli_bench.o", "--embed", "--package", "my-ebpf");
    expect(out).toContain('import { LoadError, loadCollectionSpecFromBuffer, newCollection,');
    expect(out).toContain('} from "my-ebpf";\n');
    expect(out).toMatch(/\nconst objectBytes = "f0VMRg[A-Za-z0-9+/=]+";\n/u);
    expect(out).not.toContain("fileURLToPath");
  });

  it("declares extra types named with --type and refuses unknown ones", async () => {
    const { out } = await cli("gen", "bpf/loader_globals.o", "--type", "result");
    expect(out).toContain("export interface Result {\n  product: bigint;\n  sum: bigint;\n  runs: number;\n  table_sum: number;\n}\n");
    expect(await cli("gen", "bpf/loader_globals.o", "--type", "nope")).toEqual({
      code: 1,
      out: "",
      err: "ebpf gen: type nope is not a struct, union, enum or typedef in the object's BTF\n",
    });
  });

  it("writes --output with the object's path relative to it", async () => {
    const file = join(work, "out", "x.ts");
    expect((await cli("gen", "bpf/cli_bench.o", "--output", file)).code).toBe(0);
    const text = execFileSync("cat", [file], { encoding: "utf8" });
    expect(text).toContain(`new URL(${JSON.stringify(relative(dirname(file), join(root, "bpf/cli_bench.o")))}, import.meta.url)`);
  });
});

describe("generated names", () => {
  const u32 = new Int({ name: "unsigned int", size: 4 });
  const member = (name: string, type = u32 as Int | Struct) => ({ name, type, bitOffset: 0, bitfieldSize: 0 });

  it("are PascalCase C names", () => {
    expect(pascalCase("flow_key")).toBe("FlowKey");
    expect(pascalCase("__sk_buff")).toBe("SkBuff");
    expect(pascalCase("_1x")).toBe("T1x");
  });

  it("avoid the module's own names and each other", () => {
    const decls = new TypeDeclarations(new Set(["Maps"]));
    const maps = new Struct({ name: "maps", size: 4, members: [member("a")] });
    const fooStruct = new Struct({ name: "foo", size: 4, members: [member("a")] });
    const fooUnion = new Union({ name: "foo", size: 4, members: [member("b")] });
    const fooEnum = new Enum({ name: "foo", size: 4, values: [{ name: "X", value: 1 }] });
    expect([maps, fooStruct, fooUnion, fooEnum].map((t) => decls.expression(t))).toEqual(["MapsStruct", "Foo", "FooUnion", "FooEnum"]);
  });

  it("name anonymous records after their typedef and inline the rest", () => {
    const decls = new TypeDeclarations(new Set());
    const anon = new Struct({ name: "", size: 4, members: [member("x")] });
    expect(decls.expression(new Typedef({ name: "point_t", type: anon }))).toBe("PointT");
    const bool = new Int({ name: "_Bool", size: 1, encoding: IntEncoding.Bool });
    const outer = new Struct({ name: "", size: 8, members: [member("inner", new Struct({ name: "", size: 4, members: [member("y")] })), member("ok", bool as never)] });
    expect(decls.expression(outer)).toBe("{\n  inner: {\n    y: number;\n  };\n  ok: boolean;\n}");
  });
});

describe("generated modules", () => {
  it("type-check under tsc --strict for every committed object, and reject wrong uses", async () => {
    const objects = readdirSync(join(root, "bpf")).filter((f) => f.endsWith(".o"));
    expect(objects.length).toBeGreaterThan(10);
    const dir = join(work, "tsc");
    for (const o of objects) {
      const r = await cli("gen", join(root, "bpf", o), "--output", join(dir, `${basename(o, ".o")}.ts`));
      expect(r.err, o).toBe("");
    }
    // Right uses compile; each wrong one must be an error, or its @ts-expect-error is unused.
    writeFileSync(
      join(dir, "use.ts"),
      `import { load, Verdict, type FlowStats } from "./cli_bench.js";
export async function use(): Promise<bigint | undefined> {
  using objs = await load({ variables: { work_loops: 3 } });
  objs.programs.xdp_work.run({ data: new Uint8Array(64) });
  const stats: FlowStats | undefined = objs.maps.flows.lookup({ ifindex: 1, proto: 0, pad: new Uint8Array(2) });
  const perCPU: bigint[] | undefined = objs.maps.hits.lookup(0);
  objs.variables.packets_seen = 0n;
  const verdict: number = Verdict.VERDICT_PASS;
  void verdict;
  void perCPU;
  // @ts-expect-error ifindex is a number
  objs.maps.flows.lookup({ ifindex: "1", proto: 0, pad: new Uint8Array(2) });
  // @ts-expect-error the key needs every member
  objs.maps.flows.lookup({ ifindex: 1 });
  // @ts-expect-error .rodata is constant once loaded
  objs.variables.work_loops = 4;
  // @ts-expect-error no such map
  void objs.maps.nope;
  // @ts-expect-error variables take their C type
  await load({ variables: { packets_seen: "x" } });
  return stats?.packets;
}
`,
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023", "ESNext.Disposable"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUnusedLocals: true,
          noUnusedParameters: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(root, "node_modules/@types")],
          paths: { ebpf: [join(root, "src/index.ts")] },
        },
        include: ["*.ts"],
      }),
    );
    let output = "";
    try {
      execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
        cwd: dir,
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    // Only diagnostics in the generated files (named relative to `dir`) are this test's concern;
    // the library itself is checked by `npm run typecheck`.
    expect(output.split("\n").filter((line) => /^[\w.-]+\.ts\(/u.test(line))).toEqual([]);
    expect(output).not.toMatch(/error TS\d+: (?!.*\/src\/)/u);
  }, 180_000);
});

/**
 * `ebpf gen <object.o>`: write a TypeScript module with the object's types and a typed `load()`
 * — the analogue of cilium/ebpf's bpf2go.
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, relative, resolve, sep } from "node:path";
import { EbpfError } from "../errors.js";
import { parseCommand } from "./args.js";
import { ExitCode } from "./exit-code.js";
import { generateModule } from "./gen-module.js";
import type { CliIO } from "./io.js";
import { openObject, readInput, reasonOf } from "./object.js";

/**
 * `ebpf gen --help`.
 *
 * @example
 * ```ts
 * console.log(genHelp);
 * ```
 */
export const genHelp = `Usage: ebpf gen <object.o> [--output FILE] [options]

Generate a TypeScript module for a compiled eBPF object: an interface for every struct and union
(and a type plus a const for every enum) used by its maps and variables, and

  export async function load(options?: LoadOptions): Promise<Objects>

returning { maps, programs, variables, collection, spec, close() } with the object's own names:
maps with BTF key and value types are TypedMap<Key, Value> (per-CPU maps: Value[]), so
objs.maps.flows.lookup({ ifindex: 1, proto: 8, pad }) is checked and completed by the editor;
variables read and write the loaded object's globals; options.variables sets them (constants
included) before loading. The module compiles under tsc --strict.

Names: C types become PascalCase (struct flow_key -> FlowKey); a name taken twice, or by the
module itself (Maps, Objects, load …), gets its kind appended (FooUnion). Maps, programs and
variables keep their C names. Data-section maps (.data, .bss, .rodata) are reached through the
variables instead.

Options:
  --output FILE    write the module to FILE (default: print it)
  --embed          carry the object in the module (base64) instead of loading it from its path
                   at run time; the path is stored relative to the module, or to the current
                   directory when printing
  --type NAME      also declare the BTF type NAME, e.g. the event struct of a ring buffer (repeatable)
  --package NAME   the module specifier to import the library from (default: ebpf)
  -h, --help       show this help
`;

/**
 * Run `ebpf gen` with `argv` (the arguments after `gen`); returns the exit code.
 *
 * @example
 * ```ts
 * await genCommand(["bpf/cli_bench.o", "--output", "src/bpf/cli_bench.ts"], processIO());
 * ```
 */
export async function genCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      output: { type: "string", short: "o" },
      embed: { type: "boolean" },
      type: { type: "string", multiple: true },
      package: { type: "string" },
    },
    1,
    1,
  );
  if (values.help) {
    io.stdout(genHelp);
    return ExitCode.Ok;
  }
  const objectPath = positionals[0]!;
  const spec = await openObject(objectPath);
  const output = values.output;
  const moduleDir = output === undefined ? process.cwd() : dirname(resolve(output));
  const source = values.embed
    ? { kind: "embed" as const, bytes: await readInput(objectPath, "object file") }
    : { kind: "path" as const, relativePath: relativeSpecifier(moduleDir, resolve(objectPath)) };
  const text = generateModule(spec, {
    objectName: basename(objectPath),
    source,
    packageName: values.package ?? "ebpf",
    extraTypes: values.type ?? [],
    command: ["ebpf", "gen", ...argv].map(shellWord).join(" "),
  });
  if (output === undefined) {
    io.stdout(text);
    return ExitCode.Ok;
  }
  try {
    await mkdir(dirname(resolve(output)), { recursive: true });
    await writeFile(output, text);
  } catch (err) {
    throw new EbpfError(`cannot write ${output}: ${reasonOf(err)}`, { cause: err });
  }
  return ExitCode.Ok;
}

/** `to` relative to `fromDir` as a URL path: forward slashes, starting with `./` or `../`. */
function relativeSpecifier(fromDir: string, to: string): string {
  const rel = relative(fromDir, to).split(sep).join("/");
  return rel.startsWith("../") ? rel : `./${rel}`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/u.test(word) ? word : `'${word.replace(/'/gu, `'\\''`)}'`;
}

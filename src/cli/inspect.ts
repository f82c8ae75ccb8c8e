/**
 * `ebpf inspect <object.o>`: what a compiled object holds — programs, maps, global variables —
 * and on request its BTF types and the disassembly of programs, as tables or as JSON.
 *
 * @module
 */
import { disassemble, type Instruction } from "../asm/index.js";
import { formatType, Kind, kindName, type Type } from "../btf/index.js";
import type { CollectionMapSpec, CollectionSpec } from "../collection/spec.js";
import { EbpfError } from "../errors.js";
import { MapFlags, mapTypeName, PinType } from "../map/index.js";
import { attachTypeName, ProgramType, programTypeName } from "../prog/index.js";
import { parseCommand } from "./args.js";
import { ExitCode } from "./exit-code.js";
import type { CliIO } from "./io.js";
import { openObject } from "./object.js";
import { table } from "./table.js";
import { cTypeName } from "./type-name.js";
import { renderValue, type JSONValue } from "./value.js";

/**
 * `ebpf inspect --help`.
 *
 * @example
 * ```ts
 * console.log(inspectHelp);
 * ```
 */
export const inspectHelp = `Usage: ebpf inspect <object.o> [options]

Show what a compiled eBPF object holds: its programs (section, type, attach target, instruction
count), maps (type, key and value sizes and types, max entries, flags, pinning) and global
variables with their initial values. Nothing is loaded into the kernel.

Options:
  --json            print one JSON document instead of tables
  --types           also print every named BTF type (structs, unions, enums, typedefs, functions) as C
  --type NAME       also print the BTF type NAME as C (repeatable)
  --disasm PROGRAM  also print the disassembly of PROGRAM (repeatable)
  -h, --help        show this help
`;

/**
 * A program as `inspect --json` prints it.
 *
 * @example
 * ```ts
 * const p: ProgramReport = report.programs[0];
 * ```
 */
export interface ProgramReport {
  name: string;
  section: string;
  /** cilium/ebpf name of the program type: `"XDP"`, `"SocketFilter"` … */
  type: string;
  /** cilium/ebpf name of the expected attach type, or null when the section sets none. */
  attachType: string | null;
  /** What the section says to attach to (function, tracepoint …), or null. */
  attachTo: string | null;
  /** Instructions (a 64-bit immediate load counts once). */
  instructions: number;
  license: string;
  /** False for `?`-prefixed sections, which `newCollection` skips. */
  autoload: boolean;
}

/**
 * A map as `inspect --json` prints it.
 *
 * @example
 * ```ts
 * const m: MapReport = report.maps[0];
 * ```
 */
export interface MapReport {
  name: string;
  /** cilium/ebpf name of the map type: `"Hash"`, `"RingBuf"` … */
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** `BPF_F_*` names of the set flag bits; unknown bits as hex. */
  flagNames: string[];
  /** `"none"` or `"byName"` (LIBBPF_PIN_BY_NAME). */
  pinning: "none" | "byName";
  /** C name of the BTF key type, or null without BTF. */
  key: string | null;
  /** C name of the BTF value type, or null without BTF. */
  value: string | null;
  /** The map_extra word (bloom filter hashes), or null when unset. */
  mapExtra: number | null;
  /** The inner map of a map-in-map, or null. */
  innerMap: MapReport | null;
}

/**
 * A global variable as `inspect --json` prints it.
 *
 * @example
 * ```ts
 * const v: VariableReport = report.variables[0];
 * ```
 */
export interface VariableReport {
  name: string;
  section: string;
  offset: number;
  size: number;
  /** C name of its BTF type, or null without BTF. */
  type: string | null;
  /** True in `.rodata*` sections. */
  readonly: boolean;
  /** The initial value, rendered from BTF (see `renderValue`). */
  value: JSONValue;
}

/**
 * The document `inspect --json` prints. `types` and `disassembly` appear only when asked for.
 *
 * @example
 * ```ts
 * const report: InspectReport = JSON.parse(stdout);
 * ```
 */
export interface InspectReport {
  byteOrder: "little" | "big";
  programs: ProgramReport[];
  maps: MapReport[];
  variables: VariableReport[];
  /** Named BTF types as C, with `--types` / `--type`. */
  types?: { kind: string; name: string; c: string }[];
  /** Disassembly lines by program name, with `--disasm`. */
  disassembly?: Record<string, string[]>;
}

/** What to add to the report beyond programs, maps and variables. */
interface ReportOptions {
  readonly allTypes?: boolean;
  readonly typeNames?: readonly string[];
  readonly disasm?: readonly string[];
}

/**
 * Build the `inspect` report of a parsed object. Programs, maps and variables are sorted by name.
 *
 * @throws {EbpfError} when a `typeNames` entry or a `disasm` program is not in the object.
 * @example
 * ```ts
 * const report = inspectReport(await loadCollectionSpec("bpf/loader_maps.o"), { disasm: ["use_jump"] });
 * ```
 */
export function inspectReport(spec: CollectionSpec, options: ReportOptions = {}): InspectReport {
  const le = spec.byteOrder === "little";
  const report: InspectReport = {
    byteOrder: spec.byteOrder,
    programs: byName(Object.values(spec.programs)).map((p) => ({
      name: p.name,
      section: p.sectionName,
      type: programTypeName(p.type),
      // 0 is also BPF_CGROUP_INET_INGRESS, which only cgroup skb programs mean by it.
      attachType: p.attachType === undefined || (p.attachType === 0 && p.type !== ProgramType.CGroupSKB) ? null : attachTypeName(p.attachType),
      attachTo: p.attachTo === "" ? null : p.attachTo,
      instructions: p.instructions instanceof Uint8Array ? p.instructions.length / 8 : p.instructions.length,
      license: p.license ?? "",
      autoload: p.autoload,
    })),
    maps: byName(Object.values(spec.maps)).map(mapReport),
    variables: byName(Object.values(spec.variables)).map((v) => ({
      name: v.name,
      section: v.sectionName,
      offset: v.offset,
      size: v.size,
      type: v.type ? cTypeName(v.type) : null,
      readonly: v.readonly,
      value: renderValue(v.get(), v.type, le),
    })),
  };
  if (options.allTypes || options.typeNames?.length) report.types = typesReport(spec, options);
  if (options.disasm?.length) {
    report.disassembly = {};
    for (const name of options.disasm) {
      const p = spec.programs[name];
      if (!p) throw new EbpfError(`program ${name} is not in the object (it has ${listOf(Object.keys(spec.programs))})`);
      const insns = p.instructions;
      if (insns instanceof Uint8Array) throw new EbpfError(`program ${name} holds raw bytes that cannot be disassembled`);
      report.disassembly[name] = disassemble(insns as readonly Instruction[]).replace(/^\n+|\n+$/gu, "").split("\n");
    }
  }
  return report;
}

function byName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function listOf(names: readonly string[]): string {
  return names.length === 0 ? "none" : [...names].sort().join(", ");
}

function mapReport(m: CollectionMapSpec): MapReport {
  const flags = m.flags ?? 0;
  return {
    name: m.name,
    type: mapTypeName(m.type),
    keySize: m.keySize,
    valueSize: m.valueSize,
    maxEntries: m.maxEntries,
    flags,
    flagNames: flagNames(flags),
    pinning: m.pinning === PinType.ByName ? "byName" : "none",
    key: m.key ? cTypeName(m.key) : null,
    value: m.value ? cTypeName(m.value) : null,
    mapExtra: m.mapExtra === undefined || m.mapExtra === 0 || m.mapExtra === 0n ? null : Number(m.mapExtra),
    innerMap: m.innerMap ? mapReport(m.innerMap) : null,
  };
}

function flagNames(flags: number): string[] {
  const names: string[] = [];
  let rest = flags;
  for (const [name, bit] of Object.entries(MapFlags)) {
    if ((flags & bit) !== 0) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) names.push(`0x${(rest >>> 0).toString(16)}`);
  return names;
}

const listedKinds: ReadonlySet<Kind> = new Set([Kind.Struct, Kind.Union, Kind.Enum, Kind.Enum64, Kind.Typedef, Kind.Func]);

function typesReport(spec: CollectionSpec, options: ReportOptions): { kind: string; name: string; c: string }[] {
  const btf = spec.types;
  if (!btf) throw new EbpfError("the object has no BTF, so it has no types to print");
  const picked: Type[] = [];
  if (options.allTypes) {
    for (const t of btf.types()) if (t.name !== "" && listedKinds.has(t.kind)) picked.push(t);
  }
  for (const name of options.typeNames ?? []) {
    const found = btf.anyTypesByName(name);
    if (found.length === 0) throw new EbpfError(`type ${name} is not in the object's BTF`);
    for (const t of found) if (!picked.includes(t)) picked.push(t);
  }
  return picked.map((t) => ({ kind: kindName(t.kind), name: t.name, c: formatType(t) }));
}

/**
 * The human-readable rendering of a report: a summary line, then a table per section.
 *
 * @example
 * ```ts
 * process.stdout.write(formatReport("bpf/loader_maps.o", report));
 * ```
 */
export function formatReport(path: string, report: InspectReport): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  let out = `${path}: ${count(report.programs.length, "program")}, ${count(report.maps.length, "map")}, ${count(report.variables.length, "variable")} (${report.byteOrder}-endian)\n`;
  if (report.programs.length > 0) {
    out += "\nPrograms\n";
    out += table(
      ["NAME", "SECTION", "TYPE", "ATTACH", "INSNS", "LICENSE"],
      report.programs.map((p) => [
        p.autoload ? p.name : `${p.name} (no autoload)`,
        p.section,
        p.type,
        [p.attachType, p.attachTo].filter((s) => s !== null).join(" ") || "-",
        String(p.instructions),
        p.license,
      ]),
    );
  }
  if (report.maps.length > 0) {
    out += "\nMaps\n";
    const rows: string[][] = [];
    const add = (m: MapReport, prefix: string) => {
      rows.push([
        prefix + m.name,
        m.type,
        sized(m.keySize, m.key),
        sized(m.valueSize, m.value),
        String(m.maxEntries),
        m.flagNames.map((f) => f.replace(/^BPF_F_/u, "")).join("|") || "-",
        m.pinning === "byName" ? "by name" : "-",
      ]);
      if (m.innerMap) add(m.innerMap, `${prefix}└ `);
    };
    for (const m of report.maps) add(m, "");
    out += table(["NAME", "TYPE", "KEY", "VALUE", "MAX ENTRIES", "FLAGS", "PINNING"], rows);
  }
  if (report.variables.length > 0) {
    out += "\nVariables\n";
    out += table(
      ["NAME", "SECTION", "TYPE", "VALUE"],
      report.variables.map((v) => [v.name, v.readonly ? `${v.section} (ro)` : v.section, v.type ?? `${v.size} bytes`, JSON.stringify(v.value)]),
    );
  }
  if (report.types) {
    out += `\nTypes\n${report.types.map((t) => `${t.c};\n`).join("\n")}`;
  }
  for (const [name, lines] of Object.entries(report.disassembly ?? {})) {
    out += `\nDisassembly of ${name}\n${lines.join("\n")}\n`;
  }
  return out;
}

function sized(size: number, type: string | null): string {
  return type === null ? `${size} B` : `${type} (${size} B)`;
}

/**
 * Run `ebpf inspect` with `argv` (the arguments after `inspect`); returns the exit code.
 *
 * @example
 * ```ts
 * const code = await inspectCommand(["bpf/loader_maps.o", "--json"], processIO());
 * ```
 */
export async function inspectCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      json: { type: "boolean" },
      types: { type: "boolean" },
      type: { type: "string", multiple: true },
      disasm: { type: "string", multiple: true },
    },
    1,
    1,
  );
  if (values.help) {
    io.stdout(inspectHelp);
    return ExitCode.Ok;
  }
  const path = positionals[0]!;
  const report = inspectReport(await openObject(path), {
    allTypes: values.types === true,
    typeNames: values.type ?? [],
    disasm: values.disasm ?? [],
  });
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(path, report));
  return ExitCode.Ok;
}

/**
 * The source of a module `ebpf gen` writes: the object's types as TypeScript, and a `load()`
 * that returns its maps (typed), programs and variables by name.
 *
 * @module
 */
import { Kind, type Type } from "../btf/index.js";
import type { CollectionMapSpec, CollectionSpec } from "../collection/spec.js";
import { EbpfError } from "../errors.js";
import { isFdValued, isKeyless, isMapOfMaps, isPerCPU } from "../map/kinds.js";
import { mapTypeName } from "../map/types.js";
import { programTypeName } from "../prog/types.js";
import { cTypeName } from "./type-name.js";
import { property, TypeDeclarations } from "./gen-types.js";

/**
 * Names the generated module declares or uses itself, which generated type names must avoid.
 */
const RESERVED: ReadonlySet<string> = new Set([
  "Maps", "Programs", "Variables", "VariableValues", "Objects", "LoadOptions", "load", "loadSpec", "required",
  "objectPath", "objectBytes", "fileURLToPath", "LoadError", "loadCollectionSpec", "loadCollectionSpecFromBuffer",
  "newCollection", "BpfMap", "Collection", "CollectionOptions", "CollectionSpec", "Program", "TypedMap",
  "Array", "BigInt", "Boolean", "Buffer", "Error", "Map", "Number", "Object", "Partial", "Promise", "Readonly",
  "Record", "Set", "String", "Symbol", "Uint8Array",
]);

/**
 * How to write the module.
 *
 * @example
 * ```ts
 * const source: GenSource = { kind: "path", relativePath: "../bpf/cli_bench.o" };
 * ```
 */
export type GenSource =
  /** Load the object from this path, relative to the generated module. */
  | { readonly kind: "path"; readonly relativePath: string }
  /** Carry the object's bytes in the module, base64-encoded. */
  | { readonly kind: "embed"; readonly bytes: Uint8Array };

/**
 * Options of {@link generateModule}.
 *
 * @example
 * ```ts
 * const options: GenOptions = { objectName: "cli_bench.o", source, packageName: "ebpf", extraTypes: ["event"] };
 * ```
 */
export interface GenOptions {
  /** The object's file name, for comments. */
  readonly objectName: string;
  readonly source: GenSource;
  /** The module specifier the generated code imports the library from (`"ebpf"`). */
  readonly packageName: string;
  /** More BTF types to declare by name (event structs of ring buffers, …). */
  readonly extraTypes?: readonly string[];
  /** The command line that made the module, for its header. */
  readonly command?: string;
}

/** A map in the generated `Maps`: its TypeScript type, or undefined to leave it out. */
function mapType(m: CollectionMapSpec, decls: TypeDeclarations): string {
  const typedOK = m.value !== undefined && (m.key !== undefined || isKeyless(m.type)) && !isFdValued(m.type) && !isMapOfMaps(m.type);
  if (!typedOK) return "BpfMap";
  const key = isKeyless(m.type) ? "never" : decls.expression(m.key!);
  const element = decls.expression(m.value!);
  const value = isPerCPU(m.type) ? (/^[\w.]+$/u.test(element) ? `${element}[]` : `(${element})[]`) : element;
  return `TypedMap<${key}, ${value}>`;
}

function mapDoc(m: CollectionMapSpec): string {
  const kv = m.value ? `: ${m.key ? cTypeName(m.key) : "(no key)"} → ${cTypeName(m.value)}` : "";
  return `${mapTypeName(m.type)}, ${m.maxEntries} ${m.maxEntries === 1 ? "entry" : "entries"}${kv}`;
}

/**
 * The TypeScript source of the bindings for `spec`.
 *
 * @throws {EbpfError} when an `extraTypes` name is not in the object's BTF.
 * @example
 * ```ts
 * const ts = generateModule(await loadCollectionSpec("bpf/cli_bench.o"), options);
 * ```
 */
export function generateModule(spec: CollectionSpec, options: GenOptions): string {
  const decls = new TypeDeclarations(RESERVED);
  const maps = Object.values(spec.maps)
    .filter((m) => !m.name.startsWith("."))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const programs = Object.values(spec.programs).sort((a, b) => (a.name < b.name ? -1 : 1));
  const variables = Object.values(spec.variables).sort((a, b) => (a.name < b.name ? -1 : 1));

  const mapLines = maps.map((m) => `  /** ${mapDoc(m)}. */\n  readonly ${property(m.name)}: ${mapType(m, decls)};`);
  const varTypes = new Map(variables.map((v) => [v.name, v.type ? decls.expression(v.type) : "Uint8Array"]));
  for (const name of options.extraTypes ?? []) {
    const found = spec.types?.anyTypesByName(name).filter((t) => isNamedDeclaration(t)) ?? [];
    if (found.length === 0) throw new EbpfError(`type ${name} is not a struct, union, enum or typedef in the object's BTF`);
    for (const t of found) decls.expression(t);
  }
  const declarations = decls.declarations();
  const typedMaps = maps.some((m) => mapType(m, decls) !== "BpfMap");
  const embed = options.source.kind === "embed";

  // Only what the module uses, so it compiles under noUnusedLocals too.
  const imports = [
    "LoadError",
    embed ? "loadCollectionSpecFromBuffer" : "loadCollectionSpec",
    "newCollection",
    ...(maps.some((m) => mapType(m, decls) === "BpfMap") ? ["type BpfMap"] : []),
    "type Collection",
    "type CollectionOptions",
    "type CollectionSpec",
    ...(programs.length > 0 ? ["type Program"] : []),
    ...(typedMaps ? ["type TypedMap"] : []),
  ];
  let out = `// Code generated by \`ebpf gen\` from ${options.objectName}. DO NOT EDIT.\n`;
  if (options.command) out += `// Regenerate with: ${options.command}\n`;
  out += "/* eslint-disable */\n";
  if (!embed) out += `import { fileURLToPath } from "node:url";\n`;
  out += `import { ${imports.join(", ")} } from ${JSON.stringify(options.packageName)};\n\n`;
  out += declarations;

  out += `/** The maps of ${options.objectName}, by name; maps with BTF key and value types are typed. */\n`;
  out += `export interface Maps {\n${mapLines.join("\n")}${mapLines.length ? "\n" : ""}}\n\n`;
  out += `/** The programs of ${options.objectName}, by name. */\n`;
  out += `export interface Programs {\n${programs
    .map((p) => `  /** ${programTypeName(p.type)}, section ${JSON.stringify(p.sectionName)}. */\n  readonly ${property(p.name)}: Program;\n`)
    .join("")}}\n\n`;
  out += `/** Values of the global variables of ${options.objectName}, to set before loading. */\n`;
  out += `export interface VariableValues {\n${variables.map((v) => `  ${property(v.name)}: ${varTypes.get(v.name)!};\n`).join("")}}\n\n`;
  out += `/**\n * The global variables of the loaded object: reading one reads the kernel's current value,\n * assigning writes it. \`.rodata\` ones are constants once loaded: set them through\n * \`LoadOptions.variables\`.\n */\n`;
  out += `export interface Variables {\n${variables
    .map((v) => `  /** \`${v.type ? cTypeName(v.type) : `${v.size} bytes`}\` in ${v.sectionName}. */\n  ${v.readonly ? "readonly " : ""}${property(v.name)}: ${varTypes.get(v.name)!};\n`)
    .join("")}}\n\n`;
  out += `/** Everything \`load()\` made. Closing it closes every map and program. */
export interface Objects {
  readonly maps: Maps;
  readonly programs: Programs;
  readonly variables: Variables;
  /** The collection the objects belong to. */
  readonly collection: Collection;
  /** The spec it was loaded from, with the object's BTF (\`spec.types\`) for typed event readers. */
  readonly spec: CollectionSpec;
  close(): void;
  [Symbol.dispose](): void;
}

/** Options of \`load()\`: those of \`newCollection\`, and initial values of variables. */
export interface LoadOptions extends CollectionOptions {
${embed ? "" : "  /** Where the object file is; by default where it was when this module was generated. */\n  readonly path?: string;\n"}  /** Values to give global variables before loading (\`.rodata\` constants included). */
  readonly variables?: Partial<VariableValues>;
}

`;
  if (embed) {
    out += `const objectBytes = ${JSON.stringify(Buffer.from(options.source.bytes).toString("base64"))};\n\n`;
    out += `/** Parse the embedded object. */\nexport async function loadSpec(): Promise<CollectionSpec> {\n  return loadCollectionSpecFromBuffer(Buffer.from(objectBytes, "base64"));\n}\n\n`;
  } else {
    out += `const objectPath = fileURLToPath(new URL(${JSON.stringify(options.source.relativePath)}, import.meta.url));\n\n`;
    out += `/** Parse the object file (${options.objectName} by default). */\nexport async function loadSpec(path: string = objectPath): Promise<CollectionSpec> {\n  return loadCollectionSpec(path);\n}\n\n`;
  }
  out += `/**
 * Load ${options.objectName} into the kernel: set \`options.variables\`, create the maps, load the
 * programs.
 *
 * @example
 * \`\`\`ts
 * using objs = await load();
 * \`\`\`
 */
export async function load(options: LoadOptions = {}): Promise<Objects> {
  const spec = await loadSpec(${embed ? "" : "options.path"});
  const initial = options.variables ?? {};
  for (const name of Object.keys(initial) as (keyof VariableValues)[]) {
    const value = initial[name];
    if (value !== undefined) required(spec.variables, name, "variable").${"setValue"}(value);
  }
  const collection = newCollection(spec, options);
  try {
    const maps: Maps = {
${maps
  .map((m) => {
    const t = mapType(m, decls);
    const get = `required(collection.maps, ${JSON.stringify(m.name)}, "map")`;
    return `      ${property(m.name)}: ${t === "BpfMap" ? get : `${get}.typed<${t.slice("TypedMap<".length, -1)}>()`},\n`;
  })
  .join("")}    };
    const programs: Programs = {
${programs.map((p) => `      ${property(p.name)}: required(collection.programs, ${JSON.stringify(p.name)}, "program"),\n`).join("")}    };
    const variables = Object.defineProperties({}, {
${variables
  .map((v) => {
    const t = varTypes.get(v.name)!;
    const get = `required(collection.variables, ${JSON.stringify(v.name)}, "variable")`;
    const read = v.type ? `${get}.getValue<${t}>()` : `${get}.get()`;
    const write = v.type ? `${get}.setValue<${t}>(value)` : `${get}.set(value)`;
    return `      ${property(v.name)}: { enumerable: true, get: (): ${t} => ${read}${v.readonly ? "" : `, set: (value: ${t}) => ${write}`} },\n`;
  })
  .join("")}    }) as Variables;
    return { maps, programs, variables, collection, spec, close: () => collection.close(), [Symbol.dispose]: () => collection.close() };
  } catch (err) {
    collection.close();
    throw err;
  }
}

function required<T>(items: Readonly<Record<string, T>>, name: string, what: string): T {
  const item = items[name];
  if (item === undefined) throw new LoadError(\`\${what} \${name} is not in the loaded object: regenerate this module with ebpf gen\`);
  return item;
}
`;
  return out;
}

function isNamedDeclaration(t: Type): boolean {
  return t.kind === Kind.Struct || t.kind === Kind.Union || t.kind === Kind.Enum || t.kind === Kind.Enum64 || t.kind === Kind.Typedef;
}

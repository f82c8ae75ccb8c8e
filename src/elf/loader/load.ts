/**
 * `loadCollectionSpec`: an object file -> a {@link CollectionSpec}, pure data, no kernel.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { loadExtInfosFromBuffer, loadSpecFromBuffer, type ExtInfos, type Spec } from "../../btf/index.js";
import type { CollectionMapSpec, CollectionSpec } from "../../collection/spec.js";
import type { VariableSpec } from "../../collection/variable-spec.js";
import { BTFError, ELFError, EbpfError, LoadError } from "../../errors.js";
import { MapFlags, MapType } from "../../map/types.js";
import { EM_BPF, ET_REL } from "../constants.js";
import { ElfFile } from "../file.js";
import { btfMaps } from "./btf-maps.js";
import { dataSection } from "./data-maps.js";
import { fixupDatasecs } from "./datasecs.js";
import { collectExterns } from "./externs.js";
import { sectionFunctions, weakSymbols, type FunctionCode } from "./functions.js";
import { legacyMaps } from "./legacy-maps.js";
import { buildPrograms } from "./programs.js";
import { classifySections } from "./sections.js";

/**
 * Read and parse a clang-compiled BPF object (`clang -O2 -g -target bpf`).
 *
 * @throws {ELFError} for a malformed ELF file.
 * @throws {BTFError} for malformed BTF.
 * @throws {LoadError} for anything else the loader cannot interpret.
 * @example
 * ```ts
 * import { loadCollectionSpec } from "ebpf";
 * const spec = await loadCollectionSpec("bpf/xdp_fizzbuzz.o");
 * console.log(Object.keys(spec.programs)); // ["xdp_fizzbuzz"]
 * ```
 */
export async function loadCollectionSpec(path: string): Promise<CollectionSpec> {
  return loadCollectionSpecFromBuffer(await readFile(path));
}

/**
 * Parse a BPF object held in memory. The bytes are not copied: keep them unchanged while the spec
 * is in use.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { loadCollectionSpecFromBuffer } from "ebpf";
 * const spec = loadCollectionSpecFromBuffer(readFileSync("bpf/xdp_fizzbuzz.o"));
 * ```
 */
export function loadCollectionSpecFromBuffer(bytes: Uint8Array): CollectionSpec {
  try {
    return load(bytes);
  } catch (err) {
    if (err instanceof ELFError || err instanceof BTFError || err instanceof LoadError) throw err;
    // Anything else escaping the parsers is still bad input, reported as such.
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof EbpfError) throw new LoadError(message, { cause: err });
    throw new LoadError(`malformed object: ${message}`, { cause: err });
  }
}

function load(bytes: Uint8Array): CollectionSpec {
  const file = ElfFile.parse(bytes);
  if (file.machine !== EM_BPF && file.machine !== 0) {
    throw new ELFError(`machine ${file.machine} is not BPF (${EM_BPF})`);
  }
  if (file.type !== ET_REL) throw new ELFError(`ELF type ${file.type} is not a relocatable object`);
  const sections = classifySections(file);
  const byteOrder = file.byteOrder;

  const btfSection = file.section(".BTF");
  const types: Spec | undefined = btfSection ? loadSpecFromBuffer(btfSection.data(), { byteOrder }) : undefined;
  const extSection = file.section(".BTF.ext");
  const ext: ExtInfos | undefined =
    types && extSection ? loadExtInfosFromBuffer(extSection.data(), byteOrder, types) : undefined;
  if (types) fixupDatasecs(file, types);

  let license = "";
  let kernelVersion = 0;
  const maps: Record<string, CollectionMapSpec> = {};
  const variables: Record<string, VariableSpec> = {};
  const addMap = (m: CollectionMapSpec) => {
    if (maps[m.name]) throw new LoadError(`map ${m.name} is defined twice`);
    maps[m.name] = m;
  };

  for (const cs of sections.values()) {
    switch (cs.kind) {
      case "license":
        license = cString(cs.section.data());
        break;
      case "version": {
        const d = cs.section.data();
        if (d.byteLength !== 4) throw new LoadError(`section version is ${d.byteLength} bytes, not 4`);
        kernelVersion = new DataView(d.buffer, d.byteOffset, 4).getUint32(0, byteOrder === "little");
        break;
      }
      case "maps":
        legacyMaps(file, cs).forEach(addMap);
        break;
      case "btfMaps":
        btfMaps(file, cs, types).forEach(addMap);
        break;
      case "data": {
        const { map, variables: vars } = dataSection(file, cs, types);
        addMap(map);
        for (const v of vars) variables[v.name] = v;
        break;
      }
      default:
        break;
    }
  }

  const { externs, kconfig } = collectExterns(types, weakSymbols(file));
  if (kconfig) {
    addMap({
      name: ".kconfig",
      type: MapType.Array,
      keySize: 4,
      valueSize: kconfig.size,
      maxEntries: 1,
      flags: MapFlags.BPF_F_RDONLY_PROG | MapFlags.BPF_F_MMAPABLE,
      value: kconfig.datasec,
      freeze: true,
    });
  }

  const functions: FunctionCode[] = [];
  const ctx = { file, sections, externs };
  for (const cs of sections.values()) {
    if (cs.kind === "program") functions.push(...sectionFunctions(cs, ctx));
  }
  const programs = buildPrograms(functions, { license, kernelVersion, byteOrder, btf: types, ext });
  return { maps, programs, variables, externs, types, byteOrder };
}

function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

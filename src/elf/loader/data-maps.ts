/**
 * Data sections (`.data*`, `.rodata*`, `.bss`) as single-entry array maps, and their variables.
 *
 * @module
 */
import { Kind, VarLinkage, type Datasec, type Spec, type Type } from "../../btf/index.js";
import type { CollectionMapSpec } from "../../collection/spec.js";
import { VariableSpec } from "../../collection/variable-spec.js";
import { LoadError } from "../../errors.js";
import { MapFlags, MapType } from "../../map/types.js";
import { SHT_NOBITS, STB_LOCAL, STT_OBJECT, STV_HIDDEN } from "../constants.js";
import type { ElfFile } from "../file.js";
import type { ClassifiedSection } from "./sections.js";

/**
 * The largest data section the loader accepts. The kernel refuses array map values above
 * KMALLOC_MAX_SIZE: 4 MiB with 4 KiB pages, 512 MiB with arm64's 64 KiB pages.
 */
const MAX_DATA_SECTION_SIZE = 512 * 1024 * 1024;

/**
 * The map and variables of one data section. `.rodata*` maps are read-only for programs and
 * frozen after load; every data map is mmap-able (5.5+) so variables stay accessible after load.
 *
 * @example
 * ```ts
 * const { map, variables } = dataSection(file, classified, btfSpec);
 * ```
 */
export function dataSection(
  file: ElfFile,
  cs: ClassifiedSection,
  spec: Spec | undefined,
): { map: CollectionMapSpec; variables: VariableSpec[] } {
  const { section } = cs;
  const name = section.name;
  if (cs.relocations) throw new LoadError(`data section ${name} has relocations, which the kernel cannot apply`);
  // A .bss size is only a number in the header: bound it before allocating its zeroed contents.
  if (section.size > MAX_DATA_SECTION_SIZE) {
    throw new LoadError(`data section ${name} is ${section.size} bytes, more than any array map value can hold (${MAX_DATA_SECTION_SIZE})`);
  }
  const contents = new Uint8Array(section.size);
  if (section.type !== SHT_NOBITS) contents.set(section.data());
  const readonly = name.startsWith(".rodata");
  // Its size and offsets are filled in already (fixupDatasecs).
  const datasec = spec?.anyTypesByName(name).find((t): t is Datasec => t.kind === Kind.Datasec);
  const map: CollectionMapSpec = {
    name,
    type: MapType.Array,
    keySize: 4,
    valueSize: section.size,
    maxEntries: 1,
    flags: (readonly ? MapFlags.BPF_F_RDONLY_PROG : 0) | MapFlags.BPF_F_MMAPABLE,
    value: datasec,
    contents: [{ key: 0, value: contents }],
    freeze: readonly,
  };
  const variables: VariableSpec[] = [];
  const little = file.byteOrder === "little";
  const variable = (varName: string, offset: number, size: number, type: Type | undefined) => {
    if (offset + size > contents.byteLength) {
      throw new LoadError(`${name}: variable ${varName} at [${offset}, ${offset + size}) is outside the section (${contents.byteLength} bytes)`);
    }
    variables.push(new VariableSpec(varName, name, offset, size, type, readonly, contents, little));
  };
  if (datasec) {
    // Hidden symbols (`__hidden`) are private to the object, like static ones.
    const hidden = new Set(
      file.symbols.filter((sym) => sym.sectionIndex === section.index && sym.visibility === STV_HIDDEN).map((sym) => sym.name),
    );
    for (const vsi of datasec.vars) {
      // Static variables are private to the object, as in libbpf and cilium/ebpf.
      if (vsi.type.kind !== Kind.Var || vsi.type.linkage === VarLinkage.Static || hidden.has(vsi.type.name)) continue;
      variable(vsi.type.name, vsi.offset, vsi.size, vsi.type.type);
    }
  } else {
    for (const sym of file.symbols) {
      if (sym.sectionIndex !== section.index || sym.type !== STT_OBJECT || sym.bind === STB_LOCAL) continue;
      variable(sym.name, Number(sym.value), Number(sym.size), undefined);
    }
  }
  return { map, variables };
}

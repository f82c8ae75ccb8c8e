/**
 * BTF-defined maps: the `.maps` section, each variable a struct whose members encode the map's
 * attributes (`__uint(max_entries, 16)` is `int (*max_entries)[16]`, `__type(key, u32)` is
 * `u32 *key`), plus static initialisation of map-in-map and prog-array slots through `.rel.maps`.
 *
 * @module
 */
import { Kind, typeSize, underlyingType, type Member, type Spec, type Struct, type Type } from "../../btf/index.js";
import type { CollectionMapSpec, MapEntry } from "../../collection/spec.js";
import { LoadError } from "../../errors.js";
import { PinType } from "../../map/spec.js";
import { MapType } from "../../map/types.js";
import { SHN_UNDEF, STT_FUNC } from "../constants.js";
import type { ElfFile } from "../file.js";
import type { ClassifiedSection } from "./sections.js";

/**
 * Map specs from the `.maps` section, using the object's BTF.
 *
 * @example
 * ```ts
 * const maps = btfMaps(file, classified, btfSpec);
 * ```
 */
export function btfMaps(file: ElfFile, cs: ClassifiedSection, spec: Spec | undefined): CollectionMapSpec[] {
  if (!spec) throw new LoadError("section .maps needs BTF, and the object has none (build with clang -g)");
  const datasec = spec.anyTypesByName(".maps").find((t) => t.kind === Kind.Datasec);
  if (!datasec || datasec.kind !== Kind.Datasec) throw new LoadError("section .maps has no BTF data section");
  const symbols = new Map(
    file.symbols.filter((s) => s.sectionIndex === cs.section.index).map((s) => [s.name, Number(s.value)]),
  );
  const maps: CollectionMapSpec[] = [];
  const tags = variableTags(spec);
  const byOffset = new Map<number, { spec: CollectionMapSpec; valuesOffset: number; size: number; def: Struct }>();
  for (const vsi of datasec.vars) {
    const v = vsi.type;
    if (v.kind !== Kind.Var) throw new LoadError(`.maps: entry of kind ${v.kind} is not a variable`);
    const offset = symbols.get(v.name);
    if (offset === undefined) throw new LoadError(`map ${v.name}: no symbol in .maps`);
    const def = underlyingType(v.type);
    if (def.kind !== Kind.Struct) throw new LoadError(`map ${v.name}: definition is not a struct`);
    const data = cs.section.data();
    const size = typeSize(def);
    if (offset + size > data.byteLength) {
      throw new LoadError(`map ${v.name}: definition at [${offset}, ${offset + size}) outside section .maps (${data.byteLength} bytes)`);
    }
    const bytes = data.subarray(offset, offset + size);
    if (bytes.some((b) => b !== 0)) {
      throw new LoadError(`map ${v.name}: initialised BTF map definitions are not supported (only values slots)`);
    }
    const map = mapFromStruct(v.name, def, true);
    const mapTags = tags.get(v);
    if (mapTags !== undefined) map.tags = mapTags;
    maps.push(map);
    const values = def.members.find((m) => m.name === "values");
    byOffset.set(offset, {
      spec: map,
      valuesOffset: values ? values.bitOffset / 8 : -1,
      size,
      def,
    });
  }
  if (cs.relocations) staticContents(file, cs, byOffset);
  return maps;
}

// Decl tags on whole variables (component index -1), by variable: the tags of map definitions.
// Only tag records are decoded, found by their kind in the type index.
function variableTags(spec: Spec): Map<Type, string[]> {
  const out = new Map<Type, string[]>();
  const { firstId, count } = spec.raw;
  for (let i = 0; i < count; i++) {
    if (spec.kindOf(firstId + i) !== Kind.DeclTag) continue;
    const tag = spec.typeByID(firstId + i);
    if (tag.kind !== Kind.DeclTag || tag.index !== -1 || tag.type.kind !== Kind.Var) continue;
    const list = out.get(tag.type);
    if (list === undefined) out.set(tag.type, [tag.value]);
    else list.push(tag.value);
  }
  return out;
}

function mapFromStruct(name: string, def: Struct, outer: boolean): CollectionMapSpec {
  const spec: CollectionMapSpec = { name, type: MapType.UnspecifiedMap, keySize: 0, valueSize: 0, maxEntries: 0 };
  for (const m of def.members) {
    switch (m.name) {
      case "type":
        spec.type = uintMember(name, m) as MapType;
        break;
      case "map_flags":
        spec.flags = uintMember(name, m);
        break;
      case "max_entries":
        spec.maxEntries = uintMember(name, m);
        break;
      case "numa_node":
        spec.numaNode = uintMember(name, m);
        break;
      case "map_extra":
        spec.mapExtra = uintMember(name, m);
        break;
      case "pinning": {
        const pin = uintMember(name, m);
        if (pin !== PinType.None && pin !== PinType.ByName) throw new LoadError(`map ${name}: unsupported pinning ${pin}`);
        spec.pinning = pin;
        break;
      }
      case "key_size":
        if (spec.key) throw new LoadError(`map ${name}: both key and key_size`);
        spec.keySize = uintMember(name, m);
        break;
      case "value_size":
        if (spec.value) throw new LoadError(`map ${name}: both value and value_size`);
        spec.valueSize = uintMember(name, m);
        break;
      case "key": {
        const t = pointee(name, m);
        spec.key = t;
        spec.keySize = typeSize(t);
        break;
      }
      case "value": {
        const t = pointee(name, m);
        spec.value = t;
        // A perf event array's value is the event fd: the BTF type documents the records, the
        // sizes are set at creation.
        if (spec.type !== MapType.PerfEventArray) spec.valueSize = typeSize(t);
        break;
      }
      case "values":
        valuesMember(name, m, spec, outer);
        break;
      default:
        throw new LoadError(`map ${name}: unknown attribute ${m.name}`);
    }
  }
  return spec;
}

// `__array(values, struct inner)` describes the inner map of a map-in-map, or `__array(values,
// int ())` the programs of a prog array.
function valuesMember(name: string, m: Member, spec: CollectionMapSpec, outer: boolean): void {
  if (!outer) throw new LoadError(`map ${name}: nested map-in-map definitions are not supported`);
  const arr = underlyingType(m.type);
  if (arr.kind !== Kind.Array || arr.nelems !== 0) throw new LoadError(`map ${name}: values must be a flexible array`);
  const ptr = underlyingType(arr.type);
  if (ptr.kind !== Kind.Pointer) throw new LoadError(`map ${name}: values must be an array of pointers`);
  const target = underlyingType(ptr.target);
  if (spec.type === MapType.ArrayOfMaps || spec.type === MapType.HashOfMaps) {
    if (target.kind !== Kind.Struct) throw new LoadError(`map ${name}: inner map definition must be a struct`);
    spec.innerMap = mapFromStruct(`${name}_inner`, target, false);
  } else if (spec.type === MapType.ProgramArray) {
    if (target.kind !== Kind.FuncProto) throw new LoadError(`map ${name}: prog array values must be functions`);
  } else {
    throw new LoadError(`map ${name}: values is only valid for map-in-map and prog array maps`);
  }
  spec.valueSize = 4;
}

function uintMember(map: string, m: Member): number {
  const ptr = underlyingType(m.type);
  // `__ulong(name, value)` declares an anonymous enum whose only value is the attribute.
  if ((ptr.kind === Kind.Enum || ptr.kind === Kind.Enum64) && ptr.values.length === 1) {
    return Number(ptr.values[0]!.value);
  }
  if (ptr.kind !== Kind.Pointer) throw new LoadError(`map ${map}: ${m.name} is not declared with __uint`);
  const arr = underlyingType(ptr.target);
  if (arr.kind !== Kind.Array) throw new LoadError(`map ${map}: ${m.name} is not declared with __uint`);
  return arr.nelems;
}

function pointee(map: string, m: Member): Type {
  const ptr = underlyingType(m.type);
  if (ptr.kind !== Kind.Pointer) throw new LoadError(`map ${map}: ${m.name} is not declared with __type`);
  return ptr.target;
}

function staticContents(
  file: ElfFile,
  cs: ClassifiedSection,
  byOffset: Map<number, { spec: CollectionMapSpec; valuesOffset: number; size: number }>,
): void {
  const starts = [...byOffset.keys()].sort((a, b) => a - b);
  for (const rel of file.relocations(cs.relocations!)) {
    const at = Number(rel.offset);
    const start = starts.filter((s) => s <= at).pop();
    const owner = start === undefined ? undefined : byOffset.get(start);
    if (start === undefined || !owner || owner.valuesOffset < 0 || at < start + owner.valuesOffset) {
      throw new LoadError(`.maps: relocation at ${at} is not inside a map's values`);
    }
    const slot = (at - start - owner.valuesOffset) / 8;
    if (!Number.isInteger(slot)) throw new LoadError(`.maps: relocation at ${at} is not pointer-aligned`);
    if (slot >= owner.spec.maxEntries) {
      throw new LoadError(`map ${owner.spec.name}: static value at index ${slot} beyond max_entries ${owner.spec.maxEntries}`);
    }
    const sym = file.symbols[rel.symbolIndex];
    if (!sym || sym.sectionIndex === SHN_UNDEF) throw new LoadError(`map ${owner.spec.name}: static value refers to an undefined symbol`);
    const value: MapEntry["value"] = sym.type === STT_FUNC ? { program: sym.name } : { map: sym.name };
    if (owner.spec.type === MapType.ProgramArray && !("program" in value)) {
      throw new LoadError(`map ${owner.spec.name}: prog array slot ${slot} refers to ${sym.name}, which is not a program`);
    }
    if (owner.spec.type !== MapType.ProgramArray && !("map" in value)) {
      throw new LoadError(`map ${owner.spec.name}: slot ${slot} refers to ${sym.name}, which is not a map`);
    }
    (owner.spec.contents ??= []).push({ key: slot, value });
  }
}

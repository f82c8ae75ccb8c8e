/**
 * Legacy map definitions in the `maps` section: `struct bpf_map_def` (5 words) and iproute2's
 * `struct bpf_elf_map` (9 words, with pinning and inner-map ids).
 *
 * @module
 */
import type { CollectionMapSpec } from "../../collection/spec.js";
import { LoadError } from "../../errors.js";
import { PinType } from "../../map/spec.js";
import type { MapType } from "../../map/types.js";
import { STT_OBJECT, STT_NOTYPE } from "../constants.js";
import type { ElfFile } from "../file.js";
import type { ClassifiedSection } from "./sections.js";

/** `struct bpf_map_def`: type, key_size, value_size, max_entries, map_flags. */
const BPF_MAP_DEF_SIZE = 20;
/** iproute2's `struct bpf_elf_map`. */
const IPROUTE2_DEF_SIZE = 36;
/** iproute2's PIN_GLOBAL_NS, which means "pin by name". */
const IPROUTE2_PIN_GLOBAL_NS = 2;

/**
 * Map specs from a legacy `maps` section.
 *
 * @example
 * ```ts
 * const maps = legacyMaps(file, classified);
 * ```
 */
export function legacyMaps(file: ElfFile, cs: ClassifiedSection): CollectionMapSpec[] {
  const data = cs.section.data();
  const le = file.byteOrder === "little";
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const syms = file.symbols.filter(
    (s) => s.sectionIndex === cs.section.index && (s.type === STT_OBJECT || s.type === STT_NOTYPE) && s.name !== "",
  );
  if (syms.length === 0) return [];
  const out: CollectionMapSpec[] = [];
  for (const sym of syms) {
    const offset = Number(sym.value);
    // Old objects leave st_size 0: every definition then has the same share of the section.
    const size = sym.size > 0n ? Number(sym.size) : Math.floor(data.byteLength / syms.length);
    if (size < BPF_MAP_DEF_SIZE || offset + size > data.byteLength) {
      throw new LoadError(`map ${sym.name}: definition of ${size} bytes at ${offset} outside section ${cs.section.name}`);
    }
    const word = (i: number) => view.getUint32(offset + i * 4, le);
    const spec: CollectionMapSpec = {
      name: sym.name,
      type: word(0) as MapType,
      keySize: word(1),
      valueSize: word(2),
      maxEntries: word(3),
      flags: word(4),
    };
    if (size === IPROUTE2_DEF_SIZE) {
      // struct bpf_elf_map: id, pinning, inner_id, inner_idx follow the common prefix.
      const pinning = word(6);
      if (pinning === IPROUTE2_PIN_GLOBAL_NS) spec.pinning = PinType.ByName;
      else if (pinning !== 0) throw new LoadError(`map ${sym.name}: iproute2 pinning ${pinning} not supported`);
      if (word(7) !== 0 || word(8) !== 0) throw new LoadError(`map ${sym.name}: iproute2 inner map ids not supported`);
    } else if (size > BPF_MAP_DEF_SIZE) {
      // Bytes the loader does not understand travel with the spec; creating the map refuses them
      // unless they are zero.
      spec.extra = data.slice(offset + BPF_MAP_DEF_SIZE, offset + size);
    }
    out.push(spec);
  }
  return out;
}

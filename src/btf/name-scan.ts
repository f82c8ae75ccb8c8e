/**
 * Finding the types of one name by comparing string table bytes, without decoding every name:
 * an index over all of vmlinux's ~100K names costs tens of milliseconds, while a load usually
 * asks for a handful of names.
 *
 * @module
 */

import { Kind } from "./kind.js";
import { essentialName } from "./names.js";
import { kindAt, recordEnd, type RawTypes } from "./raw.js";
import type { StringTable } from "./strings.js";

const K_DECL_TAG: number = Kind.DeclTag;
const K_TYPE_TAG: number = Kind.TypeTag;
const UNDERSCORE = 0x5f;

// The name offset of each type of a section, made on its first scan and kept while the section
// lives: a scan that walks the records takes 1.3 ms for vmlinux, one over this array 0.5 ms, and
// a CO-RE load scans once per kernel type name its relocations use. (A WeakMap's values outlive
// their key until a full collection; this one holds only the array.)
const nameOffsets = new WeakMap<RawTypes, Uint32Array>();

function nameOffsetsOf(raw: RawTypes): Uint32Array {
  let offs = nameOffsets.get(raw);
  if (offs === undefined) {
    const { view, le, count } = raw;
    offs = new Uint32Array(count);
    for (let i = 0, record = raw.checkpoints[0]!; i < count; i++) {
      offs[i] = view.getUint32(record, le);
      record = recordEnd(raw, record);
    }
    nameOffsets.set(raw, offs);
  }
  return offs;
}

/** The table (of a split chain) holding `offset`. */
function tableOf(strings: StringTable, offset: number): StringTable {
  let t = strings;
  while (offset < t.firstOffset && t.base !== undefined) t = t.base;
  return t;
}

/**
 * Ids of the types of `raw` (its own, not a base's) whose name is `name` or, with `essential`,
 * whose essential name ({@link essentialName}: without a `___flavour` suffix) is `name`; in id
 * order. Tags are not named by their value; anonymous types never match.
 *
 * @example
 * ```ts
 * import { loadKernelSpec } from "ebpf/btf";
 * import { typeIDsNamed } from "./name-scan.js";
 * typeIDsNamed(loadKernelSpec().raw, "task_struct", true); // e.g. [151]
 * ```
 */
export function typeIDsNamed(raw: RawTypes, name: string, essential: boolean): number[] {
  const out: number[] = [];
  if (name === "") return out;
  const needle = Buffer.from(name, "utf8");
  const n = needle.length;
  const first = needle[0]!;
  // An exact name that itself looks flavoured is indexed under its essential name instead.
  const exactMatches = !essential || essentialName(name) === name;
  const { strings, count, firstId } = raw;
  const offs = nameOffsetsOf(raw);
  const own = strings.ownBytes;
  const ownStart = strings.firstOffset;
  for (let i = 0; i < count; i++) {
    const off = offs[i]!;
    if (off === 0) continue;
    let bytes = own;
    let at = off - ownStart;
    if (at < 0) {
      // Split BTF naming a type with one of its base's strings.
      const t = tableOf(strings, off);
      bytes = t.ownBytes;
      at = off - t.firstOffset;
    }
    if (bytes[at] !== first) continue;
    let k = 1;
    while (k < n && bytes[at + k] === needle[k]) k++;
    if (k < n) continue;
    const next = bytes[at + n];
    // Tags carry a value, not a name.
    const kind = kindAt(raw, i);
    if (kind === K_DECL_TAG || kind === K_TYPE_TAG) continue;
    if (next === 0) {
      if (exactMatches) out.push(firstId + i);
    } else if (
      essential &&
      next === UNDERSCORE &&
      bytes[at + n + 1] === UNDERSCORE &&
      bytes[at + n + 2] === UNDERSCORE &&
      essentialName(strings.lookup(off)) === name
    ) {
      out.push(firstId + i);
    }
  }
  return out;
}

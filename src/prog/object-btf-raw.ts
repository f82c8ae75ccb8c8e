/**
 * The object's own BTF loaded as it is, the way libbpf loads it: type ids and string offsets stay
 * those of the object, so nothing is decoded or marshalled. Only what the loader fills in — data
 * section sizes and offsets, the linkage of `.kconfig` externs — is written back into a copy.
 *
 * @module
 */
import {
  FuncLinkage,
  hostByteOrder,
  Kind,
  recordEnd,
  VarLinkage,
  type Datasec,
  type LineInfo,
  type Spec,
  type Type,
  type Var,
} from "../btf/index.js";
import { closeRaw } from "../syscall/index.js";
import { tryBTFLoad, type LoadedBTF } from "./object-btf.js";

/**
 * Load `spec`, an object's BTF, for programs and maps that use `types` and `lineInfos` of it.
 * Returns undefined when it cannot go as it is — a type or line record from elsewhere, split BTF,
 * a foreign byte order, extern functions or variables (the kernel's BTF check refuses them) — or
 * when the kernel refuses it (kinds it does not know); {@link loadBTF} then marshals just the
 * types used.
 *
 * @example
 * ```ts
 * const btf = loadObjectBTF(spec.types, [spec.maps.counts.key], []) ?? loadBTF([spec.maps.counts.key], []);
 * btf?.close();
 * ```
 */
export function loadObjectBTF(spec: Spec, types: Iterable<Type>, lineInfos: Iterable<LineInfo>): LoadedBTF | undefined {
  if (spec.base !== undefined || spec.byteOrder !== hostByteOrder()) return undefined;
  const typeIDs = new Map<Type, number>();
  for (const t of types) {
    if (typeIDs.has(t)) continue;
    const id = ownID(spec, t);
    if (id === undefined) return undefined;
    typeIDs.set(t, id);
  }
  if (typeIDs.size === 0) return undefined;
  if (!ownLineStrings(spec, lineInfos)) return undefined;
  const bytes = patched(spec);
  const fd = bytes === undefined ? undefined : tryBTFLoad(bytes);
  // Line records go with their own offsets: no string map.
  return fd === undefined ? undefined : { fd, typeIDs, strings: new Map(), ownLineOffsets: true, close: () => closeRaw(fd) };
}

function ownID(spec: Spec, t: Type): number | undefined {
  try {
    return spec.typeID(t);
  } catch {
    return undefined;
  }
}

// Whether each line record's strings are still those at its offsets in the object's string table
// (a record edited by hand no longer matches).
function ownLineStrings(spec: Spec, lineInfos: Iterable<LineInfo>): boolean {
  for (const l of lineInfos) {
    if (l.fileNameOffset === undefined || l.lineOffset === undefined) return false;
    if (!spec.strings.matches(l.fileNameOffset, l.fileName) || !spec.strings.matches(l.lineOffset, l.line)) return false;
  }
  return true;
}

// A copy of the raw BTF with each DATASEC's size and variable offsets and sizes, and each VAR's
// linkage, taken from the decoded types the loader filled in.
function patched(spec: Spec): Uint8Array | undefined {
  const { bytes, le, firstId, count } = spec.raw;
  // A copy (a Buffer's slice would share the file's memory).
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0, at = spec.raw.checkpoints[0]!; i < count; i++, at = recordEnd(spec.raw, at)) {
    const kind = (view.getUint32(at + 4, le) >>> 24) & 0x1f;
    if (kind === Kind.Func) {
      if ((view.getUint32(at + 4, le) & 0xffff) === FuncLinkage.Extern) return undefined;
    } else if (kind === Kind.Var) {
      const v = spec.typeByID(firstId + i) as Var;
      if (v.linkage === VarLinkage.Extern) return undefined;
      view.setUint32(at + 12, v.linkage, le);
    } else if (kind === Kind.Datasec) {
      const ds = spec.typeByID(firstId + i) as Datasec;
      if (ds.vars.length !== (view.getUint32(at + 4, le) & 0xffff)) return undefined;
      view.setUint32(at + 8, ds.size, le);
      for (let n = 0; n < ds.vars.length; n++) {
        const vsi = ds.vars[n]!;
        const rec = at + 12 + n * 12;
        if (ownID(spec, vsi.type) !== view.getUint32(rec, le)) return undefined;
        view.setUint32(rec + 4, vsi.offset, le);
        view.setUint32(rec + 8, vsi.size, le);
      }
    }
  }
  return out;
}

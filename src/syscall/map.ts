/**
 * Builders for the map commands of `bpf()` that are not on the per-operation hot path (those keep a
 * preallocated {@link MapElemAttr} of their own, see `src/map/`).
 *
 * @module
 */
import { MapCreateAttr, MapElemAttr } from "./attr.js";
import { bpfCall } from "./bpf.js";
import { BpfCmd } from "./commands.js";
import type { AttrValues } from "./layout.js";

/** BPF_MAP_CREATE: returns the new map's fd. */
export function mapCreate(attr: AttrValues<typeof MapCreateAttr>): number {
  return bpfCall(BpfCmd.MAP_CREATE, MapCreateAttr.build(attr));
}

/** BPF_MAP_FREEZE (5.2+): user space can no longer write the map. */
export function mapFreeze(mapFd: number): void {
  bpfCall(BpfCmd.MAP_FREEZE, MapElemAttr.build({ mapFd }));
}

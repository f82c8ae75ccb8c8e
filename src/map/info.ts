/**
 * A map's properties as the kernel reports them (BPF_OBJ_GET_INFO_BY_FD).
 *
 * @module
 */
import { MapInfo as MapInfoStruct } from "../syscall/attr.js";
import { objGetInfoByFd } from "../syscall/obj.js";
import type { MapType } from "./types.js";

/**
 * What the kernel knows of a map (`struct bpf_map_info`, 4.13+; `mapExtra` 5.16+). Fields a
 * kernel does not report read as 0.
 *
 * @example
 * ```ts
 * const info = map.info();
 * console.log(info.id, info.name, info.maxEntries);
 * ```
 */
export interface MapInfo {
  type: MapType;
  /** Kernel-wide map id (4.13). */
  id: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  name: string;
  mapExtra: bigint;
  /** Id of the BTF object describing key and value, 0 for none. */
  btfId: number;
  btfKeyTypeId: number;
  btfValueTypeId: number;
}

/**
 * Read a map's info from the kernel.
 *
 * @example
 * ```ts
 * const info = readMapInfo(map.fd);
 * ```
 */
export function readMapInfo(fd: number): MapInfo {
  const bytes = new Uint8Array(new ArrayBuffer(MapInfoStruct.size));
  objGetInfoByFd(fd, bytes);
  const view = new DataView(bytes.buffer);
  const nameOff = MapInfoStruct.offsets.name;
  const raw = bytes.subarray(nameOff, nameOff + 16);
  const nul = raw.indexOf(0);
  return {
    type: MapInfoStruct.get(view, "type") as MapType,
    id: MapInfoStruct.get(view, "id"),
    keySize: MapInfoStruct.get(view, "keySize"),
    valueSize: MapInfoStruct.get(view, "valueSize"),
    maxEntries: MapInfoStruct.get(view, "maxEntries"),
    flags: MapInfoStruct.get(view, "mapFlags"),
    name: new TextDecoder().decode(raw.subarray(0, nul < 0 ? raw.length : nul)),
    mapExtra: MapInfoStruct.get64(view, "mapExtra"),
    btfId: MapInfoStruct.get(view, "btfId"),
    btfKeyTypeId: MapInfoStruct.get(view, "btfKeyTypeId"),
    btfValueTypeId: MapInfoStruct.get(view, "btfValueTypeId"),
  };
}

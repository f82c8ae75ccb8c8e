/**
 * Making `BpfMap`s: from a spec (`newMap`), from an fd (`newMapFromFD`), from a pin
 * (`loadPinnedMap`).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError } from "../errors.js";
import { possibleCPUs } from "../internal/possible-cpus.js";
import { closeRaw } from "../syscall/fd.js";
import { Errno, PermissionError, SyscallError } from "../syscall/error.js";
import type { MapCreateAttr } from "../syscall/attr.js";
import type { AttrValues } from "../syscall/layout.js";
import { mapCreate } from "../syscall/map.js";
import { objGet } from "../syscall/obj.js";
import { readMapInfo } from "./info.js";
import { isMapOfMaps } from "./kinds.js";
import { BpfMap } from "./map.js";
import { PinType, type MapOptions, type MapSpec } from "./spec.js";
import { MapType, mapTypeMinKernel, mapTypeName } from "./types.js";
import { validateMapSpec } from "./validate.js";

/**
 * Create a map from `spec`. Validates the spec first (a broken rule throws `ArgumentError` naming
 * it); a perf event array with `maxEntries` 0 gets one entry per possible CPU; a map of maps
 * gets a temporary inner map made from `spec.innerMap`. With `pinning: PinType.ByName` the map
 * at `<options.pinPath>/<name>` is reused when present (its properties must match) and the new
 * map is pinned there otherwise.
 *
 * @example
 * ```ts
 * import { newMap, MapType } from "ebpf";
 * using m = newMap({ name: "counts", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 1024 });
 * ```
 */
export function newMap(spec: MapSpec, options: MapOptions = {}): BpfMap {
  validateMapSpec(spec);
  if ((spec.pinning ?? PinType.None) === PinType.ByName) return newPinnedByName(spec, options);
  if (spec.pinning !== undefined && spec.pinning !== PinType.None) {
    throw new ArgumentError(`map spec ${spec.name ?? ""}: unknown pinning ${String(spec.pinning)}`);
  }
  return create(spec, options);
}

function create(spec: MapSpec, options: MapOptions): BpfMap {
  const inner = isMapOfMaps(spec.type) ? create(spec.innerMap!, {}) : undefined;
  let fd: number;
  try {
    fd = mapCreate(createAttrValues(spec, options, inner?.fd ?? 0));
  } catch (err) {
    if (err instanceof SyscallError && !(err instanceof PermissionError)) {
      const min = mapTypeMinKernel[spec.type];
      throw new SyscallError(
        err.command,
        err.errno,
        `creating ${mapTypeName(spec.type)} map ${JSON.stringify(spec.name ?? "")}` +
          (min === undefined ? "" : ` (the map type needs Linux ${min}+)`),
      );
    }
    throw err;
  } finally {
    inner?.close();
  }
  return adoptCreatedMap(fd, spec);
}

function maxEntriesOf(spec: MapSpec): number {
  return spec.type === MapType.PerfEventArray && spec.maxEntries === 0 ? possibleCPUs() : spec.maxEntries;
}

/**
 * The BPF_MAP_CREATE attribute for `spec`, which the caller has validated, with the inner map's
 * fd for a map of maps (0 for other maps).
 *
 * @example
 * ```ts
 * const fd = mapCreate(createAttrValues({ type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 1 }, {}, 0));
 * ```
 */
export function createAttrValues(spec: MapSpec, options: MapOptions, innerMapFd: number): AttrValues<typeof MapCreateAttr> {
  return {
    mapType: spec.type,
    keySize: spec.keySize,
    valueSize: spec.valueSize,
    maxEntries: maxEntriesOf(spec),
    mapFlags: spec.flags ?? 0,
    innerMapFd,
    numaNode: spec.numaNode ?? 0,
    mapName: spec.name ?? "",
    btfFd: options.btf?.fd ?? 0,
    btfKeyTypeId: options.btf?.keyTypeId ?? 0,
    btfValueTypeId: options.btf?.valueTypeId ?? 0,
    mapExtra: spec.mapExtra ?? 0,
  };
}

/**
 * The map that BPF_MAP_CREATE made from `spec` as `fd`; the fd is closed if that throws.
 *
 * @example
 * ```ts
 * const spec = { type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 1 };
 * const map = adoptCreatedMap(mapCreate(createAttrValues(spec, {}, 0)), spec);
 * ```
 */
export function adoptCreatedMap(fd: number, spec: MapSpec): BpfMap {
  const { type, keySize, valueSize } = spec;
  try {
    return new BpfMap(fd, { type, keySize, valueSize, maxEntries: maxEntriesOf(spec), flags: spec.flags ?? 0, name: spec.name ?? "" });
  } catch (err) {
    closeRaw(fd);
    throw err;
  }
}

function newPinnedByName(spec: MapSpec, options: MapOptions): BpfMap {
  if (!options.pinPath) throw new ArgumentError(`map spec ${spec.name ?? ""}: PinType.ByName needs options.pinPath`);
  if (!spec.name) throw new ArgumentError("map spec: PinType.ByName needs a name");
  const path = join(options.pinPath, spec.name);
  let existing: BpfMap | undefined;
  try {
    existing = loadPinnedMap(path);
  } catch (err) {
    if (!(err instanceof SyscallError && err.errno === Errno.ENOENT)) throw err;
  }
  if (existing !== undefined) {
    const want = { type: spec.type, keySize: spec.keySize, valueSize: spec.valueSize, flags: spec.flags ?? 0 };
    const have = { type: existing.type, keySize: existing.keySize, valueSize: existing.valueSize, flags: existing.flags };
    const maxOk = spec.maxEntries === 0 || existing.maxEntries === spec.maxEntries;
    if (JSON.stringify(want) !== JSON.stringify(have) || !maxOk) {
      existing.close();
      throw new ArgumentError(
        `map ${spec.name}: the map pinned at ${path} is incompatible with the spec ` +
          `(pinned ${JSON.stringify({ ...have, maxEntries: existing.maxEntries })}, spec ${JSON.stringify({ ...want, maxEntries: spec.maxEntries })})`,
      );
    }
    return existing;
  }
  const map = create(spec, options);
  try {
    map.pin(path);
  } catch (err) {
    map.close();
    throw err;
  }
  return map;
}

/**
 * Take ownership of an fd that refers to a map; its properties are read from the kernel.
 * Throws `ArgumentError` (and leaves the fd open) when the fd is not a map.
 *
 * @example
 * ```ts
 * const m = newMapFromFD(objGetFdById(BpfCmd.MAP_GET_FD_BY_ID, id));
 * ```
 */
export function newMapFromFD(fd: number): BpfMap {
  if (!isMapFd(fd)) throw new ArgumentError(`fd ${fd} is not a BPF map`);
  const info = readMapInfo(fd);
  return new BpfMap(fd, {
    type: info.type,
    keySize: info.keySize,
    valueSize: info.valueSize,
    maxEntries: info.maxEntries,
    flags: info.flags,
    name: info.name,
  });
}

function isMapFd(fd: number): boolean {
  try {
    return /^map_type:/m.test(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
  } catch {
    return false;
  }
}

/**
 * Open the map pinned at `path` in a bpffs. A missing path throws `SyscallError` with errno
 * ENOENT naming the path; a pinned object that is not a map throws `ArgumentError`.
 *
 * @example
 * ```ts
 * import { loadPinnedMap } from "ebpf";
 * using counts = loadPinnedMap("/sys/fs/bpf/counts");
 * ```
 */
export function loadPinnedMap(path: string): BpfMap {
  let fd: number;
  try {
    fd = objGet(path);
  } catch (err) {
    if (err instanceof SyscallError && err.errno === Errno.ENOENT) {
      throw new SyscallError(err.command, err.errno, `nothing pinned at ${path}`);
    }
    throw err;
  }
  try {
    const map = newMapFromFD(fd);
    map.setPinnedPath(path);
    return map;
  } catch (err) {
    closeRaw(fd);
    throw err;
  }
}

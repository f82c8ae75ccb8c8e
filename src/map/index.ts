/**
 * Maps: `newMap(spec)` and the `BpfMap` it returns.
 *
 * The class is `BpfMap` so that importing it never shadows the global `Map`; `Map` is exported as
 * a type alias for signatures written after cilium/ebpf (`import type { Map } from "ebpf"`).
 *
 * @module
 */
export { MapBatchCursor, type BatchOptions } from "./batch.js";
export type { MapKey, MapValue } from "./codec.js";
export { loadPinnedMap, newMap, newMapFromFD } from "./create.js";
export { IterationAbortedError, KeyExistError, KeyNotExistError } from "./errors.js";
export type { MapInfo } from "./info.js";
export { BpfMap, type MapProperties } from "./map.js";
export { MissingTypeError, TypedMap, typesOfMap, type TypedMapOptions } from "./typed.js";
export { PinType, type MapBTF, type MapOptions, type MapSpec } from "./spec.js";
export {
  LookupLock,
  MapFlags,
  MapType,
  mapTypeName,
  UpdateAny,
  UpdateExist,
  UpdateFlags,
  UpdateLock,
  UpdateNoExist,
} from "./types.js";
export { validateMapSpec } from "./validate.js";
export { possibleCPUs } from "../internal/possible-cpus.js";

import type { BpfMap } from "./map.js";
/**
 * cilium/ebpf's name for {@link BpfMap}, as a type only.
 *
 * @example
 * ```ts
 * import type { Map } from "ebpf";
 * function count(m: Map): number { return [...m.keys()].length; }
 * ```
 */
export type Map = BpfMap;

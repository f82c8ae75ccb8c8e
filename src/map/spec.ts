/**
 * `MapSpec`: the pure-data description of a map, from which `newMap` makes the kernel object.
 *
 * @module
 */
import type { MapType } from "./types.js";

/**
 * How a map is pinned when made from a spec.
 *
 * @example
 * ```ts
 * import { PinType } from "ebpf";
 * const spec = { ...counts, pinning: PinType.ByName };
 * ```
 */
export const PinType = {
  /** Not pinned. */
  None: 0,
  /** Pinned at `<MapOptions.pinPath>/<name>`, reused when already there (LIBBPF_PIN_BY_NAME). */
  ByName: 1,
} as const;

/**
 * A pinning mode; see {@link PinType}.
 *
 * @example
 * ```ts
 * const p: PinType = PinType.ByName;
 * ```
 */
export type PinType = (typeof PinType)[keyof typeof PinType];

/**
 * A map's description. Pure data: making one touches no kernel object. Fields the kernel treats
 * as zero may be left out; new optional fields (BTF key/value types …) are added over time.
 *
 * @example
 * ```ts
 * import { MapType, type MapSpec } from "ebpf";
 * const spec: MapSpec = { name: "counts", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 1024 };
 * ```
 */
export interface MapSpec {
  /** Object name shown by bpftool; at most 15 bytes of `[A-Za-z0-9_.]`. */
  name?: string;
  type: MapType;
  keySize: number;
  valueSize: number;
  /**
   * Entries (bytes of the ring for ring buffers). 0 for a perf event array means one per
   * possible CPU.
   */
  maxEntries: number;
  /** BPF_MAP_CREATE flags, see {@link MapFlags}. */
  flags?: number;
  /** For ArrayOfMaps / HashOfMaps (4.12): the spec of the maps it holds. */
  innerMap?: MapSpec;
  /** NUMA node to allocate on; only used with `MapFlags.BPF_F_NUMA_NODE` (4.14). */
  numaNode?: number;
  /** Type-specific 64-bit extra (5.16): the number of hash functions of a bloom filter. */
  mapExtra?: bigint | number;
  /** Pinning mode (see {@link PinType}); needs `MapOptions.pinPath`. */
  pinning?: PinType;
}

/**
 * BTF describing a map's key and value, by type id in a loaded BTF object.
 *
 * @example
 * ```ts
 * newMap(spec, { btf: { fd: btfFd, keyTypeId: 1, valueTypeId: 3 } });
 * ```
 */
export interface MapBTF {
  /** fd of the loaded BTF object (BPF_BTF_LOAD); only borrowed for the creation. */
  fd: number;
  /** Type id of the key, 0 for none. */
  keyTypeId?: number;
  /** Type id of the value. */
  valueTypeId: number;
}

/**
 * Options of `newMap` that are not part of the spec: things that live in this process.
 *
 * @example
 * ```ts
 * import { newMap, PinType } from "ebpf";
 * const m = newMap({ ...spec, pinning: PinType.ByName }, { pinPath: "/sys/fs/bpf/myapp" });
 * ```
 */
export interface MapOptions {
  /** Directory in a bpffs for `PinType.ByName` maps. */
  pinPath?: string;
  /**
   * Key/value BTF (4.18), needed for values holding a `struct bpf_spin_lock` (5.1), timers and
   * kptrs.
   */
  btf?: MapBTF;
}

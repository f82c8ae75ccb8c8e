/**
 * `enum bpf_map_type` and the flag words of map creation and element updates, named as
 * cilium/ebpf names them.
 *
 * @module
 */

/**
 * Map types (`enum bpf_map_type` in `linux/bpf.h`): each member's value is the kernel's number.
 * Doc comments give the first kernel version with the type.
 *
 * @example
 * ```ts
 * import { MapType, newMap } from "ebpf";
 * const m = newMap({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 1024 });
 * MapType.Hash; // 1
 * ```
 */
export const MapType = {
  /** BPF_MAP_TYPE_UNSPEC: not a valid type to create. */
  UnspecifiedMap: 0,
  /** BPF_MAP_TYPE_HASH (3.19). */
  Hash: 1,
  /** BPF_MAP_TYPE_ARRAY (3.19): keys are u32 indices. */
  Array: 2,
  /** BPF_MAP_TYPE_PROG_ARRAY (4.2): program fds for tail calls; lookup returns program ids. */
  ProgramArray: 3,
  /** BPF_MAP_TYPE_PERF_EVENT_ARRAY (4.3): perf event fds, one per CPU. */
  PerfEventArray: 4,
  /** BPF_MAP_TYPE_PERCPU_HASH (4.6). */
  PerCPUHash: 5,
  /** BPF_MAP_TYPE_PERCPU_ARRAY (4.6). */
  PerCPUArray: 6,
  /** BPF_MAP_TYPE_STACK_TRACE (4.6). */
  StackTrace: 7,
  /** BPF_MAP_TYPE_CGROUP_ARRAY (4.8). */
  CGroupArray: 8,
  /** BPF_MAP_TYPE_LRU_HASH (4.10). */
  LRUHash: 9,
  /** BPF_MAP_TYPE_LRU_PERCPU_HASH (4.10). */
  LRUCPUHash: 10,
  /** BPF_MAP_TYPE_LPM_TRIE (4.11): keys are `{ u32 prefixlen; u8 data[] }`. */
  LPMTrie: 11,
  /** BPF_MAP_TYPE_ARRAY_OF_MAPS (4.12): map fds in, map ids out. */
  ArrayOfMaps: 12,
  /** BPF_MAP_TYPE_HASH_OF_MAPS (4.12): map fds in, map ids out. */
  HashOfMaps: 13,
  /** BPF_MAP_TYPE_DEVMAP (4.14). */
  DevMap: 14,
  /** BPF_MAP_TYPE_SOCKMAP (4.14). */
  SockMap: 15,
  /** BPF_MAP_TYPE_CPUMAP (4.15). */
  CPUMap: 16,
  /** BPF_MAP_TYPE_XSKMAP (4.18). */
  XSKMap: 17,
  /** BPF_MAP_TYPE_SOCKHASH (4.18). */
  SockHash: 18,
  /** BPF_MAP_TYPE_CGROUP_STORAGE (4.19), deprecated by {@link MapType.CgroupStorage}. */
  CGroupStorage: 19,
  /** BPF_MAP_TYPE_REUSEPORT_SOCKARRAY (4.19). */
  ReusePortSockArray: 20,
  /** BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE (4.20). */
  PerCPUCGroupStorage: 21,
  /** BPF_MAP_TYPE_QUEUE (4.20): FIFO, keySize 0. */
  Queue: 22,
  /** BPF_MAP_TYPE_STACK (4.20): LIFO, keySize 0. */
  Stack: 23,
  /** BPF_MAP_TYPE_SK_STORAGE (5.2). */
  SkStorage: 24,
  /** BPF_MAP_TYPE_DEVMAP_HASH (5.4). */
  DevMapHash: 25,
  /** BPF_MAP_TYPE_STRUCT_OPS (5.6). */
  StructOpsMap: 26,
  /** BPF_MAP_TYPE_RINGBUF (5.8): keySize and valueSize 0, maxEntries the ring's byte size. */
  RingBuf: 27,
  /** BPF_MAP_TYPE_INODE_STORAGE (5.10). */
  InodeStorage: 28,
  /** BPF_MAP_TYPE_TASK_STORAGE (5.11). */
  TaskStorage: 29,
  /** BPF_MAP_TYPE_BLOOM_FILTER (5.16): keySize 0, `mapExtra` holds the number of hashes. */
  BloomFilter: 30,
  /** BPF_MAP_TYPE_USER_RINGBUF (6.1). */
  UserRingbuf: 31,
  /** BPF_MAP_TYPE_CGRP_STORAGE (6.2). */
  CgroupStorage: 32,
  /** BPF_MAP_TYPE_ARENA (6.9). */
  Arena: 33,
} as const;

/**
 * A map type number; see {@link MapType}.
 *
 * @example
 * ```ts
 * const t: MapType = MapType.LRUHash;
 * ```
 */
export type MapType = (typeof MapType)[keyof typeof MapType];

const typeNames = new globalThis.Map<number, string>(Object.entries(MapType).map(([k, v]) => [v, k]));

/**
 * The cilium/ebpf name of a map type number (`"Hash"` for 1), or `"MapType(<n>)"` when unknown.
 *
 * @example
 * ```ts
 * import { mapTypeName } from "ebpf";
 * mapTypeName(27); // "RingBuf"
 * ```
 */
export function mapTypeName(type: number): string {
  return typeNames.get(type) ?? `MapType(${type})`;
}

/**
 * First kernel version with each map type, for error messages.
 *
 * @example
 * ```ts
 * mapTypeMinKernel[MapType.RingBuf]; // "5.8"
 * ```
 */
export const mapTypeMinKernel: Readonly<Record<number, string>> = {
  1: "3.19", 2: "3.19", 3: "4.2", 4: "4.3", 5: "4.6", 6: "4.6", 7: "4.6", 8: "4.8", 9: "4.10",
  10: "4.10", 11: "4.11", 12: "4.12", 13: "4.12", 14: "4.14", 15: "4.14", 16: "4.15", 17: "4.18",
  18: "4.18", 19: "4.19", 20: "4.19", 21: "4.20", 22: "4.20", 23: "4.20", 24: "5.2", 25: "5.4",
  26: "5.6", 27: "5.8", 28: "5.10", 29: "5.11", 30: "5.16", 31: "6.1", 32: "6.2", 33: "6.9",
};

/**
 * Flags of BPF_MAP_CREATE (`MapSpec.flags`), as in `linux/bpf.h`.
 *
 * @example
 * ```ts
 * import { MapFlags, MapType, newMap } from "ebpf";
 * newMap({ type: MapType.LPMTrie, keySize: 8, valueSize: 4, maxEntries: 16,
 *          flags: MapFlags.BPF_F_NO_PREALLOC });
 * ```
 */
export const MapFlags = {
  /** Allocate hash elements on demand instead of up front (4.6); required by LPM tries. */
  BPF_F_NO_PREALLOC: 1 << 0,
  /** One LRU list per CPU (4.10). */
  BPF_F_NO_COMMON_LRU: 1 << 1,
  /** Honour `numaNode` (4.14). */
  BPF_F_NUMA_NODE: 1 << 2,
  /** The syscall side may only read (4.15). */
  BPF_F_RDONLY: 1 << 3,
  /** The syscall side may only write (4.15). */
  BPF_F_WRONLY: 1 << 4,
  /** Stack trace maps store build id + offset (4.17). */
  BPF_F_STACK_BUILD_ID: 1 << 5,
  /** Zero hash seed, for tests only (5.0). */
  BPF_F_ZERO_SEED: 1 << 6,
  /** Programs may only read (5.2). */
  BPF_F_RDONLY_PROG: 1 << 7,
  /** Programs may only write (5.2). */
  BPF_F_WRONLY_PROG: 1 << 8,
  /** Socket storage is cloned to accepted sockets (5.4). */
  BPF_F_CLONE: 1 << 9,
  /** The array can be mmap'ed (5.5). */
  BPF_F_MMAPABLE: 1 << 10,
  /** Perf event array entries survive the closing of the map fd (5.10). */
  BPF_F_PRESERVE_ELEMS: 1 << 11,
  /** An inner map whose maxEntries may differ from its replacements' (5.10). */
  BPF_F_INNER_MAP: 1 << 12,
  /** `mapTokenFd` is set (6.9). */
  BPF_F_TOKEN_FD: 1 << 16,
  /** Arena: fault on access to unmapped pages (6.9). */
  BPF_F_SEGV_ON_FAULT: 1 << 17,
  /** Arena: no user-space pointer conversion (6.9). */
  BPF_F_NO_USER_CONV: 1 << 18,
} as const;

/** Update any element, creating it when missing (BPF_ANY). @example `map.update(1, 2n, UpdateAny)` */
export const UpdateAny = 0;
/** Create only: fail with `KeyExistError` when the key exists (BPF_NOEXIST). @example `map.update(1, 2n, UpdateNoExist)` */
export const UpdateNoExist = 1;
/** Replace only: fail with `KeyNotExistError` when the key is missing (BPF_EXIST). @example `map.update(1, 2n, UpdateExist)` */
export const UpdateExist = 2;
/**
 * Update a value holding a `struct bpf_spin_lock` under that lock (BPF_F_LOCK, 5.1); combine with
 * the other flags by `|`.
 *
 * @example
 * ```ts
 * map.update(1, value, UpdateLock | UpdateExist);
 * ```
 */
export const UpdateLock = 4;

/**
 * `update()` flags: {@link UpdateAny}, {@link UpdateNoExist}, {@link UpdateExist}, optionally
 * `| UpdateLock`.
 *
 * @example
 * ```ts
 * import { UpdateFlags } from "ebpf";
 * map.update(1, 2n, UpdateFlags.NoExist);
 * ```
 */
export const UpdateFlags = {
  Any: UpdateAny,
  NoExist: UpdateNoExist,
  Exist: UpdateExist,
  Lock: UpdateLock,
} as const;

/**
 * `lookup()` flag: read a value holding a `struct bpf_spin_lock` under that lock (BPF_F_LOCK, 5.1).
 *
 * @example
 * ```ts
 * const v = map.lookup(1, undefined, LookupLock);
 * ```
 */
export const LookupLock = 4;

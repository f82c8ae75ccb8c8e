/**
 * `haveMapType`: is a map type available in the running kernel?
 *
 * @module
 */
import { ArgumentError, NotSupportedError } from "../errors.js";
import { MapType, mapTypeName } from "../map/index.js";
import { Errno, MapCreateAttr, type AttrValues } from "../syscall/index.js";
import { FeatureCache } from "./cache.js";
import { tryCreateMap } from "./probe.js";

type MapAttr = AttrValues<typeof MapCreateAttr>;

/** `BPF_F_NO_PREALLOC`. */
const BPF_F_NO_PREALLOC = 1 << 0;
/** `BPF_F_MMAPABLE`. */
const BPF_F_MMAPABLE = 1 << 10;
/**
 * Ring buffer size: a power of two and a multiple of the page size for pages up to 64 KiB, so
 * the probe needs no page-size lookup.
 */
const RINGBUF_SIZE = 64 * 1024;

/** One map type: its first kernel and how to create a minimal one. */
interface MapProbe {
  readonly version: string;
  /** The attribute; unset key/value sizes are 4 and max entries 1. */
  readonly attr?: MapAttr;
  /** An errno that proves the type is known although the probe map was not created. */
  readonly knownErrno?: number;
}

/** Outer maps need an inner map fd; an invalid one fails with EBADF after the type check. */
const nested: MapAttr = { innerMapFd: 0xffffffff };
/** cgroup storage keys are `struct bpf_cgroup_storage_key` (u64 + u32, padded to 16). */
const cgroupStorage: MapAttr = { keySize: 16, valueSize: 4, maxEntries: 0 };
/** Local storage needs BTF; an invalid BTF fd fails with EBADF once the type is accepted. */
const localStorage: MapAttr = {
  keySize: 4,
  valueSize: 4,
  maxEntries: 0,
  mapFlags: BPF_F_NO_PREALLOC,
  btfKeyTypeId: 1,
  btfValueTypeId: 1,
  btfFd: 0xffffffff,
};
/** Queue, stack and bloom filter maps have no key. */
const keyless: MapAttr = { keySize: 0, valueSize: 4, maxEntries: 1 };
const ringbuf: MapAttr = { keySize: 0, valueSize: 0, maxEntries: RINGBUF_SIZE };

/** Every map type of Linux 6.18 (`enum bpf_map_type`). */
const mapProbes = new Map<number, MapProbe>([
  [MapType.Hash, { version: "3.19" }],
  [MapType.Array, { version: "3.19" }],
  [MapType.ProgramArray, { version: "4.2" }],
  [MapType.PerfEventArray, { version: "4.3" }],
  [MapType.PerCPUHash, { version: "4.6" }],
  [MapType.PerCPUArray, { version: "4.6" }],
  [MapType.StackTrace, { version: "4.6", attr: { valueSize: 8 } }],
  [MapType.CGroupArray, { version: "4.8" }],
  [MapType.LRUHash, { version: "4.10" }],
  [MapType.LRUCPUHash, { version: "4.10" }],
  // Key: u32 prefix length + at least one byte of data.
  [MapType.LPMTrie, { version: "4.11", attr: { keySize: 8, valueSize: 8, mapFlags: BPF_F_NO_PREALLOC } }],
  [MapType.ArrayOfMaps, { version: "4.12", attr: nested, knownErrno: Errno.EBADF }],
  [MapType.HashOfMaps, { version: "4.12", attr: nested, knownErrno: Errno.EBADF }],
  [MapType.DevMap, { version: "4.14" }],
  [MapType.SockMap, { version: "4.14" }],
  [MapType.CPUMap, { version: "4.15" }],
  [MapType.XSKMap, { version: "4.18" }],
  [MapType.SockHash, { version: "4.18" }],
  [MapType.CGroupStorage, { version: "4.19", attr: cgroupStorage }],
  [MapType.ReusePortSockArray, { version: "4.19" }],
  [MapType.PerCPUCGroupStorage, { version: "4.20", attr: cgroupStorage }],
  [MapType.Queue, { version: "4.20", attr: keyless }],
  [MapType.Stack, { version: "4.20", attr: keyless }],
  [MapType.SkStorage, { version: "5.2", attr: localStorage, knownErrno: Errno.EBADF }],
  [MapType.DevMapHash, { version: "5.4" }],
  // A vmlinux value type is required; id 1 is always some integer, which fails with ENOTSUPP
  // only once the type itself is known.
  [MapType.StructOpsMap, { version: "5.6", attr: { btfVmlinuxValueTypeId: 1 }, knownErrno: Errno.ENOTSUPP }],
  [MapType.RingBuf, { version: "5.8", attr: ringbuf }],
  [MapType.InodeStorage, { version: "5.10", attr: localStorage, knownErrno: Errno.EBADF }],
  [MapType.TaskStorage, { version: "5.11", attr: localStorage, knownErrno: Errno.EBADF }],
  [MapType.BloomFilter, { version: "5.16", attr: keyless }],
  [MapType.UserRingbuf, { version: "6.1", attr: ringbuf }],
  [MapType.CgroupStorage, { version: "6.2", attr: localStorage, knownErrno: Errno.EBADF }],
  // One page, mappable anywhere.
  [MapType.Arena, { version: "6.9", attr: { keySize: 0, valueSize: 0, maxEntries: 1, mapFlags: BPF_F_MMAPABLE } }],
]);

const cache = new FeatureCache<number>();

/**
 * Check that the running kernel has map type `type` (`MapType.*`, `enum bpf_map_type`) by
 * creating a minimal map once; the answer is cached. Returns when it does; throws
 * `NotSupportedError` naming the type and its first kernel when it does not; throws the probe's
 * own error (`PermissionError`, another `SyscallError`) when it cannot tell, and `ArgumentError`
 * for a type it has no probe for.
 *
 * @example
 * ```ts
 * import { haveMapType } from "ebpf/features";
 * import { MapType, NotSupportedError } from "ebpf";
 * try {
 *   haveMapType(MapType.RingBuf);
 * } catch (err) {
 *   if (err instanceof NotSupportedError) console.log(err.message); // RingBuf map not supported (requires Linux 5.8)
 * }
 * ```
 */
export function haveMapType(type: number): void {
  const probe = mapProbes.get(type);
  if (probe === undefined) throw new ArgumentError(`haveMapType: no feature probe for map type ${String(type)}`);
  cache.result(type, () => {
    const attr = probe.attr ?? {};
    const err = tryCreateMap({
      mapType: type,
      ...attr,
      keySize: attr.keySize ?? 4,
      valueSize: attr.valueSize ?? 4,
      maxEntries: attr.maxEntries ?? 1,
    });
    if (err === undefined || err.errno === probe.knownErrno) return;
    // EINVAL: unknown type. E2BIG: attribute fields the kernel does not know are set.
    if (err.errno === Errno.EINVAL || err.errno === Errno.E2BIG) {
      throw new NotSupportedError(`${mapTypeName(type)} map`, probe.version, { cause: err });
    }
    throw err;
  });
}

/**
 * Checks of a `MapSpec` before BPF_MAP_CREATE, so a spec the kernel would reject with a bare
 * EINVAL fails with a message naming the rule instead.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { isKeyless, isMapOfMaps } from "./kinds.js";
import type { MapSpec } from "./spec.js";
import { MapFlags, MapType, mapTypeName } from "./types.js";

const PAGE_SIZE = 4096;
const NAME_RE = /^[A-Za-z0-9_.]*$/;
/** `struct bpf_lpm_trie_key` prefix length field plus at most 256 data bytes. */
const LPM_MAX_KEY = 4 + 256;

function u32(spec: MapSpec, field: "keySize" | "valueSize" | "maxEntries" | "flags" | "numaNode"): number {
  const v = spec[field] ?? 0;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new ArgumentError(`${what(spec)}: ${field} must be a u32 integer, got ${String(v)}`);
  }
  return v;
}

function what(spec: MapSpec): string {
  return `map spec ${spec.name ? JSON.stringify(spec.name) : "(unnamed)"} (${mapTypeName(spec.type)})`;
}

/**
 * Throw `ArgumentError` naming the broken rule when `spec` cannot describe a valid map.
 * `maxEntries` 0 is accepted for perf event arrays (`newMap` sizes them to the CPUs).
 *
 * @example
 * ```ts
 * validateMapSpec({ type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 1000 });
 * // ArgumentError: … maxEntries of a ring buffer must be a power-of-two multiple of the page size (4096)
 * ```
 */
export function validateMapSpec(spec: MapSpec): void {
  if (typeof spec !== "object" || spec === null) throw new ArgumentError("map spec must be an object");
  const type = spec.type as number;
  if (!Number.isInteger(type) || type <= 0) throw new ArgumentError(`${what(spec)}: type must be a MapType, got ${String(type)}`);
  const keySize = u32(spec, "keySize");
  const valueSize = u32(spec, "valueSize");
  const maxEntries = u32(spec, "maxEntries");
  const flags = u32(spec, "flags");
  u32(spec, "numaNode");
  const name = spec.name ?? "";
  if (typeof name !== "string" || Buffer.byteLength(name, "utf8") > 15 || !NAME_RE.test(name)) {
    throw new ArgumentError(`${what(spec)}: name must be at most 15 characters of [A-Za-z0-9_.], got ${JSON.stringify(name)}`);
  }
  const extra = spec.mapExtra ?? 0;
  if ((typeof extra !== "number" && typeof extra !== "bigint") || extra < 0 || BigInt(extra) >= 1n << 64n) {
    throw new ArgumentError(`${what(spec)}: mapExtra must be a u64`);
  }
  if (typeof extra === "number" && !Number.isSafeInteger(extra)) throw new ArgumentError(`${what(spec)}: mapExtra must be an integer`);

  const rule = (ok: boolean, text: string): void => {
    if (!ok) throw new ArgumentError(`${what(spec)}: ${text}`);
  };
  switch (type) {
    case MapType.RingBuf:
    case MapType.UserRingbuf:
      rule(keySize === 0 && valueSize === 0, "keySize and valueSize of a ring buffer must be 0");
      rule(
        maxEntries >= PAGE_SIZE && (maxEntries & (maxEntries - 1)) === 0,
        `maxEntries of a ring buffer must be a power-of-two multiple of the page size (${PAGE_SIZE}), got ${maxEntries}`,
      );
      break;
    case MapType.Queue:
    case MapType.Stack:
    case MapType.BloomFilter:
      rule(keySize === 0, `keySize of a ${mapTypeName(type)} map must be 0, got ${keySize}`);
      rule(valueSize > 0, "valueSize must be positive");
      rule(maxEntries > 0, "maxEntries must be positive");
      if (type === MapType.BloomFilter) rule(BigInt(extra) <= 15n, "mapExtra (number of hash functions) of a bloom filter must be 0..15");
      break;
    case MapType.Array:
    case MapType.PerCPUArray:
    case MapType.ProgramArray:
    case MapType.PerfEventArray:
    case MapType.CGroupArray:
    case MapType.ArrayOfMaps:
      rule(keySize === 4, `keySize of an array must be 4, got ${keySize}`);
      rule(valueSize > 0, "valueSize must be positive");
      rule(maxEntries > 0 || type === MapType.PerfEventArray, "maxEntries must be positive");
      break;
    case MapType.Arena:
      // Memory shared by programs and user space (6.9+): no keys or values, maxEntries pages.
      rule(keySize === 0 && valueSize === 0, "keySize and valueSize of an arena must be 0");
      rule(maxEntries > 0, "maxEntries (pages) of an arena must be positive");
      rule((flags & MapFlags.BPF_F_MMAPABLE) !== 0, "an arena needs flags BPF_F_MMAPABLE");
      break;
    case MapType.LPMTrie:
      rule(keySize > 4 && keySize <= LPM_MAX_KEY, `keySize of an LPM trie must be 5..${LPM_MAX_KEY} (u32 prefix length + data), got ${keySize}`);
      rule((flags & MapFlags.BPF_F_NO_PREALLOC) !== 0, "an LPM trie needs flags BPF_F_NO_PREALLOC");
      rule(valueSize > 0 && maxEntries > 0, "valueSize and maxEntries must be positive");
      break;
    default:
      if (!isKeyless(type)) rule(keySize > 0 && valueSize > 0 && maxEntries > 0, "keySize, valueSize and maxEntries must be positive");
  }
  if (type === MapType.ProgramArray || type === MapType.PerfEventArray || type === MapType.CGroupArray || isMapOfMaps(type)) {
    rule(valueSize === 4, `valueSize of a ${mapTypeName(type)} map must be 4 (an fd), got ${valueSize}`);
  }
  if (isMapOfMaps(type)) {
    rule(spec.innerMap !== undefined, "a map of maps needs innerMap, the spec of the maps it holds");
    validateMapSpec(spec.innerMap!);
    rule(!isMapOfMaps(spec.innerMap!.type), "innerMap cannot itself be a map of maps");
  } else {
    rule(spec.innerMap === undefined, "innerMap is only for ArrayOfMaps and HashOfMaps");
  }
}

/**
 * Which map types behave how: keyless, per-CPU, holding fds. Derived from the kernel's map ops.
 *
 * @module
 */
import { MapType } from "./types.js";

const perCPU = new Set<number>([
  MapType.PerCPUHash,
  MapType.PerCPUArray,
  MapType.LRUCPUHash,
  MapType.PerCPUCGroupStorage,
]);

const keyless = new Set<number>([
  MapType.Queue,
  MapType.Stack,
  MapType.BloomFilter,
  MapType.RingBuf,
  MapType.UserRingbuf,
]);

const fdValued = new Set<number>([
  MapType.ProgramArray,
  MapType.PerfEventArray,
  MapType.CGroupArray,
  MapType.ArrayOfMaps,
  MapType.HashOfMaps,
  MapType.SockMap,
  MapType.SockHash,
  MapType.ReusePortSockArray,
  MapType.XSKMap,
]);

/**
 * Whether values of `type` hold one slot per possible CPU.
 *
 * @example
 * ```ts
 * isPerCPU(MapType.PerCPUArray); // true
 * ```
 */
export function isPerCPU(type: number): boolean {
  return perCPU.has(type);
}

/**
 * Whether `type` has no keys (queues, stacks, bloom filters, ring buffers).
 *
 * @example
 * ```ts
 * isKeyless(MapType.Queue); // true
 * ```
 */
export function isKeyless(type: number): boolean {
  return keyless.has(type);
}

/**
 * Whether values of `type` are written as file descriptors.
 *
 * @example
 * ```ts
 * isFdValued(MapType.ProgramArray); // true
 * ```
 */
export function isFdValued(type: number): boolean {
  return fdValued.has(type);
}

/**
 * Whether `type` holds maps (its values go in as map fds and come out as map ids).
 *
 * @example
 * ```ts
 * isMapOfMaps(MapType.HashOfMaps); // true
 * ```
 */
export function isMapOfMaps(type: number): boolean {
  return type === MapType.ArrayOfMaps || type === MapType.HashOfMaps;
}

/**
 * Whether `type` is a queue or a stack (`push` / `pop` / `peek`).
 *
 * @example
 * ```ts
 * isQueueOrStack(MapType.Stack); // true
 * ```
 */
export function isQueueOrStack(type: number): boolean {
  return type === MapType.Queue || type === MapType.Stack;
}

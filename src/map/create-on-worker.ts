/**
 * Creating a map on a worker thread, so that the kernel allocates a large map while a collection's
 * loader creates the next ones.
 *
 * @module
 */
import { possibleCPUs } from "../internal/possible-cpus.js";
import { MapCreateAttr } from "../syscall/attr.js";
import type { BpfQueue } from "../syscall/bpf-thread.js";
import { BpfCmd } from "../syscall/commands.js";
import { closeRaw } from "../syscall/fd.js";
import { adoptCreatedMap, createAttrValues, newMap } from "./create.js";
import { isMapOfMaps, isPerCPU } from "./kinds.js";
import type { BpfMap } from "./map.js";
import { PinType, type MapOptions, type MapSpec } from "./spec.js";
import { MapFlags, MapType } from "./types.js";
import { validateMapSpec } from "./validate.js";

// Handing a call to a worker costs the caller some 10-20 µs (queueing it, then collecting its
// result); creating a map whose memory the kernel allocates up front costs about that per 16 KiB
// here (a 1024-entry hash, ~64 KiB of elements, takes 130 µs; a 64-entry array 15 µs).
const MIN_WORKER_BYTES = 32 * 1024;

// The kernel's element header in a preallocated hash map (struct htab_elem), rounded up.
const HASH_ELEM_HEADER = 48;

const preallocatedHashes = new Set<number>([MapType.Hash, MapType.PerCPUHash, MapType.LRUHash, MapType.LRUCPUHash]);
const arrays = new Set<number>([MapType.Array, MapType.PerCPUArray]);

const roundUp8 = (n: number) => Math.ceil(n / 8) * 8;

// About how many bytes the kernel allocates and clears when it creates `spec`: only the map
// types whose creation allocates their elements are counted.
function creationBytes(spec: MapSpec): number {
  const value = roundUp8(spec.valueSize) * (isPerCPU(spec.type) ? possibleCPUs() : 1);
  if (preallocatedHashes.has(spec.type) && ((spec.flags ?? 0) & MapFlags.BPF_F_NO_PREALLOC) === 0) {
    return spec.maxEntries * (HASH_ELEM_HEADER + roundUp8(spec.keySize) + value);
  }
  if (arrays.has(spec.type)) return spec.maxEntries * value;
  if (spec.type === MapType.RingBuf) return spec.maxEntries;
  return 0;
}

/** A map creation queued for a worker thread. */
export interface PendingMap {
  /** The map, or what {@link newMap} throws for its spec: made here if no worker has started it. Call once. */
  finish(): BpfMap;
  /** Close what the creation made, when the map is not wanted after all. */
  close(): void;
}

/**
 * Queue BPF_MAP_CREATE of `spec` for the workers taking from `queue`, or return undefined
 * (nothing queued) when the map is cheap to create, or its creation needs more than one call
 * (pinning by name, a map of maps' inner map): the caller then creates it with {@link newMap}.
 * `finish` creates it on the caller's thread if no worker has taken it by then, and again for
 * its error if the kernel refused it there.
 *
 * @example
 * ```ts
 * const queue = startBpfQueue();
 * const spec = { type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 4096 };
 * const pending = queue && queueMapCreate(spec, {}, queue);
 * queue?.close();
 * const map = pending ? pending.finish() : newMap(spec);
 * ```
 */
export function queueMapCreate(spec: MapSpec, options: MapOptions, queue: BpfQueue): PendingMap | undefined {
  if ((spec.pinning ?? PinType.None) !== PinType.None || isMapOfMaps(spec.type)) return undefined;
  if (creationBytes(spec) < MIN_WORKER_BYTES) return undefined;
  validateMapSpec(spec);
  const attr = MapCreateAttr.build(createAttrValues(spec, options, 0));
  const index = queue.push(BpfCmd.MAP_CREATE, attr, undefined);
  if (index < 0) return undefined;
  let done = false;
  return {
    finish: () => {
      done = true;
      if (queue.claim(index)) return newMap(spec, options);
      const fd = queue.wait(index);
      return fd < 0 ? newMap(spec, options) : adoptCreatedMap(fd, spec);
    },
    close: () => {
      if (done) return;
      done = true;
      if (queue.claim(index)) return;
      const fd = queue.wait(index);
      if (fd >= 0) closeRaw(fd);
    },
  };
}

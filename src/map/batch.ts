/**
 * Batch operations (BPF_MAP_*_BATCH, 5.6+) and the cursor that carries a batch lookup across
 * calls. Each call fills one attribute and hands the caller's whole key and value buffers to the
 * kernel; when the kernel or the map type has no batch operations (ENOTSUPP / EOPNOTSUPP) they
 * fall back to one element call per entry with the same results.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { MapBatchAttr } from "../syscall/attr.js";
import { bpfRaw } from "../syscall/bpf.js";
import { BpfCmd } from "../syscall/commands.js";
import { Errno } from "../syscall/error.js";
import { LITTLE_ENDIAN } from "../syscall/layout.js";
import { addressOf } from "../syscall/libc.js";
import { mapElemError } from "./errors.js";
import type { BpfMap } from "./map.js";

/**
 * Flags of a batch call.
 *
 * @example
 * ```ts
 * map.batchUpdate(keys, values, { elemFlags: UpdateNoExist });
 * ```
 */
export interface BatchOptions {
  /**
   * Per-element flags: 0 or `UpdateLock` / `LookupLock` (BPF_F_LOCK). The kernel's batch
   * commands take no other element flag: a batch update always behaves as `UpdateAny`.
   */
  elemFlags?: number;
  /** Flags of the batch as a whole (none defined yet). */
  flags?: number;
}

/** Internal state of a cursor; not part of the API. */
interface CursorState {
  /** The map the cursor belongs to, bound on first use. */
  map: BpfMap | undefined;
  /** Kernel batch token (in_batch / out_batch): a key for arrays, a bucket for hashes. */
  token: Uint8Array | undefined;
  started: boolean;
  /** Fallback mode: the last key returned. */
  lastKey: Uint8Array | undefined;
  fallback: boolean;
}

const states = new WeakMap<MapBatchCursor, CursorState>();

/**
 * Where a batch lookup continues. Make a new one per walk of a map; `done` turns true when the
 * walk has reached the end.
 *
 * @example
 * ```ts
 * import { MapBatchCursor } from "ebpf";
 * const cursor = new MapBatchCursor();
 * const keys = new Uint8Array(4 * 4096), values = new Uint8Array(8 * 4096);
 * for (let n = map.batchLookup(cursor, keys, values); n > 0; n = map.batchLookup(cursor, keys, values)) {
 *   consume(keys.subarray(0, 4 * n), values.subarray(0, 8 * n));
 * }
 * ```
 */
export class MapBatchCursor {
  /** True once the walk has returned every entry. */
  done = false;

  constructor() {
    states.set(this, { map: undefined, token: undefined, started: false, lastKey: undefined, fallback: false });
  }
}

const BPF_F_LOCK = 4;
const ENOTSUPP = Errno.ENOTSUPP;
const EOPNOTSUPP = Errno.EOPNOTSUPP;
const attrSize = MapBatchAttr.size;
const O = MapBatchAttr.offsets;

/** One reusable attribute: batch calls run one at a time on the JS thread. */
const attrBytes = new Uint8Array(new ArrayBuffer(attrSize));
const attrView = new DataView(attrBytes.buffer);
const attrAddress = addressOf(attrBytes.buffer);

function setPtr(off: number, address: number): void {
  attrView.setBigUint64(off, BigInt(address), LITTLE_ENDIAN);
}

function countOf(map: BpfMap, keys: Uint8Array, values: Uint8Array | undefined): number {
  if (!(keys instanceof Uint8Array)) throw new ArgumentError(`${map}: batch keys must be a Uint8Array`);
  if (map.keySize === 0) throw new ArgumentError(`${map}: batch operations need a map with keys`);
  const n = keys.length / map.keySize;
  if (n === 0 || !Number.isInteger(n)) {
    throw new ArgumentError(`${map}: batch keys must be a non-zero multiple of ${map.keySize} bytes, got ${keys.length}`);
  }
  if (values !== undefined) {
    if (!(values instanceof Uint8Array)) throw new ArgumentError(`${map}: batch values must be a Uint8Array`);
    if (values.length !== n * map.valueBufferSize) {
      throw new ArgumentError(
        `${map}: batch values for ${n} keys must be ${n} * ${map.valueBufferSize} = ${n * map.valueBufferSize} bytes, got ${values.length}`,
      );
    }
  }
  return n;
}

function flagsOf(map: BpfMap, opts: BatchOptions | undefined): [number, number] {
  const elem = opts?.elemFlags ?? 0;
  const flags = opts?.flags ?? 0;
  if (elem !== elem >>> 0 || flags !== flags >>> 0) throw new ArgumentError(`${map}: batch flags must be u32 integers`);
  if ((elem & ~BPF_F_LOCK) !== 0) {
    throw new ArgumentError(`${map}: batch elemFlags may only be UpdateLock / LookupLock (BPF_F_LOCK), got ${elem}`);
  }
  return [elem, flags];
}

/** Fill the attribute and call; returns [errno or 0, count the kernel reports]. */
function call(
  cmd: number,
  map: BpfMap,
  inBatch: number,
  outBatch: number,
  keys: Uint8Array,
  values: Uint8Array | undefined,
  count: number,
  opts: BatchOptions | undefined,
): [number, number] {
  const [elem, flags] = flagsOf(map, opts);
  attrBytes.fill(0);
  setPtr(O.inBatch, inBatch);
  setPtr(O.outBatch, outBatch);
  setPtr(O.keys, addressOf(keys));
  if (values !== undefined) setPtr(O.values, addressOf(values));
  attrView.setUint32(O.count, count, LITTLE_ENDIAN);
  attrView.setUint32(O.mapFd, map.fd, LITTLE_ENDIAN);
  attrView.setUint32(O.elemFlags, elem, LITTLE_ENDIAN);
  attrView.setUint32(O.flags, flags, LITTLE_ENDIAN);
  let r = bpfRaw(cmd, attrAddress, attrSize);
  while (r === -Errno.EINTR) r = bpfRaw(cmd, attrAddress, attrSize);
  return [r < 0 ? -r : 0, attrView.getUint32(O.count, LITTLE_ENDIAN)];
}

/** The kernel writes the processed count back only when it got that far. */
function progress(map: BpfMap, n: number, count: number): string {
  return n < count ? `${map} (after ${n} of ${count} entries)` : map.toString();
}

function unsupported(errno: number): boolean {
  return errno === ENOTSUPP || errno === EOPNOTSUPP;
}

/**
 * Whether a batch update or delete failed before touching any element: the map type has no batch
 * op. The kernel then returns before writing the count back (5.10 LPM tries), so it still reads
 * `count`; an element op that failed part-way writes back fewer.
 */
function untouched(errno: number, n: number, count: number): boolean {
  return unsupported(errno) && (n === 0 || n === count);
}

/**
 * BPF_MAP_LOOKUP_BATCH / BPF_MAP_LOOKUP_AND_DELETE_BATCH into `keysOut` / `valuesOut`.
 *
 * @example
 * ```ts
 * const n = batchLookup(map, false, cursor, keys, values, undefined);
 * ```
 */
export function batchLookup(
  map: BpfMap,
  andDelete: boolean,
  cursor: MapBatchCursor,
  keysOut: Uint8Array,
  valuesOut: Uint8Array,
  opts: BatchOptions | undefined,
): number {
  const state = states.get(cursor);
  if (state === undefined) throw new ArgumentError("batch cursor must be a MapBatchCursor");
  if (state.map === undefined) state.map = map;
  else if (state.map !== map) throw new ArgumentError(`${map}: batch cursor belongs to ${state.map}`);
  const count = countOf(map, keysOut, valuesOut);
  if (cursor.done) return 0;
  if (state.fallback) return fallbackLookup(map, andDelete, cursor, state, keysOut, valuesOut, count, opts);
  // Hash maps keep a u32 bucket index in the token, arrays a key: room for either.
  state.token ??= new Uint8Array(new ArrayBuffer(Math.max(map.keySize, 8)));
  const token = addressOf(state.token);
  const cmd = andDelete ? BpfCmd.MAP_LOOKUP_AND_DELETE_BATCH : BpfCmd.MAP_LOOKUP_BATCH;
  const [errno, n] = call(cmd, map, state.started ? token : 0, token, keysOut, valuesOut, count, opts);
  if (errno === 0) {
    state.started = true;
    return n;
  }
  if (errno === Errno.ENOENT) {
    cursor.done = true;
    return n;
  }
  if (unsupported(errno) && !state.started) {
    state.fallback = true;
    return fallbackLookup(map, andDelete, cursor, state, keysOut, valuesOut, count, opts);
  }
  if (errno === Errno.ENOSPC) {
    throw mapElemError(cmd, errno, `${map} (a hash bucket holds more entries than the ${count} the buffers have room for)`);
  }
  throw mapElemError(cmd, errno, map.toString());
}

function fallbackLookup(
  map: BpfMap,
  andDelete: boolean,
  cursor: MapBatchCursor,
  state: CursorState,
  keysOut: Uint8Array,
  valuesOut: Uint8Array,
  count: number,
  opts: BatchOptions | undefined,
): number {
  const [elem] = flagsOf(map, opts);
  const ks = map.keySize;
  const vs = map.valueBufferSize;
  let n = 0;
  let prev = state.lastKey;
  while (n < count) {
    // Deleting as it goes, lookup-and-delete always starts from the first remaining key.
    const key = map.nextKey(andDelete ? undefined : prev);
    if (key === undefined) {
      cursor.done = true;
      break;
    }
    prev = key;
    if (map.lookup(key, valuesOut.subarray(n * vs, (n + 1) * vs), elem) === undefined) continue;
    if (andDelete) map.delete(key);
    keysOut.set(key, n * ks);
    n++;
  }
  state.lastKey = prev;
  return n;
}

/**
 * BPF_MAP_UPDATE_BATCH of packed `keys` / `values`.
 *
 * @example
 * ```ts
 * batchUpdate(map, keys, values, { elemFlags: UpdateAny });
 * ```
 */
export function batchUpdate(map: BpfMap, keys: Uint8Array, values: Uint8Array, opts: BatchOptions | undefined): number {
  const count = countOf(map, keys, values);
  const [errno, n] = call(BpfCmd.MAP_UPDATE_BATCH, map, 0, 0, keys, values, count, opts);
  if (errno === 0) return n;
  if (untouched(errno, n, count)) {
    const [elem] = flagsOf(map, opts);
    const ks = map.keySize;
    const vs = map.valueBufferSize;
    for (let i = 0; i < count; i++) {
      map.update(keys.subarray(i * ks, (i + 1) * ks), values.subarray(i * vs, (i + 1) * vs), elem);
    }
    return count;
  }
  throw mapElemError(BpfCmd.MAP_UPDATE_BATCH, errno, progress(map, n, count));
}

/**
 * BPF_MAP_DELETE_BATCH of packed `keys`.
 *
 * @example
 * ```ts
 * batchDelete(map, keys, undefined);
 * ```
 */
export function batchDelete(map: BpfMap, keys: Uint8Array, opts: BatchOptions | undefined): number {
  const count = countOf(map, keys, undefined);
  const [errno, n] = call(BpfCmd.MAP_DELETE_BATCH, map, 0, 0, keys, undefined, count, opts);
  if (errno === 0) return n;
  if (untouched(errno, n, count)) {
    const ks = map.keySize;
    for (let i = 0; i < count; i++) map.delete(keys.subarray(i * ks, (i + 1) * ks));
    return count;
  }
  throw mapElemError(BpfCmd.MAP_DELETE_BATCH, errno, progress(map, n, count));
}

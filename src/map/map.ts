/**
 * `BpfMap`: a map in the kernel and its element operations. Each map owns one preallocated
 * ArrayBuffer holding its element attributes and key / value / next-key scratch, whose address is
 * taken once; an operation writes the key (and value) into the scratch, calls `bpf()` and copies
 * the result out, allocating nothing.
 *
 * @module
 */
import { unlinkSync } from "node:fs";
import { ArgumentError, ClosedError } from "../errors.js";
import { possibleCPUs } from "../internal/possible-cpus.js";
import { MapElemAttr } from "../syscall/attr.js";
import { bpfRaw } from "../syscall/bpf.js";
import { BpfCmd } from "../syscall/commands.js";
import { Errno, SyscallError } from "../syscall/error.js";
import { closeRaw, FD } from "../syscall/fd.js";
import { LITTLE_ENDIAN } from "../syscall/layout.js";
import { addressOf } from "../syscall/libc.js";
import { mapFreeze } from "../syscall/map.js";
import { objGetFdById, objPin } from "../syscall/obj.js";
import { batchDelete, batchLookup, batchUpdate, type BatchOptions, type MapBatchCursor } from "./batch.js";
import { btfTypes, type MapBTFTypes } from "./btf-types.js";
import { writeOperand, type MapKey, type MapValue } from "./codec.js";
import { mapElemError } from "./errors.js";
import { readMapInfo, type MapInfo } from "./info.js";
import { iterateEntries, iterateKeys } from "./iterate.js";
import { isFdValued, isKeyless, isPerCPU, isQueueOrStack } from "./kinds.js";
import { mapTypeName, MapType } from "./types.js";
import { typedMap, type TypedMap, type TypedMapOptions } from "./typed.js";

const ELEM = MapElemAttr.size; // 32
const OFF_FD = MapElemAttr.offsets.mapFd;
const OFF_KEY = MapElemAttr.offsets.key;
const OFF_VALUE = MapElemAttr.offsets.value;
const OFF_FLAGS = MapElemAttr.offsets.flags;

// Six attributes side by side: key -> value, key -> next key, NULL -> next key (first key),
// NULL -> value (queues, stacks, bloom filters), and key alone (delete: the kernel rejects
// non-zero fields past the key).
const A_ELEM = 0;
const A_NEXT = ELEM;
const A_FIRST = 2 * ELEM;
const A_NOKEY = 3 * ELEM;
const A_DELETE = 4 * ELEM;
// key -> the caller's valueOut: the kernel writes straight into it, no copy.
const A_OUT = 5 * ELEM;
const KEY = 6 * ELEM;

const LOOKUP = BpfCmd.MAP_LOOKUP_ELEM;
const UPDATE = BpfCmd.MAP_UPDATE_ELEM;
const DELETE = BpfCmd.MAP_DELETE_ELEM;
const NEXT_KEY = BpfCmd.MAP_GET_NEXT_KEY;
const LOOKUP_AND_DELETE = BpfCmd.MAP_LOOKUP_AND_DELETE_ELEM;
const ENOENT = Errno.ENOENT;
const U64_END = 1n << 64n;
const EINTR = Errno.EINTR;

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * The properties a {@link BpfMap} is made with; `newMap` and `newMapFromFD` fill them in.
 *
 * @example
 * ```ts
 * const props: MapProperties = { type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 64, flags: 0, name: "counts" };
 * ```
 */
export interface MapProperties {
  type: MapType;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  name: string;
}

/**
 * A BPF map. Made by {@link newMap}, {@link loadPinnedMap} or {@link newMapFromFD}; closed by
 * `close()`, `using`, or — as a last resort — garbage collection.
 *
 * Named `BpfMap` so it does not shadow the global `Map`; the package also exports the type alias
 * `Map` for code written after cilium/ebpf.
 *
 * @example
 * ```ts
 * import { newMap, MapType } from "ebpf";
 * using counts = newMap({ name: "counts", type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 1024 });
 * counts.update(1, 100n);
 * const out = new Uint8Array(8);
 * counts.lookup(1, out); // out now holds 100 as a u64
 * ```
 */
export class BpfMap {
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly name: string;
  /**
   * Bytes of one value as user space reads and writes it: `valueSize`, or for per-CPU maps
   * `roundup(valueSize, 8) * possibleCPUs()`.
   */
  readonly valueBufferSize: number;

  readonly #owner: FD;
  #fd: number;
  readonly #label: string;
  readonly #perCPU: boolean;
  readonly #slot: number;
  readonly #fdValued: boolean;
  readonly #keyless: boolean;
  readonly #valueOff: number;
  readonly #nextOff: number;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #address: number;
  readonly #value: Uint8Array;
  readonly #nextKey: Uint8Array;
  #pinnedPath: string | undefined;
  /** The flags last written into the A_ELEM attribute. */
  #elemFlags = 0;
  /** The caller's buffer A_OUT points at, and the flags last written there. */
  #out: Uint8Array | undefined;
  #outFlags = 0;
  readonly #u32Key: boolean;
  readonly #u64Value: boolean;
  readonly #plainValue: boolean;
  /** Its spec's BTF key and value types, when `newCollection` made it (see `typesOfMap`). */
  declare [btfTypes]: MapBTFTypes | undefined;

  /**
   * Take ownership of map fd `fd` with the given properties (which must be the kernel's). Most
   * code calls {@link newMap} or {@link newMapFromFD} instead.
   *
   * @example
   * ```ts
   * const m = new BpfMap(fd, { type: MapType.Array, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, name: "" });
   * ```
   */
  constructor(fd: number, props: MapProperties) {
    // Non-enumerable: maps compare and print by their own properties only.
    Object.defineProperty(this, btfTypes, { value: undefined, writable: true });
    this.type = props.type;
    this.keySize = props.keySize;
    this.valueSize = props.valueSize;
    this.maxEntries = props.maxEntries;
    this.flags = props.flags;
    this.name = props.name;
    this.#label = props.name ? `map ${props.name}` : `map (fd ${fd})`;
    this.#fd = fd;
    this.#perCPU = isPerCPU(props.type);
    this.#slot = align8(props.valueSize);
    this.#fdValued = isFdValued(props.type);
    this.#keyless = isKeyless(props.type);
    this.valueBufferSize = this.#perCPU ? this.#slot * possibleCPUs() : props.valueSize;
    this.#u32Key = props.keySize === 4 && !this.#keyless;
    this.#plainValue = !this.#perCPU;
    this.#u64Value = props.valueSize === 8 && this.#plainValue;

    this.#valueOff = KEY + align8(props.keySize);
    this.#nextOff = this.#valueOff + align8(this.valueBufferSize);
    const buffer = new ArrayBuffer(this.#nextOff + align8(props.keySize));
    this.#bytes = new Uint8Array(buffer);
    this.#view = new DataView(buffer);
    this.#address = addressOf(buffer);
    this.#value = new Uint8Array(buffer, this.#valueOff, this.valueBufferSize);
    this.#nextKey = new Uint8Array(buffer, this.#nextOff, props.keySize);
    const base = this.#address;
    this.#writeAttr(A_ELEM, base + KEY, base + this.#valueOff);
    this.#writeAttr(A_NEXT, base + KEY, base + this.#nextOff);
    this.#writeAttr(A_FIRST, 0, base + this.#nextOff);
    this.#writeAttr(A_NOKEY, 0, base + this.#valueOff);
    this.#writeAttr(A_DELETE, base + KEY, 0);
    // Owned last: if anything above throws, the caller still owns (and closes) the fd.
    this.#owner = new FD(fd, this.#label);
  }

  #writeAttr(at: number, key: number, value: number): void {
    const view = this.#view;
    view.setUint32(at + OFF_FD, this.#fd, LITTLE_ENDIAN);
    view.setBigUint64(at + OFF_KEY, BigInt(key), LITTLE_ENDIAN);
    view.setBigUint64(at + OFF_VALUE, BigInt(value), LITTLE_ENDIAN);
  }

  /**
   * The map's file descriptor; throws `ClosedError` after `close()`.
   *
   * @example
   * ```ts
   * outer.update(0, inner.fd);
   * ```
   */
  get fd(): number {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    return this.#fd;
  }

  /**
   * Whether `close()` has been called.
   *
   * @example
   * ```ts
   * map.close();
   * map.closed; // true
   * ```
   */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /**
   * The path this map was pinned at by `pin()` or loaded from, if any.
   *
   * @example
   * ```ts
   * map.pin("/sys/fs/bpf/counts");
   * map.pinnedPath; // "/sys/fs/bpf/counts"
   * ```
   */
  get pinnedPath(): string | undefined {
    return this.#pinnedPath;
  }

  /**
   * Look `key` up. Returns the value — written into `valueOut` (which must be exactly
   * `valueBufferSize` bytes) when given, so hot loops allocate nothing, otherwise a new
   * `Uint8Array` — or `undefined` when the key is missing. The kernel writes straight into
   * `valueOut`; the map keeps a reference to the last one it was given so that reusing it costs
   * nothing. Per-CPU maps return all CPUs' slots
   * packed (see {@link BpfMap.lookupPerCPU}); maps of maps and program arrays return the 4-byte
   * id of the inner map / program (see {@link BpfMap.lookupId}). `flags` may be
   * {@link LookupLock} (5.1) for values holding a `bpf_spin_lock`.
   *
   * @example
   * ```ts
   * const out = new Uint8Array(8);
   * if (map.lookup(1, out)) console.log(new DataView(out.buffer).getBigUint64(0, true));
   * ```
   */
  lookup(key: MapKey, valueOut?: Uint8Array, flags = 0): Uint8Array | undefined {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    // Checked on every call, not only when binding: a bound buffer may since have been detached.
    if (valueOut !== undefined && valueOut.length !== this.valueBufferSize) throw this.#badOut(valueOut);
    // Fast path of the common u32 key; everything else goes through the checked writer.
    if (this.#u32Key && typeof key === "number" && key === key >>> 0) this.#view.setUint32(KEY, key, LITTLE_ENDIAN);
    else this.#putKey(key);
    let address = this.#address;
    if (valueOut === undefined) {
      if (flags !== this.#elemFlags) this.#setElemFlags(flags);
    } else {
      if (valueOut !== this.#out) this.#bindOut(valueOut);
      if (flags !== this.#outFlags) this.#setOutFlags(flags);
      address += A_OUT;
    }
    let r = bpfRaw(LOOKUP, address, ELEM);
    while (r === -EINTR) r = bpfRaw(LOOKUP, address, ELEM);
    if (r < 0) {
      if (r === -ENOENT) return undefined;
      throw mapElemError(LOOKUP, -r, this.#label);
    }
    return valueOut ?? this.#value.slice();
  }

  /**
   * Look `key` up in a per-CPU map: one `Uint8Array` of `valueSize` bytes per possible CPU, or
   * `undefined` for a missing key.
   *
   * @example
   * ```ts
   * const perCPU = counters.lookupPerCPU(0);
   * const total = perCPU?.reduce((s, v) => s + new DataView(v.buffer).getBigUint64(0, true), 0n);
   * ```
   */
  lookupPerCPU(key: MapKey): Uint8Array[] | undefined {
    if (!this.#perCPU) throw new ArgumentError(`${this.#label}: lookupPerCPU on ${mapTypeName(this.type)}, not a per-CPU map`);
    const packed = this.lookup(key);
    return packed === undefined ? undefined : this.splitPerCPU(packed);
  }

  /**
   * Split a packed per-CPU value (as `lookup` and batch lookups return it) into one `valueSize`
   * copy per possible CPU.
   *
   * @example
   * ```ts
   * const slots = counters.splitPerCPU(counters.lookup(0)!);
   * ```
   */
  splitPerCPU(packed: Uint8Array): Uint8Array[] {
    if (packed.length !== this.valueBufferSize) throw this.#badOut(packed);
    const out: Uint8Array[] = [];
    for (let off = 0; off < packed.length; off += this.#slot) out.push(packed.slice(off, off + this.valueSize));
    return out;
  }

  /**
   * Look up a map of maps or a program array: the id of the inner map / program at `key`, or
   * `undefined`. Open it with `objGetFdById` or a future `newMapFromID`.
   *
   * @example
   * ```ts
   * const innerId = outer.lookupId(0);
   * ```
   */
  lookupId(key: MapKey): number | undefined {
    if (!this.#fdValued || this.valueSize !== 4) {
      throw new ArgumentError(`${this.#label}: lookupId on ${mapTypeName(this.type)}, whose values are not fds`);
    }
    if (this.lookup(key) === undefined) return undefined;
    return this.#view.getUint32(this.#valueOff, LITTLE_ENDIAN);
  }

  /**
   * Create or replace the value at `key`. `flags` is {@link UpdateAny} (default),
   * {@link UpdateNoExist} (throws `KeyExistError` when present), {@link UpdateExist} (throws
   * `KeyNotExistError` when missing), optionally `| UpdateLock` (5.1). Per-CPU maps take an array
   * with one value per possible CPU, or the packed bytes. Maps of fds take a `BpfMap`, a program
   * or the fd number.
   *
   * @example
   * ```ts
   * map.update(1, 100n);
   * map.update(2, new Uint8Array(8), UpdateNoExist);
   * perCPU.update(0, Array.from({ length: possibleCPUs() }, () => 0n));
   * ```
   */
  update(key: MapKey, value: MapValue | readonly MapValue[], flags = 0): void {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    if (this.#u32Key && typeof key === "number" && key === key >>> 0) this.#view.setUint32(KEY, key, LITTLE_ENDIAN);
    else this.#putKey(key);
    if (this.#u64Value && typeof value === "bigint" && value >= 0n && value < U64_END) {
      this.#view.setBigUint64(this.#valueOff, value, LITTLE_ENDIAN);
    } else if (this.#u64Value && typeof value === "number" && value >= 0 && value <= 0xffffffff && value === Math.floor(value)) {
      // Small counters are the common case: two 32-bit stores, no BigInt.
      this.#view.setUint32(this.#valueOff + (LITTLE_ENDIAN ? 0 : 4), value, LITTLE_ENDIAN);
      this.#view.setUint32(this.#valueOff + (LITTLE_ENDIAN ? 4 : 0), 0, LITTLE_ENDIAN);
    } else if (this.#plainValue && value instanceof Uint8Array && value.length === this.valueSize) {
      this.#bytes.set(value, this.#valueOff);
    } else {
      this.#putValue(value);
    }
    if (flags !== this.#elemFlags) this.#setElemFlags(flags);
    let r = bpfRaw(UPDATE, this.#address, ELEM);
    while (r === -EINTR) r = bpfRaw(UPDATE, this.#address, ELEM);
    if (r < 0) throw mapElemError(UPDATE, -r, this.#label);
  }

  /**
   * Delete `key`; throws `KeyNotExistError` when it is missing.
   *
   * @example
   * ```ts
   * map.delete(1);
   * ```
   */
  delete(key: MapKey): void {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    this.#putKey(key);
    const address = this.#address + A_DELETE;
    let r = bpfRaw(DELETE, address, ELEM);
    while (r === -EINTR) r = bpfRaw(DELETE, address, ELEM);
    if (r < 0) throw mapElemError(DELETE, -r, this.#label);
  }

  /**
   * The key after `key` (the first key when `key` is undefined), written into `keyOut` when given,
   * or `undefined` at the end. For hash maps a missing `key` yields the first key again.
   *
   * @example
   * ```ts
   * for (let k = map.nextKey(undefined); k; k = map.nextKey(k)) console.log(k);
   * ```
   */
  nextKey(key: MapKey | undefined, keyOut?: Uint8Array): Uint8Array | undefined {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    if (keyOut !== undefined && keyOut.length !== this.keySize) {
      throw new ArgumentError(`${this.#label}: keyOut must be ${this.keySize} bytes, got ${keyOut.length}`);
    }
    let attr = A_FIRST;
    if (key !== undefined) {
      this.#putKey(key);
      attr = A_NEXT;
    } else if (this.#keyless) {
      throw this.#noKeys("nextKey");
    }
    const address = this.#address + attr;
    let r = bpfRaw(NEXT_KEY, address, ELEM);
    while (r === -EINTR) r = bpfRaw(NEXT_KEY, address, ELEM);
    if (r < 0) {
      if (r === -ENOENT) return undefined;
      throw mapElemError(NEXT_KEY, -r, this.#label);
    }
    if (keyOut === undefined) return this.#nextKey.slice();
    keyOut.set(this.#nextKey);
    return keyOut;
  }

  /**
   * Look `key` up and delete it in one step (hash maps 5.14+); `undefined` when it is missing.
   *
   * @example
   * ```ts
   * const last = map.lookupAndDelete(1);
   * ```
   */
  lookupAndDelete(key: MapKey, valueOut?: Uint8Array, flags = 0): Uint8Array | undefined {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    if (valueOut !== undefined && valueOut.length !== this.valueBufferSize) throw this.#badOut(valueOut);
    this.#putKey(key);
    if (flags !== this.#elemFlags) this.#setElemFlags(flags);
    return this.#valueCall(LOOKUP_AND_DELETE, A_ELEM, valueOut);
  }

  /**
   * Queue / stack (4.20) and bloom filter (5.16): add `value`. With `UpdateExist` a full queue or
   * stack drops its oldest element to make room.
   *
   * @example
   * ```ts
   * queue.push(42);
   * ```
   */
  push(value: MapValue, flags = 0): void {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    if (!isQueueOrStack(this.type) && this.type !== MapType.BloomFilter) throw this.#wrongType("push");
    writeOperand(this.#bytes, this.#view, this.#valueOff, this.valueSize, value, "value", false);
    this.#putFlags(A_NOKEY, flags);
    let r = bpfRaw(UPDATE, this.#address + A_NOKEY, ELEM);
    while (r === -EINTR) r = bpfRaw(UPDATE, this.#address + A_NOKEY, ELEM);
    if (r < 0) throw mapElemError(UPDATE, -r, this.#label);
  }

  /**
   * Queue / stack (4.20): remove and return the next element, `undefined` when empty.
   *
   * @example
   * ```ts
   * const v = queue.pop();
   * ```
   */
  pop(valueOut?: Uint8Array): Uint8Array | undefined {
    return this.#queueOp(LOOKUP_AND_DELETE, "pop", valueOut);
  }

  /**
   * Queue / stack (4.20): the next element without removing it, `undefined` when empty.
   *
   * @example
   * ```ts
   * const head = queue.peek();
   * ```
   */
  peek(valueOut?: Uint8Array): Uint8Array | undefined {
    return this.#queueOp(LOOKUP, "peek", valueOut);
  }

  /**
   * Bloom filter (5.16): whether `value` may be in the set (false means certainly not).
   *
   * @example
   * ```ts
   * bloom.push(7);
   * bloom.contains(7); // true
   * ```
   */
  contains(value: MapValue): boolean {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    if (this.type !== MapType.BloomFilter) throw this.#wrongType("contains");
    writeOperand(this.#bytes, this.#view, this.#valueOff, this.valueSize, value, "value", false);
    this.#putFlags(A_NOKEY, 0);
    let r = bpfRaw(LOOKUP, this.#address + A_NOKEY, ELEM);
    while (r === -EINTR) r = bpfRaw(LOOKUP, this.#address + A_NOKEY, ELEM);
    if (r === -ENOENT) return false;
    if (r < 0) throw mapElemError(LOOKUP, -r, this.#label);
    return true;
  }

  /**
   * Keys in kernel order. Survives deletion of the key just yielded (the next key is fetched
   * before yielding). Throws `IterationAbortedError` if keys change so fast that more than
   * `maxEntries` keys come out.
   *
   * @example
   * ```ts
   * for (const key of map.keys()) if (stale(key)) map.delete(key);
   * ```
   */
  keys(): IterableIterator<Uint8Array> {
    return iterateKeys(this);
  }

  /**
   * `[key, value]` pairs, as {@link BpfMap.keys} (keys deleted meanwhile are skipped). Per-CPU
   * values come packed.
   *
   * @example
   * ```ts
   * for (const [key, value] of map.entries()) console.log(key, value);
   * ```
   */
  entries(): IterableIterator<[Uint8Array, Uint8Array]> {
    return iterateEntries(this);
  }

  /**
   * Same as {@link BpfMap.entries}.
   *
   * @example
   * ```ts
   * for (const [key, value] of map) console.log(key, value);
   * ```
   */
  [Symbol.iterator](): IterableIterator<[Uint8Array, Uint8Array]> {
    return iterateEntries(this);
  }

  /**
   * This map with plain JavaScript keys and values, encoded and decoded by codecs of its BTF
   * key / value types (see `Codec` in `ebpf/btf`). Maps made by `newCollection` carry their
   * object's BTF; for others, or to override it, pass codecs or types. For per-CPU maps `V` is
   * an array with one value per possible CPU.
   *
   * @throws {MissingTypeError} naming the map when it has no key or value type.
   * @example
   * ```ts
   * const events = coll.maps.counts.typed<{ pid: number; comm: string }, bigint>();
   * events.update({ pid: 1, comm: "init" }, 1n);
   * ```
   */
  typed<K = unknown, V = unknown>(options?: TypedMapOptions<K, V>): TypedMap<K, V> {
    return typedMap<K, V>(this, options);
  }

  /**
   * Batch lookup (5.6+): fill `keysOut` / `valuesOut` (sized for the same number of entries) from
   * where `cursor` left off; returns how many were written, 0 once `cursor.done`. Falls back to
   * per-element calls on kernels or map types without batch operations.
   *
   * @example
   * ```ts
   * const cursor = new MapBatchCursor();
   * const keys = new Uint8Array(4 * 256), values = new Uint8Array(8 * 256);
   * while (!cursor.done) { const n = map.batchLookup(cursor, keys, values); use(n); }
   * ```
   */
  batchLookup(cursor: MapBatchCursor, keysOut: Uint8Array, valuesOut: Uint8Array, opts?: BatchOptions): number {
    return batchLookup(this, false, cursor, keysOut, valuesOut, opts);
  }

  /**
   * Batch lookup-and-delete (5.6+), as {@link BpfMap.batchLookup}, removing what it returns.
   *
   * @example
   * ```ts
   * const n = map.batchLookupAndDelete(new MapBatchCursor(), keys, values);
   * ```
   */
  batchLookupAndDelete(cursor: MapBatchCursor, keysOut: Uint8Array, valuesOut: Uint8Array, opts?: BatchOptions): number {
    return batchLookup(this, true, cursor, keysOut, valuesOut, opts);
  }

  /**
   * Batch update (5.6+): `keys` and `values` packed back to back; returns how many were written.
   *
   * @example
   * ```ts
   * map.batchUpdate(keys, values, { elemFlags: UpdateNoExist });
   * ```
   */
  batchUpdate(keys: Uint8Array, values: Uint8Array, opts?: BatchOptions): number {
    return batchUpdate(this, keys, values, opts);
  }

  /**
   * Batch delete (5.6+): `keys` packed back to back; returns how many were deleted. Throws
   * `KeyNotExistError` at the first missing key.
   *
   * @example
   * ```ts
   * map.batchDelete(keys);
   * ```
   */
  batchDelete(keys: Uint8Array, opts?: BatchOptions): number {
    return batchDelete(this, keys, opts);
  }

  /**
   * Make the map read-only for user space (5.2+); programs may still write unless the map has
   * `BPF_F_RDONLY_PROG`.
   *
   * @example
   * ```ts
   * config.update(0, settings);
   * config.freeze();
   * ```
   */
  freeze(): void {
    mapFreeze(this.fd);
  }

  /**
   * Pin the map at `path` in a bpffs so it outlives this process.
   *
   * @example
   * ```ts
   * map.pin("/sys/fs/bpf/counts");
   * ```
   */
  pin(path: string): void {
    objPin(this.fd, path);
    this.#pinnedPath = path;
  }

  /**
   * Remove the pin made by `pin()` or found by `loadPinnedMap()`; a no-op when not pinned.
   *
   * @example
   * ```ts
   * map.unpin();
   * ```
   */
  unpin(): void {
    const path = this.#pinnedPath;
    if (path === undefined) return;
    try {
      unlinkSync(path);
    } catch (err) {
      // Already gone (someone else unpinned it) is the state unpin wants.
      const { code, errno } = err as NodeJS.ErrnoException;
      if (code !== "ENOENT") throw new SyscallError("unlink", Math.abs(errno ?? 0), path);
    }
    this.#pinnedPath = undefined;
  }

  /**
   * Record where the map is pinned without pinning it; for loaders that found the map at a pin.
   *
   * @example
   * ```ts
   * map.setPinnedPath("/sys/fs/bpf/counts"); // unpin() will now remove that path
   * ```
   */
  setPinnedPath(path: string | undefined): void {
    this.#pinnedPath = path;
  }

  /**
   * The map's properties read back from the kernel (4.13+).
   *
   * @example
   * ```ts
   * console.log(map.info().id);
   * ```
   */
  info(): MapInfo {
    return readMapInfo(this.fd);
  }

  /**
   * A second `BpfMap` on the same kernel map, with its own fd (opened by id, so it needs the
   * same privileges as `bpftool`).
   *
   * @example
   * ```ts
   * using copy = map.clone();
   * ```
   */
  clone(): BpfMap {
    const fd = objGetFdById(BpfCmd.MAP_GET_FD_BY_ID, this.info().id);
    let copy: BpfMap;
    try {
      copy = new BpfMap(fd, this);
    } catch (err) {
      closeRaw(fd);
      throw err;
    }
    copy.#pinnedPath = this.#pinnedPath;
    return copy;
  }

  /**
   * Close the fd. Other fds and pins keep the kernel map alive. Closing twice is a no-op.
   *
   * @example
   * ```ts
   * map.close();
   * ```
   */
  close(): void {
    if (this.#fd < 0) return;
    this.#fd = -1;
    this.#out = undefined;
    this.#owner.close();
  }

  /**
   * `close()`, for `using`.
   *
   * @example
   * ```ts
   * { using m = newMap(spec); m.update(1, 2n); } // closed here
   * ```
   */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The label of the map in error messages: `"map <name>"`, or `"map (fd <n>)"` when unnamed.
   *
   * @example
   * ```ts
   * String(newMap({ name: "counts", ...rest })); // "map counts"
   * ```
   */
  toString(): string {
    return this.#label;
  }

  #putKey(key: MapKey): void {
    if (this.#keyless) throw this.#noKeys("a key");
    writeOperand(this.#bytes, this.#view, KEY, this.keySize, key, "key", false);
  }

  #putValue(value: MapValue | readonly MapValue[]): void {
    if (this.#perCPU) {
      if (Array.isArray(value)) {
        const n = this.valueBufferSize / this.#slot;
        if (value.length !== n) {
          throw new ArgumentError(`${this.#label}: per-CPU value needs ${n} entries (one per possible CPU), got ${value.length}`);
        }
        for (let cpu = 0; cpu < n; cpu++) {
          writeOperand(this.#bytes, this.#view, this.#valueOff + cpu * this.#slot, this.valueSize, value[cpu], `value for CPU ${cpu}`, false);
        }
        return;
      }
      if (!(value instanceof Uint8Array)) {
        throw new ArgumentError(
          `${this.#label}: per-CPU value must be an array of ${this.valueBufferSize / this.#slot} values or ${this.valueBufferSize} packed bytes`,
        );
      }
      writeOperand(this.#bytes, this.#view, this.#valueOff, this.valueBufferSize, value, "packed per-CPU value", false);
      return;
    }
    writeOperand(this.#bytes, this.#view, this.#valueOff, this.valueSize, value, "value", this.#fdValued);
  }

  /**
   * Point A_OUT at `out`. Reading `.buffer` moves a small on-heap typed array's bytes to a fixed
   * backing store, so the address stays valid for as long as `out` is held here.
   */
  #bindOut(out: Uint8Array): void {
    if (!(out instanceof Uint8Array)) throw new ArgumentError(`${this.#label}: valueOut must be a Uint8Array`);
    void out.buffer;
    this.#writeAttr(A_OUT, this.#address + KEY, addressOf(out));
    this.#out = out;
  }

  #setOutFlags(flags: number): void {
    this.#putFlags(A_OUT, flags);
    this.#outFlags = flags;
  }

  #setElemFlags(flags: number): void {
    this.#putFlags(A_ELEM, flags);
    this.#elemFlags = flags;
  }

  #putFlags(attr: number, flags: number): void {
    if (flags !== flags >>> 0) throw new ArgumentError(`${this.#label}: flags must be a u32, got ${flags}`);
    this.#view.setUint32(attr + OFF_FLAGS, flags, LITTLE_ENDIAN);
  }

  #queueOp(cmd: number, op: string, valueOut: Uint8Array | undefined): Uint8Array | undefined {
    if (this.#fd < 0) throw new ClosedError(this.#label);
    if (!isQueueOrStack(this.type)) throw this.#wrongType(op);
    if (valueOut !== undefined && valueOut.length !== this.valueBufferSize) throw this.#badOut(valueOut);
    this.#putFlags(A_NOKEY, 0);
    return this.#valueCall(cmd, A_NOKEY, valueOut);
  }

  #valueCall(cmd: number, attr: number, valueOut: Uint8Array | undefined): Uint8Array | undefined {
    const address = this.#address + attr;
    let r = bpfRaw(cmd, address, ELEM);
    while (r === -EINTR) r = bpfRaw(cmd, address, ELEM);
    if (r < 0) {
      if (r === -ENOENT) return undefined;
      throw mapElemError(cmd, -r, this.#label);
    }
    if (valueOut === undefined) return this.#value.slice();
    valueOut.set(this.#value);
    return valueOut;
  }

  #badOut(buf: Uint8Array): ArgumentError {
    return new ArgumentError(
      `${this.#label}: value buffer must be ${this.valueBufferSize} bytes` +
        `${this.#perCPU ? ` (roundup(${this.valueSize}, 8) * ${this.valueBufferSize / this.#slot} possible CPUs)` : ""}` +
        `, got ${buf.length}`,
    );
  }

  #noKeys(what: string): ArgumentError {
    const hint = isQueueOrStack(this.type) ? ": use push / pop / peek" : this.type === MapType.BloomFilter ? ": use push / contains" : "";
    return new ArgumentError(`${this.#label}: ${mapTypeName(this.type)} maps have no keys, ${what} makes no sense${hint}`);
  }

  #wrongType(op: string): ArgumentError {
    return new ArgumentError(`${this.#label}: ${op} is not an operation of ${mapTypeName(this.type)} maps`);
  }
}

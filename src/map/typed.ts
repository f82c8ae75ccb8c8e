/**
 * `TypedMap`: a {@link BpfMap} whose keys and values are plain JavaScript values, encoded and
 * decoded by the codecs of the map's BTF key / value types (see `codecFor` in `ebpf/btf`).
 *
 * @module
 */
import { codecFor, type Codec, type CodecOptions, type Type } from "../btf/index.js";
import { ArgumentError } from "../errors.js";
import type { BatchOptions, MapBatchCursor } from "./batch.js";
import { btfTypes } from "./btf-types.js";
import { isKeyless, isPerCPU } from "./kinds.js";
import type { BpfMap } from "./map.js";

/**
 * A map (or variable) has no BTF type to build a codec from, and none was given.
 *
 * @example
 * ```ts
 * import { MissingTypeError } from "ebpf";
 * try { map.typed(); } catch (err) { if (err instanceof MissingTypeError) useRawBytes(); }
 * ```
 */
export class MissingTypeError extends ArgumentError {
  override name = "MissingTypeError";
}

/**
 * Codecs or BTF types for {@link BpfMap.typed}; each overrides what the map's spec carries.
 *
 * @example
 * ```ts
 * const typed = map.typed<number, { hits: bigint }>({ key: u32Type, value: statsType });
 * ```
 */
export interface TypedMapOptions<K = unknown, V = unknown> extends CodecOptions {
  /** The key's codec or BTF type. */
  readonly key?: Codec<K> | Type;
  /** The value's codec or BTF type (for per-CPU maps: one CPU's value). */
  readonly value?: Codec<V extends readonly (infer E)[] ? E : V> | Codec<V> | Type;
}

/**
 * Remember the BTF key / value types of `map`'s spec, for {@link BpfMap.typed}.
 *
 * @example
 * ```ts
 * setMapTypes(map, spec.key, spec.value);
 * ```
 */
export function setMapTypes(map: BpfMap, key: Type | undefined, value: Type | undefined): void {
  if (key === undefined && value === undefined) return;
  map[btfTypes] = { key, value };
}

/**
 * The BTF key / value types recorded for `map`, if any.
 *
 * @example
 * ```ts
 * const { key, value } = typesOfMap(coll.maps.events);
 * ```
 */
export function typesOfMap(map: BpfMap): { key: Type | undefined; value: Type | undefined } {
  const t = map[btfTypes];
  return { key: t?.key, value: t?.value };
}

function isCodec(x: Codec | Type): x is Codec {
  return typeof (x as Codec).decode === "function";
}

/**
 * The typed view of `map`; see {@link BpfMap.typed}.
 *
 * @example
 * ```ts
 * const typed = typedMap<number, bigint>(map, {});
 * ```
 */
export function typedMap<K, V>(map: BpfMap, options: TypedMapOptions<K, V> = {}): TypedMap<K, V> {
  const known = map[btfTypes];
  const pick = (given: Codec | Type | undefined, fromSpec: Type | undefined, what: "key" | "value"): Codec | undefined => {
    const src = given ?? fromSpec;
    if (src === undefined) return undefined;
    const codec = isCodec(src) ? src : codecFor(src, options);
    const want = what === "key" ? map.keySize : map.valueSize;
    if (codec.size !== want) {
      throw new ArgumentError(`${map}: ${what} codec is for ${codec.size} bytes, the map's ${what}s are ${want}`);
    }
    return codec;
  };
  const keyless = isKeyless(map.type);
  const key = keyless ? undefined : pick(options.key as Codec | Type | undefined, known?.key, "key");
  const value = pick(options.value as Codec | Type | undefined, known?.value, "value");
  if ((!keyless && key === undefined) || value === undefined) {
    const missing = [!keyless && key === undefined ? "key" : "", value === undefined ? "value" : ""].filter(Boolean).join(" and ");
    throw new MissingTypeError(
      `${map}: no BTF ${missing} type (maps from newCollection keep their object's BTF; otherwise pass { key, value } codecs or types)`,
    );
  }
  return new TypedMap<K, V>(map, key as Codec<K> | undefined, value);
}

/**
 * A map's operations on plain values: keys and values are encoded and decoded by codecs (see
 * `Codec` in `ebpf/btf` for how each BTF kind looks). Made by {@link BpfMap.typed}. Semantics are
 * the raw map's: a missing key makes `lookup` return `undefined` and `delete` throw
 * `KeyNotExistError`.
 *
 * For per-CPU maps `V` is an array: `lookup` returns one decoded value per possible CPU and
 * `update` takes exactly that many.
 *
 * Each operation encodes into scratch buffers the typed map owns (the raw map binds its value
 * buffer once), so a lookup allocates only the decoded value.
 *
 * @example
 * ```ts
 * using coll = newCollection(await loadCollectionSpec("bpf/codec_types.o"));
 * type FlowKey = { saddr: number; daddr: number; sport: number; dport: number; proto: number };
 * const flows = coll.maps.flows.typed<FlowKey, FlowStats>();
 * const key = { saddr: 1, daddr: 2, sport: 3, dport: 4, proto: 6 };
 * const stats = flows.lookup(key); // undefined when missing
 * if (stats) flows.update(key, { ...stats, packets: stats.packets + 1n });
 * const perCPU = coll.maps.points.typed<number, { x: number; y: number }[]>().lookup(0); // one per CPU
 * ```
 */
export class TypedMap<K = unknown, V = unknown> {
  /** The raw map. */
  readonly map: BpfMap;
  /** Codec of keys (undefined for maps without keys: queues, stacks, bloom filters). */
  readonly key: Codec<K> | undefined;
  /** Codec of values (one CPU's value for per-CPU maps). */
  readonly value: Codec;
  readonly #perCPU: boolean;
  readonly #slot: number;
  readonly #cpus: number;
  readonly #keyBuf: Uint8Array;
  readonly #out: Uint8Array;
  readonly #in: Uint8Array;

  constructor(map: BpfMap, key: Codec<K> | undefined, value: Codec) {
    this.map = map;
    this.key = key;
    this.value = value;
    this.#perCPU = isPerCPU(map.type);
    this.#slot = (map.valueSize + 7) & ~7;
    this.#cpus = this.#perCPU ? map.valueBufferSize / this.#slot : 1;
    this.#keyBuf = new Uint8Array(map.keySize);
    this.#out = new Uint8Array(map.valueBufferSize);
    this.#in = new Uint8Array(map.valueBufferSize);
  }

  /**
   * The value of `key`, or `undefined` when it is missing. `flags` as for `BpfMap.lookup`.
   *
   * @example
   * ```ts
   * const stats = typed.lookup({ ifindex: 1, proto: 6 });
   * ```
   */
  lookup(key: K, flags = 0): V | undefined {
    const out = this.map.lookup(this.#encodeKey(key), this.#out, flags);
    return out === undefined ? undefined : this.#decodeValue(out);
  }

  /**
   * Write `value` at `key`; `flags` is `UpdateAny`, `UpdateNoExist`, `UpdateExist` (and
   * `UpdateLock`).
   *
   * @example
   * ```ts
   * typed.update({ ifindex: 1, proto: 6 }, { packets: 0n, bytes: 0n }, UpdateNoExist);
   * ```
   */
  update(key: K, value: V, flags = 0): void {
    this.map.update(this.#encodeKey(key), this.#encodeValue(value), flags);
  }

  /**
   * Delete `key`; throws `KeyNotExistError` when it is missing.
   *
   * @example
   * ```ts
   * typed.delete({ ifindex: 1, proto: 6 });
   * ```
   */
  delete(key: K): void {
    this.map.delete(this.#encodeKey(key));
  }

  /**
   * Look `key` up and delete it in one step (hash maps 5.14+); `undefined` when it is missing.
   *
   * @example
   * ```ts
   * const last = typed.lookupAndDelete(key);
   * ```
   */
  lookupAndDelete(key: K, flags = 0): V | undefined {
    const out = this.map.lookupAndDelete(this.#encodeKey(key), this.#out, flags);
    return out === undefined ? undefined : this.#decodeValue(out);
  }

  /**
   * Queue / stack (4.20), bloom filter (5.16): add `value`.
   *
   * @example
   * ```ts
   * typedQueue.push({ id: 1 });
   * ```
   */
  push(value: V, flags = 0): void {
    this.map.push(this.#encodeValue(value), flags);
  }

  /**
   * Queue / stack (4.20): remove and return the next value, `undefined` when empty.
   *
   * @example
   * ```ts
   * const next = typedQueue.pop();
   * ```
   */
  pop(): V | undefined {
    const out = this.map.pop(this.#out);
    return out === undefined ? undefined : this.#decodeValue(out);
  }

  /**
   * Queue / stack (4.20): the next value without removing it, `undefined` when empty.
   *
   * @example
   * ```ts
   * const head = typedQueue.peek();
   * ```
   */
  peek(): V | undefined {
    const out = this.map.peek(this.#out);
    return out === undefined ? undefined : this.#decodeValue(out);
  }

  /**
   * Decoded keys in kernel order (see `BpfMap.keys`).
   *
   * @example
   * ```ts
   * for (const k of typed.keys()) console.log(k);
   * ```
   */
  *keys(): IterableIterator<K> {
    const codec = this.#keyCodec();
    for (const k of this.map.keys()) yield codec.decode(k);
  }

  /**
   * Decoded `[key, value]` pairs (see `BpfMap.entries`).
   *
   * @example
   * ```ts
   * for (const [k, v] of typed.entries()) console.log(k, v);
   * ```
   */
  *entries(): IterableIterator<[K, V]> {
    const codec = this.#keyCodec();
    for (const [k, v] of this.map.entries()) yield [codec.decode(k), this.#decodeValue(v)];
  }

  /**
   * Same as {@link TypedMap.entries}.
   *
   * @example
   * ```ts
   * const all = new Map(typed);
   * ```
   */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /**
   * Batch lookup (5.6+, per-element fallback before): up to `max` entries from where `cursor`
   * left off; an empty array once `cursor.done`.
   *
   * @example
   * ```ts
   * const cursor = new MapBatchCursor();
   * for (let part = typed.batchLookup(cursor, 256); part.length > 0; part = typed.batchLookup(cursor, 256)) use(part);
   * ```
   */
  batchLookup(cursor: MapBatchCursor, max: number, opts?: BatchOptions): [K, V][] {
    return this.#batchLookup(false, cursor, max, opts);
  }

  /**
   * Batch lookup-and-delete (5.6+), as {@link TypedMap.batchLookup}, removing what it returns.
   *
   * @example
   * ```ts
   * const drained = typed.batchLookupAndDelete(new MapBatchCursor(), 1024);
   * ```
   */
  batchLookupAndDelete(cursor: MapBatchCursor, max: number, opts?: BatchOptions): [K, V][] {
    return this.#batchLookup(true, cursor, max, opts);
  }

  /**
   * Batch update (5.6+) of `entries`; returns how many were written.
   *
   * @example
   * ```ts
   * typed.batchUpdate([[1, { hits: 0n }], [2, { hits: 0n }]]);
   * ```
   */
  batchUpdate(entries: readonly (readonly [K, V])[], opts?: BatchOptions): number {
    const codec = this.#keyCodec();
    const ks = this.map.keySize;
    const vs = this.map.valueBufferSize;
    const keys = new Uint8Array(entries.length * ks);
    const values = new Uint8Array(entries.length * vs);
    entries.forEach(([k, v], i) => {
      codec.encode(k, keys, i * ks);
      values.set(this.#encodeValue(v), i * vs);
    });
    return this.map.batchUpdate(keys, values, opts);
  }

  /**
   * Batch delete (5.6+) of `keys`; returns how many were deleted. Throws `KeyNotExistError` at
   * the first missing key.
   *
   * @example
   * ```ts
   * typed.batchDelete([1, 2, 3]);
   * ```
   */
  batchDelete(keys: readonly K[], opts?: BatchOptions): number {
    const codec = this.#keyCodec();
    const ks = this.map.keySize;
    const packed = new Uint8Array(keys.length * ks);
    keys.forEach((k, i) => codec.encode(k, packed, i * ks));
    return this.map.batchDelete(packed, opts);
  }

  #batchLookup(andDelete: boolean, cursor: MapBatchCursor, max: number, opts: BatchOptions | undefined): [K, V][] {
    if (!Number.isSafeInteger(max) || max < 1) throw new ArgumentError(`${this.map}: batch size must be a positive integer, got ${max}`);
    const codec = this.#keyCodec();
    const ks = this.map.keySize;
    const vs = this.map.valueBufferSize;
    const keys = new Uint8Array(max * ks);
    const values = new Uint8Array(max * vs);
    const n = andDelete ? this.map.batchLookupAndDelete(cursor, keys, values, opts) : this.map.batchLookup(cursor, keys, values, opts);
    const out: [K, V][] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = [codec.decode(keys, i * ks), this.#decodeValue(values.subarray(i * vs, (i + 1) * vs))];
    return out;
  }

  #keyCodec(): Codec<K> {
    if (this.key === undefined) throw new ArgumentError(`${this.map} has no keys`);
    return this.key;
  }

  #encodeKey(key: K): Uint8Array {
    return this.#keyCodec().encode(key, this.#keyBuf, 0);
  }

  #encodeValue(value: V): Uint8Array {
    if (!this.#perCPU) return this.value.encode(value, this.#in, 0);
    const n = this.#cpus;
    if (!Array.isArray(value) || value.length !== n) {
      throw new ArgumentError(`${this.map}: per-CPU value needs an array of ${n} values (one per possible CPU)`);
    }
    const buf = this.#in;
    buf.fill(0);
    for (let cpu = 0; cpu < n; cpu++) this.value.encode(value[cpu], buf, cpu * this.#slot);
    return buf;
  }

  #decodeValue(bytes: Uint8Array): V {
    if (!this.#perCPU) return this.value.decode(bytes) as V;
    const n = this.#cpus;
    const out = new Array<unknown>(n);
    for (let cpu = 0; cpu < n; cpu++) out[cpu] = this.value.decode(bytes, cpu * this.#slot);
    return out as V;
  }
}

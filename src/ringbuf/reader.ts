/**
 * `Reader`: reads a BPF ring buffer map from JavaScript without blocking the event loop.
 *
 * @module
 */
import { ArgumentError, ClosedError } from "../errors.js";
import { untilClosed } from "../internal/until-closed.js";
import { dupFD } from "../syscall/dup.js";
import { FD } from "../syscall/fd.js";
import { pageSize } from "../syscall/mmap.js";
import { fillSample, newRecord, type Record } from "./record.js";
import { RingbufRing } from "./ring.js";
import { describeEventMap, type EventMapSource } from "./source.js";
import { Readiness, type ReadOptions } from "./wait.js";
import type { CodecOptions, Spec as BTFSpec } from "../btf/index.js";
import { typedReader, type SampleType, type TypedReader } from "./typed.js";

const RESOLVED = Promise.resolve();

/** `BPF_MAP_TYPE_RINGBUF`. */
const MAP_TYPE_RINGBUF = 27;

/**
 * A consumer callback for {@link Reader.consume}: `sample` is a view into the ring itself, valid
 * only until the callback returns (the space is handed back to the kernel right after).
 *
 * @example
 * ```ts
 * reader.consume((sample) => console.log(sample.byteLength));
 * ```
 */
export type ConsumeFn = (sample: Uint8Array) => void;

/**
 * A zero-allocation consumer for {@link Reader.consumeRaw}: the sample is
 * `data[offset, offset + length)`, valid only until the callback returns.
 *
 * @example
 * ```ts
 * reader.consumeRaw((data, offset, length) => console.log(data[offset], length));
 * ```
 */
export type ConsumeRawFn = (data: Uint8Array, offset: number, length: number) => void;

/** Largest ring this reader maps. */
const MAX_RING_SIZE = 2 ** 30;

/**
 * Check a ring buffer size: the kernel requires a power-of-two multiple of the page size; this
 * reader also stops at 1 GiB.
 *
 * @example
 * ```ts
 * import { checkRingbufSize } from "ebpf/ringbuf";
 * checkRingbufSize(1 << 16); // ok
 * checkRingbufSize(10000);   // throws ArgumentError
 * ```
 */
export function checkRingbufSize(maxEntries: number): void {
  const page = pageSize();
  if (
    !Number.isSafeInteger(maxEntries) ||
    maxEntries < page ||
    maxEntries % page !== 0 ||
    (maxEntries & (maxEntries - 1)) !== 0
  ) {
    throw new ArgumentError(
      `ring buffer maxEntries ${maxEntries} must be a power-of-two multiple of the page size (${page} bytes)`,
    );
  }
  if (maxEntries > MAX_RING_SIZE) {
    // The data area is mapped twice into one ArrayBuffer and positions are handled in 32 bits.
    throw new ArgumentError(`ring buffer maxEntries ${maxEntries} exceeds the reader's limit of 1 GiB`);
  }
}

/**
 * Reads records from a `BPF_MAP_TYPE_RINGBUF` map (Linux 5.8+). Waiting happens on Node's event
 * loop (an epoll registration of the map fd, no thread), so timers and I/O keep running while a
 * read waits, and many readers may wait at once.
 *
 * The reader owns a duplicate of the map's fd and its own mappings: closing the `Map` does not
 * disturb it; closing the reader rejects pending reads with {@link ClosedError}.
 *
 * There is one consumer position per map: two readers of the same map would steal each other's
 * records.
 *
 * @example
 * ```ts
 * import { newReader } from "ebpf/ringbuf";
 * using reader = newReader(eventsMap);
 * for await (const { sample } of reader) {
 *   console.log(new DataView(sample.buffer, sample.byteOffset).getUint32(0, true));
 * }
 * ```
 */
export class Reader {
  readonly #fd: FD;
  readonly #ring: RingbufRing;
  readonly #ready: Readiness;
  #closed = false;
  /** Nesting of `consume` callbacks: unmapping waits until they return. */
  #consuming = 0;
  #unmapPending = false;

  /** @internal Use {@link newReader}. */
  constructor(fd: FD, size: number) {
    this.#fd = fd;
    this.#ring = new RingbufRing(fd.raw, size);
    try {
      this.#ready = new Readiness([fd.raw], "ring buffer reader");
    } catch (err) {
      this.#ring.close();
      throw err;
    }
  }

  /** Size of the ring's data area in bytes (the map's `maxEntries`). */
  get bufferSize(): number {
    return this.#ring.size;
  }

  /** Bytes written and not yet read (headers and discarded records included). */
  get available(): number {
    this.#check();
    return this.#ring.available();
  }

  /**
   * The next record, waiting for one if the ring is empty. The sample is a copy.
   *
   * @example
   * ```ts
   * const { sample } = await reader.read({ timeout: 1000 });
   * ```
   */
  read(options?: ReadOptions): Promise<Record> {
    // Fast path without an async frame: a record is already there.
    if (!this.#closed && options?.signal?.aborted !== true) {
      const ring = this.#ring;
      const at = ring.next();
      if (at >= 0) {
        const sample = ring.data.slice(at, at + ring.length);
        ring.advance();
        return Promise.resolve({ sample, remaining: ring.available() });
      }
    }
    return this.#readSlow(options);
  }

  /**
   * Like {@link read}, but into `record`, reusing its sample buffer once it is large enough.
   *
   * @example
   * ```ts
   * import { newRecord } from "ebpf/ringbuf";
   * const rec = newRecord(256);
   * for (;;) { await reader.readInto(rec); handle(rec.sample); }
   * ```
   */
  readInto(record: Record, options?: ReadOptions): Promise<void> {
    if (!this.#closed && options?.signal?.aborted !== true && this.#take(record)) return RESOLVED;
    return this.#readIntoSlow(record, options);
  }

  async #readSlow(options?: ReadOptions): Promise<Record> {
    const rec = newRecord();
    await this.#readIntoSlow(rec, options);
    return rec;
  }

  async #readIntoSlow(record: Record, options?: ReadOptions): Promise<void> {
    // An aborted signal wins over buffered data, as with other Node APIs taking a signal.
    if (options?.signal?.aborted) throw options.signal.reason;
    const deadline = options?.timeout === undefined ? undefined : Date.now() + options.timeout;
    let waitOptions = options;
    for (;;) {
      this.#check();
      if (this.#take(record)) return;
      await this.#ready.wait(waitOptions);
      if (deadline !== undefined) {
        waitOptions = { ...options, timeout: Math.max(0, deadline - Date.now()) };
      }
    }
  }

  #take(record: Record): boolean {
    const ring = this.#ring;
    const at = ring.next();
    if (at < 0) return false;
    fillSample(record, ring.data, at, ring.length);
    ring.advance();
    record.remaining = ring.available();
    return true;
  }

  /**
   * Read every record available now without waiting; `fn` gets a view into the ring that is valid
   * only during the call. Returns the number of records consumed (at most `max`). If `fn` throws,
   * its record counts as consumed and the error propagates.
   *
   * @example
   * ```ts
   * let bytes = 0;
   * const n = reader.consume((sample) => { bytes += sample.byteLength; });
   * ```
   */
  consume(fn: ConsumeFn, max = Infinity): number {
    return this.#drain(max, undefined, fn);
  }

  /**
   * {@link consume} without a view per record: `fn(data, offset, length)` with `data` the whole
   * mapped ring, for the hottest loops.
   *
   * @example
   * ```ts
   * let sum = 0;
   * reader.consumeRaw((data, offset) => { sum += data[offset]!; });
   * ```
   */
  consumeRaw(fn: ConsumeRawFn, max = Infinity): number {
    return this.#drain(max, fn, undefined);
  }

  #drain(max: number, raw: ConsumeRawFn | undefined, view: ConsumeFn | undefined): number {
    this.#check();
    this.#consuming++;
    try {
      return raw !== undefined ? this.#ring.drain(max, raw) : this.#ring.drainViews(max, view!);
    } finally {
      this.#leaveConsume();
    }
  }

  /**
   * Resolve once records may be available (or at once if some are), without reading them; pair
   * with {@link consume} for batch processing.
   *
   * @example
   * ```ts
   * for (;;) { await reader.wait(); reader.consume(handle); }
   * ```
   */
  async wait(options?: ReadOptions): Promise<void> {
    this.#check();
    // A record still being written counts as nothing yet: the poll wakes us again.
    if (this.#ring.next() >= 0) return;
    await this.#ready.wait(options);
  }

  /**
   * Records until the reader is closed; a `for await` loop over it ends when `close()` is called.
   * Breaking out of the loop leaves the reader open.
   *
   * @example
   * ```ts
   * for await (const rec of reader) if (rec.sample[0] === 0) break;
   * ```
   */
  [Symbol.asyncIterator](): AsyncGenerator<Record, void, undefined> {
    return untilClosed(() => this.read(), () => this.#closed);
  }

  /**
   * A view of this reader that decodes samples as `type` (a codec, a BTF type, or a type name
   * looked up in `types`); see `TypedReader`.
   *
   * @example
   * ```ts
   * const events = reader.typed<{ pid: number; comm: string }>("event", spec.types);
   * const e = await events.read();
   * ```
   */
  typed<T = unknown>(type: SampleType<T>, types?: BTFSpec, options?: CodecOptions): TypedReader<T> {
    return typedReader(this, type, types, options);
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Stop reading: pending reads reject with {@link ClosedError}, the mappings and the fd are
   * released. Idempotent.
   *
   * @example
   * ```ts
   * reader.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // A consume callback closing its reader stops the drain after its record.
    this.#ring.stopped = true;
    this.#ready.close();
    if (this.#consuming > 0) this.#unmapPending = true;
    else this.#release();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #leaveConsume(): void {
    if (--this.#consuming === 0 && this.#unmapPending) {
      this.#unmapPending = false;
      this.#release();
    }
  }

  #release(): void {
    try {
      this.#ring.close();
    } finally {
      this.#fd.close();
    }
  }

  #check(): void {
    if (this.#closed) throw new ClosedError("ring buffer reader");
  }
}

/**
 * Open a reader on a ring buffer map: a `Map` of type `RingBuf`, an `FD`, or `{ fd, maxEntries }`.
 * `maxEntries` must be a power-of-two multiple of the page size (the kernel's rule for
 * `BPF_MAP_TYPE_RINGBUF`, Linux 5.8+).
 *
 * @example
 * ```ts
 * import { newMap, MapType } from "ebpf";
 * import { newReader } from "ebpf/ringbuf";
 * const events = newMap({ type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 1 << 16 });
 * using reader = newReader(events);
 * const { sample } = await reader.read();
 * ```
 */
export function newReader(map: EventMapSource | FD): Reader {
  const given = map instanceof FD ? undefined : map?.maxEntries;
  if (given !== undefined) checkRingbufSize(given);
  const { fd, maxEntries } = describeEventMap(map, MAP_TYPE_RINGBUF, "ring buffer");
  checkRingbufSize(maxEntries);
  const own = new FD(dupFD(fd), "ring buffer reader");
  try {
    return new Reader(own, maxEntries);
  } catch (err) {
    own.close();
    throw err;
  }
}

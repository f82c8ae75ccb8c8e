/**
 * `Reader`: reads a `BPF_MAP_TYPE_PERF_EVENT_ARRAY` through one perf ring per CPU, without
 * blocking the event loop.
 *
 * @module
 */
import { ArgumentError, ClosedError } from "../errors.js";
import { untilClosed } from "../internal/until-closed.js";
import { possibleCPUs } from "../internal/possible-cpus.js";
import { fillSample } from "../ringbuf/record.js";
import { describeEventMap, type EventMapSource } from "../ringbuf/source.js";
import { Readiness, type ReadOptions } from "../ringbuf/wait.js";
import { MapElemAttr } from "../syscall/attr.js";
import { bpfCall } from "../syscall/bpf.js";
import { BpfCmd } from "../syscall/commands.js";
import { Errno, SyscallError } from "../syscall/error.js";
import { dupFD } from "../syscall/dup.js";
import { FD } from "../syscall/fd.js";
import { addressOf } from "../syscall/libc.js";
import { pageSize } from "../syscall/mmap.js";
import { newRecord, type Record } from "./record.js";
import { EMPTY, PerfRing, SAMPLE } from "./ring.js";
import type { CodecOptions, Spec as BTFSpec } from "../btf/index.js";
import { typedReader, type TypedReader } from "./typed.js";
import type { SampleType } from "../ringbuf/typed.js";

/** `BPF_MAP_TYPE_PERF_EVENT_ARRAY`. */
const MAP_TYPE_PERF_EVENT_ARRAY = 4;
const EMPTY_SAMPLE = new Uint8Array(0);
const RESOLVED = Promise.resolve();

/**
 * Options of {@link newReader}.
 *
 * @example
 * ```ts
 * newReader(eventsMap, 4096, { wakeupEvents: 16 });
 * ```
 */
export interface ReaderOptions {
  /**
   * Wake a waiting read after this many bytes are in a ring (`wakeup_watermark`). Default 1: every
   * sample wakes. Ignored when `wakeupEvents` is set.
   */
  watermark?: number;
  /** Wake after this many samples instead (`wakeup_events`). */
  wakeupEvents?: number;
  /**
   * Let the kernel overwrite old samples when a ring is full instead of dropping new ones
   * (`write_backward`, Linux 4.7+). Each read then pauses the ring and returns the newest samples
   * first; no loss is reported.
   */
  overwritable?: boolean;
}

/**
 * A perf sample consumer: `sample` is valid only during the call.
 *
 * @example
 * ```ts
 * reader.consume((sample, cpu) => console.log(cpu, sample.byteLength));
 * ```
 */
export type ConsumeFn = (sample: Uint8Array, cpu: number) => void;

/**
 * A zero-allocation perf sample consumer: the sample is `data[offset, offset + length)`, valid only
 * during the call.
 *
 * @example
 * ```ts
 * reader.consumeRaw((data, offset, length, cpu) => console.log(cpu, data[offset], length));
 * ```
 */
export type ConsumeRawFn = (data: Uint8Array, offset: number, length: number, cpu: number) => void;

/**
 * Reads samples that BPF programs write with `bpf_perf_event_output` (Linux 4.4+). One
 * `PERF_COUNT_SW_BPF_OUTPUT` event and ring per possible CPU, each stored in the map at its CPU's
 * index. Waiting uses one epoll registration per CPU on Node's event loop — no thread.
 *
 * @example
 * ```ts
 * import { newReader } from "ebpf/perf";
 * using reader = newReader(eventsMap, 4096);
 * for await (const rec of reader) {
 *   if (rec.lostSamples) console.warn("lost", rec.lostSamples);
 *   else console.log(rec.cpu, rec.sample.byteLength);
 * }
 * ```
 */
export class Reader {
  readonly #map: FD;
  readonly #rings: PerfRing[];
  readonly #ready: Readiness;
  /** Elem attrs (update; delete, which must leave `value` zero) and their key / value scratch. */
  readonly #attr: Uint8Array;
  readonly #deleteAttr: Uint8Array;
  readonly #key: Uint32Array;
  readonly #value: Uint32Array;
  #next = 0;
  /** Kind of the record `#find` positioned a ring on. */
  #kind = EMPTY;
  #closed = false;
  #paused = false;
  #consuming = 0;
  #releasePending = false;

  /** @internal Use {@link newReader}. */
  constructor(map: FD, rings: PerfRing[]) {
    this.#map = map;
    this.#rings = rings;
    const size = MapElemAttr.size;
    const scratch = new ArrayBuffer(2 * size + 8);
    this.#attr = new Uint8Array(scratch, 0, size);
    this.#deleteAttr = new Uint8Array(scratch, size, size);
    this.#key = new Uint32Array(scratch, 2 * size, 1);
    this.#value = new Uint32Array(scratch, 2 * size + 4, 1);
    const view = new DataView(scratch);
    const key = addressOf(this.#key);
    MapElemAttr.write(view, { mapFd: map.raw, key, value: addressOf(this.#value) });
    MapElemAttr.write(view, { mapFd: map.raw, key }, size);
    this.#ready = new Readiness(
      rings.map((r) => r.fd.raw),
      "perf reader",
    );
    try {
      this.#putAll();
    } catch (err) {
      this.#ready.close();
      throw err;
    }
  }

  /** The CPUs with a ring, in order. */
  get cpus(): number[] {
    return this.#rings.map((r) => r.cpu);
  }

  /** Size of each CPU's ring in bytes. */
  get bufferSize(): number {
    return this.#rings[0]!.size;
  }

  /**
   * The next record from any CPU, waiting for one if every ring is empty. Rings are visited in
   * turn; records of one CPU come in the order written.
   *
   * @example
   * ```ts
   * const { cpu, sample, lostSamples } = await reader.read({ timeout: 1000 });
   * ```
   */
  read(options?: ReadOptions): Promise<Record> {
    if (!this.#closed && options?.signal?.aborted !== true) {
      const rec = this.#readNew();
      if (rec !== undefined) return Promise.resolve(rec);
    }
    const rec = newRecord();
    return this.#readIntoSlow(rec, options).then(() => rec);
  }

  /**
   * Like {@link read}, into `record`, reusing its sample buffer once large enough.
   *
   * @example
   * ```ts
   * import { newRecord } from "ebpf/perf";
   * const rec = newRecord(256);
   * await reader.readInto(rec);
   * ```
   */
  readInto(record: Record, options?: ReadOptions): Promise<void> {
    if (!this.#closed && options?.signal?.aborted !== true && this.#readOne(record)) return RESOLVED;
    return this.#readIntoSlow(record, options);
  }

  async #readIntoSlow(record: Record, options?: ReadOptions): Promise<void> {
    // An aborted signal wins over buffered data, as with other Node APIs taking a signal.
    if (options?.signal?.aborted) throw options.signal.reason;
    const deadline = options?.timeout === undefined ? undefined : Date.now() + options.timeout;
    let waitOptions = options;
    for (;;) {
      this.#check();
      if (this.#readOne(record)) return;
      await this.#ready.wait(waitOptions);
      if (deadline !== undefined) {
        waitOptions = { ...options, timeout: Math.max(0, deadline - Date.now()) };
      }
    }
  }

  /**
   * Hand every sample buffered now to `fn`, without waiting or copying (a sample that wraps around
   * its ring's end is copied once into a scratch buffer). Views are valid only during the call.
   * Loss reports are not passed to `fn`; their counts are summed into the return value's
   * `lostSamples`. Returns the number of samples consumed; if `fn` throws, its sample counts as
   * consumed and the error propagates. Each ring's `data_tail` is stored once, after its samples.
   *
   * @example
   * ```ts
   * const { samples, lostSamples } = reader.consume((sample, cpu) => handle(sample, cpu));
   * ```
   */
  consume(fn: ConsumeFn, max = Infinity): { samples: number; lostSamples: number } {
    return this.#drain(max, undefined, fn);
  }

  /**
   * {@link consume} without a view per sample: `fn(data, offset, length, cpu)`, where `data` is the
   * CPU's mapped ring (or the scratch copy of a sample that wraps its end). Valid only during the
   * call.
   *
   * @example
   * ```ts
   * let sum = 0;
   * reader.consumeRaw((data, offset) => { sum += data[offset]!; });
   * ```
   */
  consumeRaw(fn: ConsumeRawFn, max = Infinity): { samples: number; lostSamples: number } {
    return this.#drain(max, fn, undefined);
  }

  #drain(max: number, raw: ConsumeRawFn | undefined, view: ConsumeFn | undefined): { samples: number; lostSamples: number } {
    this.#check();
    let samples = 0;
    let lostSamples = 0;
    this.#consuming++;
    try {
      for (const ring of this.#rings) {
        if (samples >= max || this.#closed) break;
        samples += raw !== undefined ? ring.drain(max - samples, raw) : ring.drainViews(max - samples, view!);
        lostSamples += ring.drainLost;
      }
    } finally {
      this.#leaveConsume();
    }
    return { samples, lostSamples };
  }

  /**
   * Resolve once some ring may hold records (at once if one does); pair with {@link consume}.
   *
   * @example
   * ```ts
   * for (;;) { await reader.wait(); reader.consume(handle); }
   * ```
   */
  async wait(options?: ReadOptions): Promise<void> {
    this.#check();
    for (const ring of this.#rings) if (ring.available() > 0) return;
    await this.#ready.wait(options);
  }

  /**
   * Stop the BPF programs' writes reaching this reader: the event fds are removed from the map, so
   * `bpf_perf_event_output` fails with ENOENT until {@link resume}. Buffered records stay readable.
   *
   * @example
   * ```ts
   * reader.pause();
   * reader.resume();
   * ```
   */
  pause(): void {
    this.#check();
    if (this.#paused) return;
    this.#removeAll();
    this.#paused = true;
  }

  /**
   * Put the event fds back into the map after {@link pause}.
   *
   * @example
   * ```ts
   * reader.resume();
   * ```
   */
  resume(): void {
    this.#check();
    if (!this.#paused) return;
    this.#putAll();
    this.#paused = false;
  }

  /**
   * Records until the reader is closed; a `for await` loop ends when `close()` is called.
   *
   * @example
   * ```ts
   * for await (const rec of reader) console.log(rec.cpu);
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
   * const events = reader.typed<{ pid: number }>("event", spec.types);
   * events.consume((e, cpu) => console.log(cpu, e.pid));
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
   * Remove the events from the map, close them and their rings; pending reads reject with
   * {@link ClosedError}. Idempotent.
   *
   * @example
   * ```ts
   * reader.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // A consume callback closing its reader stops the drain after its sample.
    for (const ring of this.#rings) ring.stopped = true;
    this.#ready.close();
    if (this.#consuming > 0) this.#releasePending = true;
    else this.#release();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #readOne(record: Record): boolean {
    const ring = this.#find();
    if (ring === undefined) return false;
    if (this.#kind === SAMPLE) {
      fillSample(record, ring.view, ring.offset, ring.length);
      record.lostSamples = 0;
    } else {
      record.sample = EMPTY_SAMPLE;
      record.lostSamples = ring.lost;
    }
    ring.advance();
    record.cpu = ring.cpu;
    record.remaining = ring.available();
    return true;
  }

  /** A fresh record, its sample copied with one allocation. */
  #readNew(): Record | undefined {
    const ring = this.#find();
    if (ring === undefined) return undefined;
    const sample = this.#kind === SAMPLE ? ring.view.slice(ring.offset, ring.offset + ring.length) : EMPTY_SAMPLE;
    const lostSamples = this.#kind === SAMPLE ? 0 : ring.lost;
    ring.advance();
    return { cpu: ring.cpu, sample, lostSamples, remaining: ring.available() };
  }

  /** The next ring holding a record (its kind in `#kind`), visiting the CPUs in turn. */
  #find(): PerfRing | undefined {
    const rings = this.#rings;
    const n = rings.length;
    for (let i = 0; i < n; i++) {
      const ring = rings[this.#next]!;
      const kind = ring.next();
      if (kind !== EMPTY) {
        this.#kind = kind;
        return ring;
      }
      this.#next = this.#next + 1 === n ? 0 : this.#next + 1;
    }
    return undefined;
  }

  #putAll(): void {
    for (const ring of this.#rings) {
      this.#key[0] = ring.cpu;
      this.#value[0] = ring.fd.raw;
      bpfCall(BpfCmd.MAP_UPDATE_ELEM, this.#attr);
    }
  }

  #leaveConsume(): void {
    if (--this.#consuming === 0 && this.#releasePending) {
      this.#releasePending = false;
      this.#release();
    }
  }

  #release(): void {
    const errors: unknown[] = [];
    try {
      // The map holds a reference to each event until its slot is cleared.
      if (!this.#paused) this.#removeAll();
    } catch (err) {
      errors.push(err);
    }
    for (const ring of this.#rings) {
      try {
        ring.close();
      } catch (err) {
        errors.push(err);
      }
    }
    try {
      this.#map.close();
    } catch (err) {
      errors.push(err);
    }
    if (errors.length > 0) throw errors[0];
  }

  #removeAll(): void {
    for (const ring of this.#rings) {
      this.#key[0] = ring.cpu;
      try {
        bpfCall(BpfCmd.MAP_DELETE_ELEM, this.#deleteAttr);
      } catch (err) {
        if (!(err instanceof SyscallError && err.errno === Errno.ENOENT)) throw err;
      }
    }
  }

  #check(): void {
    if (this.#closed) throw new ClosedError("perf reader");
  }
}

/**
 * Open a reader on a perf event array: a ring of `perCPUBuffer` bytes (rounded up to a
 * power-of-two number of pages) for each possible CPU, capped at the map's `maxEntries`. CPUs that
 * are offline (`ENODEV`) are skipped.
 *
 * @example
 * ```ts
 * import { newReader } from "ebpf/perf";
 * using reader = newReader(eventsMap, 8 * 4096, { wakeupEvents: 1 });
 * const rec = await reader.read();
 * ```
 */
export function newReader(map: EventMapSource | FD, perCPUBuffer: number, options: ReaderOptions = {}): Reader {
  if (!Number.isSafeInteger(perCPUBuffer) || perCPUBuffer < 1) {
    throw new ArgumentError(`perf reader: perCPUBuffer ${perCPUBuffer} must be a positive integer`);
  }
  const wakeupEvents = options.wakeupEvents ?? 0;
  const watermark = options.watermark ?? 0;
  if (!Number.isInteger(wakeupEvents) || wakeupEvents < 0 || !Number.isInteger(watermark) || watermark < 0) {
    throw new ArgumentError(`perf reader: wakeupEvents ${wakeupEvents} / watermark ${watermark} must be non-negative integers`);
  }
  const page = pageSize();
  let pages = 1;
  while (pages * page < perCPUBuffer) pages *= 2;
  if (watermark >= pages * page) {
    throw new ArgumentError(`perf reader: watermark ${watermark} must be smaller than the ring (${pages * page} bytes)`);
  }
  const { fd, maxEntries } = describeEventMap(map, MAP_TYPE_PERF_EVENT_ARRAY, "perf");
  const nCPU = Math.min(maxEntries, possibleCPUs());
  const ringOptions = {
    wakeupEvents,
    watermark: wakeupEvents === 0 ? Math.max(watermark, 1) : 0,
    overwritable: options.overwritable ?? false,
  };
  const rings: PerfRing[] = [];
  const own = new FD(dupFD(fd), "perf reader map");
  try {
    for (let cpu = 0; cpu < nCPU; cpu++) {
      try {
        rings.push(new PerfRing(cpu, pages, ringOptions));
      } catch (err) {
        if (err instanceof SyscallError && err.errno === Errno.ENODEV) continue; // offline CPU
        throw err;
      }
    }
    if (rings.length === 0) throw new ArgumentError("perf reader: no online CPU to read from");
    return new Reader(own, rings);
  } catch (err) {
    for (const ring of rings) ring.close();
    own.close();
    throw err;
  }
}

/**
 * One CPU's perf ring: a `PERF_COUNT_SW_BPF_OUTPUT` event and its mapping (one metadata page, then
 * `2^n` data pages), read with the protocol of `linux/perf_event.h`: acquire-load `data_head`,
 * read records from `data_tail` up to it, release-store `data_tail` so the kernel may reuse the
 * space. Like the ring buffer reader (see `src/ringbuf/ring.ts`), positions are handled as their
 * low 32 bits with `Atomics.load` / `Atomics.store` for the ordering.
 *
 * The data area is mapped once, so a record may wrap around its end; such a record is copied into
 * a scratch buffer (the only copy on the zero-copy path).
 *
 * {@link PerfRing.drain}, the batch path, follows libbpf's `perf_event_read_simple`: one acquire
 * load of `data_head` makes every record before it readable with plain loads (through an
 * `Int32Array`, cheaper than a `DataView`), and `data_tail` is stored once at the end: each
 * `Atomics` operation is a builtin call V8 does not inline, costing as much as a small record.
 *
 * An overwritable ring (`write_backward`, Linux 4.7+) is mapped read-only: the kernel writes
 * backwards and never waits for us. Reading it pauses the ring (PERF_EVENT_IOC_PAUSE_OUTPUT),
 * takes a snapshot from `data_head` — newest record first — and resumes when the snapshot is read.
 *
 * @module
 */
import { countLimit } from "../internal/count-limit.js";
import { FD } from "../syscall/fd.js";
import { LITTLE_ENDIAN } from "../syscall/layout.js";
import { Mmap, pageSize, PROT_READ, PROT_WRITE } from "../syscall/mmap.js";
import {
  PERF_COUNT_SW_BPF_OUTPUT,
  PERF_SAMPLE_RAW,
  PerfAttrFlag,
  perfEventIoctl,
  perfEventOpen,
  PerfIoctl,
  PerfMmapPage,
  PerfRecordType,
  PerfType,
} from "../syscall/perf-event.js";

const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;
const HEAD_LO = (PerfMmapPage.dataHead >> 2) + LO;
const TAIL_LO = (PerfMmapPage.dataTail >> 2) + LO;
const TAIL_HI = (PerfMmapPage.dataTail >> 2) + HI;

/**
 * `next()` found nothing to read.
 *
 * @example
 * ```ts
 * if (ring.next() === EMPTY) await waitForData();
 * ```
 */
export const EMPTY = 0;
/**
 * `next()` found a sample: `view[offset, offset + length)`.
 *
 * @example
 * ```ts
 * if (ring.next() === SAMPLE) handle(ring.view.subarray(ring.offset, ring.offset + ring.length));
 * ```
 */
export const SAMPLE = 1;
/**
 * `next()` found a PERF_RECORD_LOST: `lost` samples were dropped.
 *
 * @example
 * ```ts
 * if (ring.next() === LOST) console.warn(ring.lost, "samples lost");
 * ```
 */
export const LOST = 2;

/**
 * A consumer of {@link PerfRing.drain}: the sample is `data[offset, offset + length)`.
 *
 * @example
 * ```ts
 * const fn: PerfDrainFn = (data, offset, length, cpu) => console.log(cpu, data[offset], length);
 * ```
 */
export type PerfDrainFn = (data: Uint8Array, offset: number, length: number, cpu: number) => void;

/**
 * A consumer of {@link PerfRing.drain} taking a view of the sample.
 *
 * @example
 * ```ts
 * const fn: PerfDrainViewFn = (sample, cpu) => console.log(cpu, sample.byteLength);
 * ```
 */
export type PerfDrainViewFn = (sample: Uint8Array, cpu: number) => void;

/**
 * Bytes of a PERF_RECORD_SAMPLE before its raw data: `{ header; u32 size; u8 data[size] }`. With
 * PERF_SAMPLE_RAW alone in sample_type (as we open the event) the kernel pads `size` so that the
 * record ends 8-aligned, so the data's size is the record's size less this: no need to load it.
 */
const SAMPLE_OVERHEAD = 12;

/** Shift of a perf_event_header's `size` (u16) in its second word: `{ u32 type; u16 misc; u16 size }`. */
const SIZE_SHIFT = LITTLE_ENDIAN ? 16 : 0;

/**
 * How the event wakes readers.
 *
 * @example
 * ```ts
 * new PerfRing(0, 8, { wakeupEvents: 0, watermark: 1, overwritable: false });
 * ```
 */
export interface RingOptions {
  /** Wake after this many samples (`wakeup_events`); 0 to use `watermark`. */
  wakeupEvents: number;
  /** Wake after this many bytes (`wakeup_watermark`); used when `wakeupEvents` is 0. */
  watermark: number;
  /** Let the kernel overwrite the oldest data instead of dropping new samples. */
  overwritable: boolean;
}

/**
 * A perf event of one CPU and its mapped ring.
 *
 * @example
 * ```ts
 * import { PerfRing, SAMPLE } from "./ring.js";
 * const ring = new PerfRing(0, 8, { wakeupEvents: 1, watermark: 0, overwritable: false });
 * if (ring.next() === SAMPLE) { use(ring.view.subarray(ring.offset, ring.offset + ring.length)); ring.advance(); }
 * ring.close();
 * ```
 */
export class PerfRing {
  /** The event fd, stored in the perf event array at index `cpu`. */
  readonly fd: FD;
  /** Data area size in bytes. */
  readonly size: number;
  /** Where the last sample is: the data area, or the scratch copy of a wrapped sample. */
  view: Uint8Array;
  offset = 0;
  length = 0;
  /** Samples a PERF_RECORD_LOST reports. */
  lost = 0;
  /** Samples the PERF_RECORD_LOST records met by the last `drain()` report. */
  drainLost = 0;
  /** Set to make a running `drain()` return after the current record. */
  stopped = false;
  readonly #map: Mmap;
  readonly #data: Uint8Array;
  readonly #words: Int32Array;
  readonly #dataView: DataView;
  readonly #meta: Int32Array;
  readonly #meta64: BigInt64Array;
  readonly #scratch: Uint8Array<ArrayBuffer>;
  readonly #mask: number;
  readonly #overwritable: boolean;
  /** Read position (low 32 bits); for a forward ring also `data_tail`. */
  #tail: number;
  #tailHi: number;
  /** The high word of `data_tail` as last stored. */
  #storedHi: number;
  /** Low 32 bits of `data_head` last loaded. */
  #head: number;
  /** Overwritable: end of the current snapshot, and whether one is being read. */
  #end = 0;
  #inSnapshot = false;
  #lastHead = 0;
  #step = 0;

  constructor(
    /** The CPU this ring belongs to. */
    readonly cpu: number,
    pages: number,
    options: RingOptions,
  ) {
    const page = pageSize();
    this.size = pages * page;
    this.#overwritable = options.overwritable;
    let flags = 0n;
    if (options.wakeupEvents === 0) flags |= PerfAttrFlag.WATERMARK;
    if (options.overwritable) flags |= PerfAttrFlag.WRITE_BACKWARD;
    const raw = perfEventOpen(
      {
        type: PerfType.SOFTWARE,
        config: PERF_COUNT_SW_BPF_OUTPUT,
        sampleType: PERF_SAMPLE_RAW,
        samplePeriod: 1,
        flags,
        wakeupEvents: options.wakeupEvents === 0 ? options.watermark : options.wakeupEvents,
      },
      -1,
      cpu,
    );
    this.fd = new FD(raw, `perf event (cpu ${cpu})`);
    try {
      const prot = options.overwritable ? PROT_READ : PROT_READ | PROT_WRITE;
      this.#map = new Mmap(raw, page + this.size, prot, 0, `perf ring (cpu ${cpu})`);
    } catch (err) {
      this.fd.close();
      throw err;
    }
    this.#meta = new Int32Array(this.#map.buffer, 0, page >> 2);
    this.#meta64 = new BigInt64Array(this.#map.buffer, 0, page >> 3);
    this.#data = new Uint8Array(this.#map.buffer, page, this.size);
    this.#dataView = new DataView(this.#map.buffer, page, this.size);
    this.#words = new Int32Array(this.#map.buffer, page, this.size >> 2);
    this.#scratch = new Uint8Array(this.size);
    this.view = this.#data;
    this.#mask = this.size - 1;
    this.#head = Atomics.load(this.#meta, HEAD_LO) >>> 0;
    this.#tail = options.overwritable ? this.#head : Atomics.load(this.#meta, TAIL_LO) >>> 0;
    this.#tailHi = options.overwritable ? 0 : Atomics.load(this.#meta, TAIL_HI) >>> 0;
    this.#storedHi = this.#tailHi;
    this.#lastHead = this.#head;
    try {
      perfEventIoctl(raw, PerfIoctl.ENABLE, 0);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Bytes between the read position and `data_head` (forward rings). */
  available(): number {
    if (this.#overwritable) return (this.#end - this.#tail) >>> 0;
    return (Atomics.load(this.#meta, HEAD_LO) - this.#tail) >>> 0;
  }

  /**
   * Hand every sample written before the call to `fn`, in order, until `max` samples were handed
   * out or `stopped` is set; the samples lost that PERF_RECORD_LOST records report are summed into
   * `drainLost`. Returns the number of samples handed out; one whose `fn` throws counts as
   * consumed and the error propagates.
   */
  drain(max: number, fn: PerfDrainFn): number {
    this.drainLost = 0;
    if (this.#overwritable) return this.#drainOverwritable(max, fn, undefined);
    const words = this.#words;
    const data = this.#data;
    const size = this.size;
    const mask = this.#mask;
    const cpu = this.cpu;
    // Locals, not module bindings: each of those is a load and a hole check per record (0.8 of
    // the 5.1 ns a 64-byte sample's drain took).
    const sampleType = PerfRecordType.SAMPLE;
    const lostType = PerfRecordType.LOST;
    const overhead = SAMPLE_OVERHEAD;
    const sizeShift = SIZE_SHIFT;
    const limit = countLimit(max);
    const head = this.#loadHead();
    // Positions as int32 in the loop: no heap numbers.
    let tail = this.#tail | 0;
    let n = 0;
    let lost = 0;
    try {
      while (tail !== head && n < limit && !this.stopped) {
        // Headers are 8-aligned: never split by the wrap.
        const off = tail & mask;
        const type = words[off >> 2]!;
        const recordSize = (words[(off >> 2) + 1]! >>> sizeShift) & 0xffff;
        if (recordSize === 0) break;
        // Moved before the call: a sample whose consumer throws counts as consumed.
        tail = (tail + recordSize) | 0;
        if (type === sampleType) {
          const len = recordSize - overhead;
          const start = (off + overhead) & mask;
          n++;
          if (start + len <= size) fn(data, start, len, cpu);
          else this.#wrapped(start, len, fn, undefined);
        } else if (type === lostType) {
          lost += this.#lostIn(off);
        }
      }
    } finally {
      this.#endDrain(tail, lost);
    }
    return n;
  }

  /**
   * {@link drain} handing out a fresh view of each sample (about half the cost of `subarray`).
   * The loop is a copy: one function calling both kinds of consumer would be optimized for one.
   */
  drainViews(max: number, fn: PerfDrainViewFn): number {
    this.drainLost = 0;
    if (this.#overwritable) return this.#drainOverwritable(max, undefined, fn);
    const words = this.#words;
    const buffer = this.#data.buffer;
    const base = this.#data.byteOffset;
    const size = this.size;
    const mask = this.#mask;
    const cpu = this.cpu;
    // Locals, not module bindings: each of those is a load and a hole check per record (0.8 of
    // the 5.1 ns a 64-byte sample's drain took).
    const sampleType = PerfRecordType.SAMPLE;
    const lostType = PerfRecordType.LOST;
    const overhead = SAMPLE_OVERHEAD;
    const sizeShift = SIZE_SHIFT;
    const limit = countLimit(max);
    const head = this.#loadHead();
    let tail = this.#tail | 0;
    let n = 0;
    let lost = 0;
    try {
      while (tail !== head && n < limit && !this.stopped) {
        const off = tail & mask;
        const type = words[off >> 2]!;
        const recordSize = (words[(off >> 2) + 1]! >>> sizeShift) & 0xffff;
        if (recordSize === 0) break;
        tail = (tail + recordSize) | 0;
        if (type === sampleType) {
          const len = recordSize - overhead;
          const start = (off + overhead) & mask;
          n++;
          if (start + len <= size) fn(new Uint8Array(buffer, base + start, len), cpu);
          else this.#wrapped(start, len, undefined, fn);
        } else if (type === lostType) {
          lost += this.#lostIn(off);
        }
      }
    } finally {
      this.#endDrain(tail, lost);
    }
    return n;
  }

  /** Acquire-load `data_head`: every record before it is complete. */
  #loadHead(): number {
    const head = Atomics.load(this.#meta, HEAD_LO);
    this.#head = head >>> 0;
    return head;
  }

  /** Samples a PERF_RECORD_LOST at `off` reports: struct { header; u64 id; u64 lost; }. */
  #lostIn(off: number): number {
    return this.#u64((off + 16) & this.#mask);
  }

  /** Release the space `drain()` went through, storing `data_tail` once. */
  #endDrain(tail: number, lost: number): void {
    this.drainLost = lost;
    // One drain moves by less than the ring's size: the low word wrapped at most once.
    const end = tail >>> 0;
    if (end < this.#tail) this.#tailHi = (this.#tailHi + 1) >>> 0;
    this.#storeTail(end);
  }

  /** Hand out a sample that wraps around the ring's end, through the scratch buffer. */
  #wrapped(start: number, len: number, raw: PerfDrainFn | undefined, view: PerfDrainViewFn | undefined): void {
    const first = this.size - start;
    const scratch = this.#scratch;
    scratch.set(this.#data.subarray(start), 0);
    scratch.set(this.#data.subarray(0, len - first), first);
    if (raw !== undefined) raw(scratch, 0, len, this.cpu);
    else view!(scratch.subarray(0, len), this.cpu);
  }

  #drainOverwritable(max: number, raw: PerfDrainFn | undefined, view: PerfDrainViewFn | undefined): number {
    let n = 0;
    while (n < max && !this.stopped) {
      const kind = this.next();
      if (kind === EMPTY) break;
      if (kind === LOST) {
        this.drainLost += this.lost;
        this.advance();
        continue;
      }
      const { view: buf, offset, length } = this;
      this.advance();
      n++;
      if (raw !== undefined) raw(buf, offset, length, this.cpu);
      else view!(new Uint8Array(buf.buffer, buf.byteOffset + offset, length), this.cpu);
    }
    return n;
  }

  /**
   * Parse the next record: {@link SAMPLE} (see `view`, `offset`, `length`), {@link LOST} (see
   * `lost`) or {@link EMPTY}. The record stays valid until `advance()`.
   */
  next(): number {
    for (;;) {
      if (this.#overwritable) {
        if (!this.#inSnapshot && !this.#snapshot()) return EMPTY;
        if (this.#tail === this.#end) {
          this.#finishSnapshot();
          return EMPTY;
        }
      }
      const tail = this.#tail;
      if (!this.#overwritable && this.#head === tail) {
        this.#head = Atomics.load(this.#meta, HEAD_LO) >>> 0;
        if (this.#head === tail) return EMPTY;
      }
      const dv = this.#dataView;
      const mask = this.#mask;
      const off = tail & mask;
      // perf_event_header { u32 type; u16 misc; u16 size }: 8-aligned, never split by the wrap.
      const type = dv.getUint32(off, LITTLE_ENDIAN);
      const size = dv.getUint16(off + 6, LITTLE_ENDIAN);
      if (size === 0 || (this.#overwritable && size > ((this.#end - tail) >>> 0))) {
        // Overwritable: the unwritten start of the ring, or a record cut by the snapshot's end.
        this.#finishSnapshot();
        return EMPTY;
      }
      this.#step = size;
      if (type === PerfRecordType.SAMPLE) {
        const len = dv.getUint32((off + 8) & mask, LITTLE_ENDIAN);
        const start = (off + 12) & mask;
        this.length = len;
        if (start + len <= this.size) {
          this.view = this.#data;
          this.offset = start;
        } else {
          const first = this.size - start;
          this.#scratch.set(this.#data.subarray(start), 0);
          this.#scratch.set(this.#data.subarray(0, len - first), first);
          this.view = this.#scratch;
          this.offset = 0;
        }
        return SAMPLE;
      }
      if (type === PerfRecordType.LOST) {
        // struct { header; u64 id; u64 lost; }
        this.lost = this.#u64((off + 16) & mask);
        return LOST;
      }
      this.advance();
    }
  }

  /** Move past the record `next()` returned, handing its space back to the kernel. */
  advance(): void {
    const tail = (this.#tail + this.#step) >>> 0;
    if (this.#overwritable) {
      this.#tail = tail;
      return;
    }
    if (tail < this.#tail) this.#tailHi = (this.#tailHi + 1) >>> 0;
    this.#storeTail(tail);
  }

  /** Release-store `data_tail` (forward rings): its low word, or all of it when the high word moved. */
  #storeTail(tail: number): void {
    if (this.#tailHi === this.#storedHi) {
      Atomics.store(this.#meta, TAIL_LO, tail);
    } else {
      const index = PerfMmapPage.dataTail >> 3;
      Atomics.store(this.#meta64, index, BigInt.asIntN(64, (BigInt(this.#tailHi) << 32n) | BigInt(tail)));
      this.#storedHi = this.#tailHi;
    }
    this.#tail = tail;
  }

  /** Stop (`true`) or restart the kernel's writing into this ring (4.7+). */
  pauseOutput(paused: boolean): void {
    perfEventIoctl(this.fd.raw, PerfIoctl.PAUSE_OUTPUT, paused ? 1 : 0);
  }

  /** Close the mapping and the event. Idempotent. */
  close(): void {
    try {
      this.#map.close();
    } finally {
      this.fd.close();
    }
  }

  #u64(at: number): number {
    const lo = this.#dataView.getUint32(at, LITTLE_ENDIAN);
    const hi = this.#dataView.getUint32((at + 4) & this.#mask, LITTLE_ENDIAN);
    return hi * 2 ** 32 + lo;
  }

  /**
   * Overwritable: pause the ring and read from the newest record back to where the previous
   * snapshot began, at most one ring's worth. Returns false when nothing new was written.
   */
  #snapshot(): boolean {
    const head = Atomics.load(this.#meta, HEAD_LO) >>> 0;
    if (head === this.#lastHead) return false;
    this.pauseOutput(true);
    const now = Atomics.load(this.#meta, HEAD_LO) >>> 0;
    // The kernel writes backwards: the bytes [now, lastHead) are new.
    const fresh = (this.#lastHead - now) >>> 0;
    this.#tail = now;
    this.#end = (now + Math.min(fresh, this.size)) >>> 0;
    this.#lastHead = now;
    this.#inSnapshot = true;
    return true;
  }

  #finishSnapshot(): void {
    if (!this.#inSnapshot) return;
    this.#inSnapshot = false;
    this.#tail = this.#end;
    this.pauseOutput(false);
  }
}

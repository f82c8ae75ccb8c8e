/**
 * The consumer side of a BPF ring buffer (`BPF_MAP_TYPE_RINGBUF`, Linux 5.8+), following the
 * kernel's protocol (`kernel/bpf/ringbuf.c`):
 *
 * - page 0 of the map holds `consumer_pos` and is mapped read-write; the producer page follows,
 *   then the data area, mapped read-only **twice in a row** (`2 * size` bytes at page offset 1),
 *   so a record that wraps past the end is still contiguous in our view;
 * - each record is an 8-byte header (`u32 len` with BUSY bit 31 and DISCARD bit 30, `u32 pg_off`)
 *   followed by `len` bytes, the whole padded to 8;
 * - the producer reserves a record (header written BUSY) before it release-stores `producer_pos`,
 *   and commits it later by exchanging the header's `len` (a full barrier after the sample's
 *   bytes); so `producer_pos` alone does not say a record is complete: the consumer must see the
 *   header's BUSY bit clear with acquire ordering before reading the sample, and release-store
 *   `consumer_pos` after it is done, so the kernel does not reuse the space while it is read.
 *
 * In JavaScript, `Atomics.load` / `Atomics.store` are sequentially consistent, which is at least
 * acquire / release: V8 emits `ldar`/`stlr` on arm64 and keeps program order on x86-64, and its
 * compiler does not move plain typed-array accesses across them. They work on the non-shared
 * ArrayBuffer over the mapping, but V8 does not inline them: each is a builtin call costing as much
 * as handling a whole small record. On x86-64 (and x86) an acquire load is a plain load — loads are
 * never reordered with later loads, which is why the kernel's `smp_load_acquire` there is a plain
 * load and a compiler barrier — and V8 keeps typed-array loads in program order, never merging
 * two loads of a header it reads once. So {@link RingbufRing.drain} reads headers with plain loads
 * there and with `Atomics.load` elsewhere. It publishes `consumer_pos` when it catches up with the
 * producer, every quarter of the ring and at the end, rather than per record: the producer only
 * sees the space freed a little later.
 *
 * Positions are 64-bit; we load the low 32 bits (differences between positions are smaller than
 * the data size, at most 1 GiB) and store `consumer_pos` as 32 bits while its high half is
 * unchanged — the kernel's 64-bit load then sees either the old or the new value — and as one
 * 64-bit `Atomics.store` when the high half changes.
 *
 * @module
 */
import { countLimit } from "../internal/count-limit.js";
import { LITTLE_ENDIAN } from "../syscall/layout.js";
import { Mmap, pageSize, PROT_READ, PROT_WRITE } from "../syscall/mmap.js";

/** `BPF_RINGBUF_BUSY_BIT`: reserved, not yet committed. */
const BUSY = 1 << 31;
/** `BPF_RINGBUF_DISCARD_BIT`: committed as discarded; skip it. */
const DISCARD = 1 << 30;
/** `BPF_RINGBUF_HDR_SZ`. */
const HEADER_SIZE = 8;

const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/** `next()` found nothing to read. */
const EMPTY = -1;
/** `next()` found a record still being written (reserved, not committed). */
const BUSY_RECORD = -2;

/** Whether a plain load is an acquire load on this CPU (see the module comment). */
const PLAIN_LOADS_ACQUIRE = process.arch === "x64" || process.arch === "ia32";

/**
 * A consumer of {@link RingbufRing.drain}: the sample is `data[offset, offset + length)`.
 *
 * @example
 * ```ts
 * const fn: DrainFn = (data, offset, length) => console.log(data[offset], length);
 * ```
 */
export type DrainFn = (data: Uint8Array, offset: number, length: number) => void;

/**
 * A consumer of {@link RingbufRing.drain} taking a view of the sample.
 *
 * @example
 * ```ts
 * const fn: DrainViewFn = (sample) => console.log(sample.byteLength);
 * ```
 */
export type DrainViewFn = (sample: Uint8Array) => void;

/**
 * The mapped ring and the consumer position. Not safe to use after `close()`; its owner guards.
 *
 * @example
 * ```ts
 * import { RingbufRing } from "./ring.js";
 * const ring = new RingbufRing(fd, 1 << 16);
 * const n = ring.drain(Infinity, (data, offset, length) => use(data.subarray(offset, offset + length)));
 * ring.close();
 * ```
 */
export class RingbufRing {
  /** The data area, twice over: `[0, size)` and its mirror `[size, 2 * size)`. */
  readonly data: Uint8Array;
  /** Length of the sample `next()` last found. */
  length = 0;
  /** Set to make a running `drain()` return after the current record. */
  stopped = false;
  readonly #consumer: Mmap;
  readonly #producer: Mmap;
  readonly #prod32: Int32Array;
  readonly #hdr32: Int32Array;
  readonly #cons32: Int32Array;
  readonly #cons64: BigInt64Array;
  readonly #hdrBase: number;
  readonly #mask: number;
  #consLo: number;
  #consHi: number;
  /** Low 32 bits of the producer position last loaded; reloaded only when we catch up. */
  #prodLo: number;
  /** Bytes `advance()` moves the consumer by. */
  #step = 0;
  /** The consumer position the producer last saw. */
  #publishedLo: number;
  #publishedHi: number;
  /** Bytes `drain()` may consume before publishing its position. */
  readonly #publishEvery: number;

  constructor(
    fd: number,
    /** Data area size: a power-of-two multiple of the page size. */
    readonly size: number,
  ) {
    const page = pageSize();
    this.#consumer = new Mmap(fd, page, PROT_READ | PROT_WRITE, 0, "ring buffer consumer page");
    try {
      this.#producer = new Mmap(fd, page + 2 * size, PROT_READ, page, "ring buffer data");
    } catch (err) {
      this.#consumer.close();
      throw err;
    }
    this.#prod32 = new Int32Array(this.#producer.buffer, 0, 2);
    this.#hdr32 = new Int32Array(this.#producer.buffer);
    this.#hdrBase = page >> 2;
    this.data = new Uint8Array(this.#producer.buffer, page, 2 * size);
    this.#cons32 = new Int32Array(this.#consumer.buffer, 0, 2);
    this.#cons64 = new BigInt64Array(this.#consumer.buffer, 0, 1);
    this.#mask = size - 1;
    this.#consLo = Atomics.load(this.#cons32, LO) >>> 0;
    this.#consHi = Atomics.load(this.#cons32, HI) >>> 0;
    this.#publishedLo = this.#consLo;
    this.#publishedHi = this.#consHi;
    this.#publishEvery = size >>> 2;
    this.#prodLo = this.#consLo;
  }

  /** Bytes written by the producer and not yet consumed (including headers and discarded records). */
  available(): number {
    return (Atomics.load(this.#prod32, LO) - this.#consLo) >>> 0;
  }

  /**
   * Hand every committed sample to `fn` in order, skipping discarded records, until the ring is
   * empty, the next record is still being written, `max` samples were handed out or `stopped` is
   * set. Returns the number of samples handed out; one whose `fn` throws counts as consumed and
   * the error propagates. The consumer position is published before returning.
   */
  drain(max: number, fn: DrainFn): number {
    const data = this.data;
    const hdr32 = this.#hdr32;
    const hdrBase = this.#hdrBase;
    const mask = this.#mask;
    const every = this.#publishEvery;
    // Positions as int32 in the loop: no heap numbers. It syncs them at least every quarter ring.
    let pos = this.#consLo | 0;
    let prod = this.#prodLo | 0;
    let mark = pos;
    let n = 0;
    // Locals, not module bindings: each of those is a load and a hole check per record.
    const limit = countLimit(max);
    const busy = BUSY;
    const discard = DISCARD;
    const headerSize = HEADER_SIZE;
    const plainLoads = PLAIN_LOADS_ACQUIRE;
    try {
      while (n < limit && !this.stopped) {
        if (pos === prod) {
          prod = this.#catchUp(pos);
          mark = pos;
          if (pos === prod) break;
        }
        const at = hdrBase + ((pos & mask) >> 2);
        const len = plainLoads ? hdr32[at]! : Atomics.load(hdr32, at);
        if ((len & busy) !== 0) break;
        const sampleLen = len & ~discard;
        // Moved before the call: a sample whose consumer throws counts as consumed.
        const offset = (pos & mask) + headerSize;
        pos = (pos + ((sampleLen + headerSize + 7) & ~7)) | 0;
        if ((len & discard) === 0) {
          n++;
          fn(data, offset, sampleLen);
        }
        if (((pos - mark) | 0) >= every) {
          this.#sync(pos);
          mark = pos;
        }
      }
    } finally {
      this.#sync(pos);
    }
    return n;
  }

  /**
   * {@link drain} handing out a fresh view of each sample (about half the cost of `subarray`).
   * The loop is a copy: one function calling both kinds of consumer would be optimized for one.
   */
  drainViews(max: number, fn: DrainViewFn): number {
    const buffer = this.data.buffer;
    const base = this.data.byteOffset;
    const hdr32 = this.#hdr32;
    const hdrBase = this.#hdrBase;
    const mask = this.#mask;
    const every = this.#publishEvery;
    let pos = this.#consLo | 0;
    let prod = this.#prodLo | 0;
    let mark = pos;
    let n = 0;
    // Locals, not module bindings: each of those is a load and a hole check per record.
    const limit = countLimit(max);
    const busy = BUSY;
    const discard = DISCARD;
    const headerSize = HEADER_SIZE;
    const plainLoads = PLAIN_LOADS_ACQUIRE;
    try {
      while (n < limit && !this.stopped) {
        if (pos === prod) {
          prod = this.#catchUp(pos);
          mark = pos;
          if (pos === prod) break;
        }
        const at = hdrBase + ((pos & mask) >> 2);
        const len = plainLoads ? hdr32[at]! : Atomics.load(hdr32, at);
        if ((len & busy) !== 0) break;
        const sampleLen = len & ~discard;
        const offset = (pos & mask) + headerSize;
        pos = (pos + ((sampleLen + headerSize + 7) & ~7)) | 0;
        if ((len & discard) === 0) {
          n++;
          fn(new Uint8Array(buffer, base + offset, sampleLen));
        }
        if (((pos - mark) | 0) >= every) {
          this.#sync(pos);
          mark = pos;
        }
      }
    } finally {
      this.#sync(pos);
    }
    return n;
  }

  /**
   * Find the next committed record, skipping discarded ones. Returns the sample's offset in
   * `data` (its length in `length`), -1 when the ring is empty, or -2 when the next record is still
   * being written (reserved, not committed: the producer will commit it shortly). The sample stays valid
   * until `advance()`.
   */
  next(): number {
    for (;;) {
      const cons = this.#consLo;
      if (this.#prodLo === cons) {
        this.#prodLo = Atomics.load(this.#prod32, LO) >>> 0;
        if (this.#prodLo === cons) return EMPTY;
      }
      const off = cons & this.#mask;
      const len = Atomics.load(this.#hdr32, this.#hdrBase + (off >> 2));
      if ((len & BUSY) !== 0) return BUSY_RECORD;
      const sampleLen = len & ~DISCARD;
      this.#step = (sampleLen + HEADER_SIZE + 7) & ~7;
      if ((len & DISCARD) === 0) {
        this.length = sampleLen;
        return off + HEADER_SIZE;
      }
      this.advance();
    }
  }

  /** Release the record `next()` found to the producer. */
  advance(): void {
    const lo = (this.#consLo + this.#step) >>> 0;
    if (lo < this.#consLo) this.#consHi = (this.#consHi + 1) >>> 0;
    this.#consLo = lo;
    this.publish();
  }

  /** Tell the producer how far the consumer is (a release store of consumer_pos), if it moved. */
  publish(): void {
    const lo = this.#consLo;
    if (lo === this.#publishedLo && this.#consHi === this.#publishedHi) return;
    if (this.#consHi === this.#publishedHi) {
      Atomics.store(this.#cons32, LO, lo);
    } else {
      // The low half wrapped: publish all 64 bits at once.
      Atomics.store(this.#cons64, 0, BigInt.asIntN(64, (BigInt(this.#consHi) << 32n) | BigInt(lo)));
    }
    this.#publishedLo = lo;
    this.#publishedHi = this.#consHi;
  }

  /**
   * Record and publish `drain()`'s position. It moved by at most a quarter ring and a record since
   * the last sync, far less than 4 GiB, so the low word wrapped at most once.
   */
  #sync(pos: number): void {
    const lo = pos >>> 0;
    if (lo < this.#consLo) this.#consHi = (this.#consHi + 1) >>> 0;
    this.#consLo = lo;
    this.publish();
  }

  /** `drain()` caught up with the producer at `pos`: publish, then see how far it is now. */
  #catchUp(pos: number): number {
    this.#sync(pos);
    // Acquire: the headers up to the new position were written before the producer published it.
    const prod = Atomics.load(this.#prod32, LO);
    this.#prodLo = prod >>> 0;
    return prod;
  }

  /** Unmap. Idempotent. */
  close(): void {
    try {
      this.#producer.close();
    } finally {
      this.#consumer.close();
    }
  }
}

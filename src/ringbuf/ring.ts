/**
 * The consumer side of a BPF ring buffer (`BPF_MAP_TYPE_RINGBUF`, Linux 5.8+), following the
 * kernel's protocol (`kernel/bpf/ringbuf.c`):
 *
 * - page 0 of the map holds `consumer_pos` and is mapped read-write; the producer page follows,
 *   then the data area, mapped read-only **twice in a row** (`2 * size` bytes at page offset 1),
 *   so a record that wraps past the end is still contiguous in our view;
 * - each record is an 8-byte header (`u32 len` with BUSY bit 31 and DISCARD bit 30, `u32 pg_off`)
 *   followed by `len` bytes, the whole padded to 8;
 * - the producer publishes with a release-store of `producer_pos` and of the header's `len`; the
 *   consumer must acquire-load them before reading a sample, and release-store `consumer_pos` after
 *   it is done, so the kernel does not reuse the space while the sample is read.
 *
 * In JavaScript, `Atomics.load` / `Atomics.store` are sequentially consistent, which is at least
 * acquire / release: V8 emits `ldar`/`stlr` on arm64 and keeps program order on x86-64, and its
 * compiler does not move plain typed-array accesses across them. They work on the non-shared
 * ArrayBuffer over the mapping. Positions are 64-bit; we load the low 32 bits (differences between
 * positions are smaller than the data size, at most 2 GiB) and store `consumer_pos` as 32 bits while
 * its high half is unchanged — the kernel's 64-bit load then sees either the old or the new value —
 * and as one 64-bit `Atomics.store` when the high half changes.
 *
 * @module
 */
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

/**
 * The mapped ring and the consumer position. Not safe to use after `close()`; its owner guards.
 *
 * @example
 * ```ts
 * import { RingbufRing } from "./ring.js";
 * const ring = new RingbufRing(fd, 1 << 16);
 * const at = ring.next();
 * if (at >= 0) { use(ring.data.subarray(at, at + ring.length)); ring.advance(); }
 * ring.close();
 * ```
 */
export class RingbufRing {
  /** The data area, twice over: `[0, size)` and its mirror `[size, 2 * size)`. */
  readonly data: Uint8Array;
  /** Length of the sample `next()` last found. */
  length = 0;
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
  /** Bytes a batch consumer may hold back before publishing. */
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
    this.#publishEvery = Math.max(1, size >>> 2);
    this.#prodLo = this.#consLo;
  }

  /** Bytes written by the producer and not yet consumed (including headers and discarded records). */
  available(): number {
    return (Atomics.load(this.#prod32, LO) - this.#consLo) >>> 0;
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
    this.#move();
    this.publish();
  }

  /**
   * Move past the record `next()` found without telling the producer yet: batch consumers publish
   * once per batch (and every quarter of the ring), which saves an atomic store per record.
   */
  advanceLazily(): void {
    this.#move();
    if (((this.#consLo - this.#publishedLo) >>> 0) >= this.#publishEvery) this.publish();
  }

  /** Tell the producer how far the consumer is (a release store of consumer_pos). */
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

  #move(): void {
    const lo = (this.#consLo + this.#step) >>> 0;
    if (lo < this.#consLo) this.#consHi = (this.#consHi + 1) >>> 0;
    this.#consLo = lo;
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

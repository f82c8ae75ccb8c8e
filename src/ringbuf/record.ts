/**
 * A record read from a ring buffer.
 *
 * @module
 */

/**
 * One sample and how much is left behind it.
 *
 * @example
 * ```ts
 * const { sample, remaining } = await reader.read();
 * console.log(sample.byteLength, "bytes,", remaining, "bytes still unread");
 * ```
 */
export interface Record {
  /** The sample as the BPF program wrote it (`bpf_ringbuf_output` / `_submit`). */
  sample: Uint8Array;
  /** Bytes still unread in the ring after this record (headers included). */
  remaining: number;
}

/**
 * An empty record for {@link Reader.readInto}, whose sample buffer grows to the largest sample
 * read into it and is reused after that.
 *
 * @example
 * ```ts
 * import { newRecord } from "ebpf/ringbuf";
 * const rec = newRecord();
 * await reader.readInto(rec);
 * ```
 */
export function newRecord(capacity = 0): Record {
  return { sample: new Uint8Array(capacity).subarray(0, 0), remaining: 0 };
}

/**
 * Copy `data[at, at + length)` into `rec.sample`, reusing its buffer when it is large enough (and
 * the view itself when the length is unchanged: fixed-size records allocate nothing).
 *
 * @example
 * ```ts
 * fillSample(rec, ring.data, at, ring.length);
 * ```
 */
export function fillSample(rec: { sample: Uint8Array }, data: Uint8Array, at: number, length: number): void {
  const src = new Uint8Array(data.buffer, data.byteOffset + at, length);
  const old = rec.sample;
  if (old.byteLength === length && old.byteOffset === 0) {
    old.set(src);
    return;
  }
  let buf = old.buffer;
  if (buf.byteLength < length || old.byteOffset !== 0) {
    buf = new ArrayBuffer(Math.max(length, 2 * buf.byteLength));
  }
  const out = new Uint8Array(buf, 0, length);
  out.set(src);
  rec.sample = out;
}

/**
 * Perf event array samples decoded to plain values by a BTF codec, on top of the reader's public
 * `consumeRaw` / `readInto`.
 *
 * @module
 */
import type { CodecOptions, Codec, Spec as BTFSpec } from "../btf/index.js";
import { sampleCodec, shortSample, type SampleType } from "../ringbuf/typed.js";
import type { ReadOptions } from "../ringbuf/wait.js";
import type { Reader } from "./reader.js";
import { newRecord } from "./record.js";

/**
 * One decoded sample, or a report of lost samples (then `value` is undefined).
 *
 * @example
 * ```ts
 * const rec = await events.read();
 * if (rec.value === undefined) console.warn(`cpu ${rec.cpu}: lost ${rec.lostSamples}`);
 * ```
 */
export interface TypedRecord<T> {
  /** The CPU whose ring held the record. */
  cpu: number;
  /** The decoded sample; undefined for a loss report. */
  value: T | undefined;
  /** For a loss report: how many samples the kernel dropped; else 0. */
  lostSamples: number;
  /** Bytes still unread in this CPU's ring after this record. */
  remaining: number;
}

/**
 * A perf {@link Reader} whose samples come out decoded (see `Codec` in `ebpf/btf`). The kernel
 * pads perf samples, so a sample longer than the type decodes its first `codec.size` bytes; a
 * shorter one is an error (`CodecError`). Made by {@link Reader.typed}; closing stays the raw
 * reader's job.
 *
 * @example
 * ```ts
 * using reader = newReader(coll.maps.events, 4096);
 * const events = reader.typed<{ pid: number }>("event", spec.types);
 * events.consume((e, cpu) => console.log(cpu, e.pid));
 * ```
 */
export class TypedReader<T> {
  readonly #record = newRecord();

  constructor(
    /** The raw reader. */
    readonly reader: Reader,
    /** The codec samples are decoded with. */
    readonly codec: Codec<T>,
  ) {}

  /**
   * The next record from any CPU, decoded, waiting for one if every ring is empty.
   *
   * @example
   * ```ts
   * const { cpu, value } = await events.read({ timeout: 1000 });
   * ```
   */
  async read(options?: ReadOptions): Promise<TypedRecord<T>> {
    const rec = this.#record;
    await this.reader.readInto(rec, options);
    let value: T | undefined;
    if (rec.lostSamples === 0) {
      if (rec.sample.length < this.codec.size) throw shortSample(this.codec, rec.sample.length);
      value = this.codec.decode(rec.sample);
    }
    return { cpu: rec.cpu, value, lostSamples: rec.lostSamples, remaining: rec.remaining };
  }

  /**
   * Decode every sample buffered now and hand each to `fn` with its CPU; loss reports are
   * counted in `lostSamples`. Only the decoded values are allocated.
   *
   * @example
   * ```ts
   * const { samples, lostSamples } = events.consume((e, cpu) => handle(e, cpu));
   * ```
   */
  consume(fn: (value: T, cpu: number) => void, max = Infinity): { samples: number; lostSamples: number } {
    const codec = this.codec;
    const size = codec.size;
    return this.reader.consumeRaw((data, offset, length, cpu) => {
      if (length < size) throw shortSample(codec, length);
      fn(codec.decode(data, offset), cpu);
    }, max);
  }

  /**
   * Decoded records until the reader is closed.
   *
   * @example
   * ```ts
   * for await (const { value } of events) if (value) handle(value);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<TypedRecord<T>, void, undefined> {
    for await (const rec of this.reader) {
      let value: T | undefined;
      if (rec.lostSamples === 0) {
        if (rec.sample.length < this.codec.size) throw shortSample(this.codec, rec.sample.length);
        value = this.codec.decode(rec.sample);
      }
      yield { cpu: rec.cpu, value, lostSamples: rec.lostSamples, remaining: rec.remaining };
    }
  }
}

/**
 * The typed view of `reader`; see {@link Reader.typed}.
 *
 * @example
 * ```ts
 * const events = typedReader<Event>(reader, "event", spec.types);
 * ```
 */
export function typedReader<T>(reader: Reader, type: SampleType<T>, types?: BTFSpec, options?: CodecOptions): TypedReader<T> {
  return new TypedReader(reader, sampleCodec(type, types, options));
}

/**
 * Ring buffer samples decoded to plain values by a BTF codec, on top of the reader's public
 * `consumeRaw` / `readInto`.
 *
 * @module
 */
import { codecFor, CodecError, type Codec, type CodecOptions, type Spec as BTFSpec, type Type } from "../btf/index.js";
import { ArgumentError } from "../errors.js";
import type { Reader } from "./reader.js";
import { newRecord } from "./record.js";
import type { ReadOptions } from "./wait.js";

/**
 * What a typed reader decodes samples as: a codec, a BTF type, or the name of a type in `types`
 * (usually the collection spec's `types`).
 *
 * @example
 * ```ts
 * const what: SampleType<Event> = "event";
 * ```
 */
export type SampleType<T> = Codec<T> | Type | string;

/**
 * The codec for `type`: itself when it is one, else compiled for the BTF type (looked up by name
 * in `types` for a string).
 *
 * @example
 * ```ts
 * const codec = sampleCodec<Event>("event", spec.types);
 * ```
 */
export function sampleCodec<T>(type: SampleType<T>, types?: BTFSpec, options?: CodecOptions): Codec<T> {
  if (typeof type === "string") {
    if (types === undefined) throw new ArgumentError(`sample type ${type} given by name needs the BTF spec to find it in`);
    return codecFor<T>(types.typeByName(type), options);
  }
  if (typeof (type as Codec<T>).decode === "function") return type as Codec<T>;
  return codecFor<T>(type as Type, options);
}

/**
 * A sample shorter than the type it should decode as.
 *
 * @example
 * ```ts
 * throw shortSample(codec, 12);
 * ```
 */
export function shortSample(codec: Codec, length: number): CodecError {
  return new CodecError("", `sample of ${length} bytes is shorter than the type (${codec.size} bytes)`);
}

/**
 * A ring buffer {@link Reader} whose samples come out decoded (see `Codec` in `ebpf/btf` for how
 * values look). Samples shorter than the type are an error (`CodecError`); longer ones decode
 * their first `codec.size` bytes. Made by {@link Reader.typed}; closing stays the raw reader's
 * job.
 *
 * @example
 * ```ts
 * using reader = newReader(coll.maps.events);
 * const events = reader.typed<{ pid: number; comm: string }>("event", spec.types);
 * for await (const e of events) console.log(e.pid, e.comm);
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
   * The next sample, decoded, waiting for one if the ring is empty.
   *
   * @example
   * ```ts
   * const e = await events.read({ timeout: 1000 });
   * ```
   */
  async read(options?: ReadOptions): Promise<T> {
    const rec = this.#record;
    await this.reader.readInto(rec, options);
    if (rec.sample.length < this.codec.size) throw shortSample(this.codec, rec.sample.length);
    return this.codec.decode(rec.sample);
  }

  /**
   * Decode every sample available now without waiting and hand each to `fn`; returns how many
   * were consumed (at most `max`). Only the decoded values are allocated.
   *
   * @example
   * ```ts
   * let n = 0;
   * events.consume((e) => { if (e.pid === 1) n++; });
   * ```
   */
  consume(fn: (value: T) => void, max = Infinity): number {
    const codec = this.codec;
    const size = codec.size;
    return this.reader.consumeRaw((data, offset, length) => {
      if (length < size) throw shortSample(codec, length);
      fn(codec.decode(data, offset));
    }, max);
  }

  /**
   * Decoded samples until the reader is closed.
   *
   * @example
   * ```ts
   * for await (const e of events) handle(e);
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const rec of this.reader) {
      if (rec.sample.length < this.codec.size) throw shortSample(this.codec, rec.sample.length);
      yield this.codec.decode(rec.sample);
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

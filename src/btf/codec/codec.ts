/**
 * `codecFor(type)`: encode plain JavaScript values to the bytes a BPF program sees, and decode
 * them back, following the type's BTF layout.
 *
 * @module
 */
import { ArgumentError } from "../../errors.js";
import { typeLabel } from "./label.js";
import { typeSize } from "../size.js";
import type { Type } from "../types.js";
import { compileUnit, type DecodeFn, type EncodeFn, type EnumMode } from "./compile.js";
import { CodecError } from "./errors.js";

/**
 * Options of {@link codecFor}.
 *
 * @example
 * ```ts
 * const opts: CodecOptions = { enums: "number" };
 * ```
 */
export interface CodecOptions {
  /**
   * How enum values decode. `"name"` (the default): the enumerator's name when the value is one
   * (the first name for aliased values), else the number (bigint for 8-byte enums) — names are
   * what a reader wants and unknown values (flags, newer kernels) still come through. `"number"`:
   * always the number / bigint. Encoding takes either form in both modes.
   */
  readonly enums?: EnumMode;
}

/**
 * Encodes values of one BTF type to bytes and decodes them back. Made by {@link codecFor};
 * compiled once per type, so `decode` allocates only its result and `encode` only the returned
 * buffer when none is given.
 *
 * Values (`T`) look like this, by BTF kind:
 * - integers of 1, 2 and 4 bytes: `number`; of 8 and 16 bytes: `bigint` (encoding also takes a
 *   safe-integer `number`); `bool`: `boolean`.
 * - enums: see {@link CodecOptions.enums}.
 * - `float` / `double`: `number` (other float sizes: `Uint8Array` of their bytes).
 * - pointers: `bigint` (the address).
 * - arrays of `char`: `string` — NUL-terminated UTF-8, decoded up to the first NUL; encoding a
 *   string of more UTF-8 bytes than the array holds is an error (exactly as many is allowed, with
 *   no NUL, as the kernel allows for `comm`).
 * - arrays of other 1-byte integers (`__u8`, `unsigned char`): `Uint8Array` of exactly the
 *   array's length. Other arrays: a JavaScript array of exactly `nelems` elements.
 * - structs: an object with one property per named member; members of an anonymous struct or
 *   union member appear directly on the outer object, as in C. Bitfields take the JavaScript type
 *   of their declared type. Members holding kernel-owned structs (`bpf_spin_lock`, `bpf_timer`,
 *   `bpf_list_head` …) are left out and written as zero.
 * - unions: decoding gives every member's view of the bytes; encoding writes every member present
 *   in the object, in declaration order (so a decoded union round-trips; where members given
 *   together overlap, the later one wins) and needs at least one.
 * - typedefs, `const`, `volatile`, `restrict` and type tags are transparent; a `Var` is its type; a
 *   data section (`.data`, `.bss` …) is an object of its variables.
 *
 * Encoding checks every value (range, type, length) and throws {@link CodecError} naming the
 * member path; every named member must be given (a missing one is an error, not a silent zero);
 * properties the type does not have are ignored; padding and unnamed bits are written as zero.
 * Decoding a buffer shorter than `size` throws {@link CodecError}; longer is fine (perf samples
 * are padded).
 *
 * A codec keeps a view of the last ArrayBuffer it read or wrote, so that repeated calls on the
 * same memory (a ring buffer, a map's scratch) do not allocate.
 *
 * @example
 * ```ts
 * import { loadCollectionSpec } from "ebpf";
 * import { codecFor } from "ebpf/btf";
 * const spec = await loadCollectionSpec("bpf/codec_types.o");
 * const point = codecFor<{ x: number; y: number }>(spec.types!.typeByName("point"));
 * const bytes = point.encode({ x: 1, y: -2 }); // Uint8Array [1, 0, 0, 0, 254, 255, 255, 255]
 * point.decode(bytes); // { x: 1, y: -2 }
 * ```
 */
export interface Codec<T = unknown> {
  /** The type the codec is for. */
  readonly type: Type;
  /** Bytes of one value (C `sizeof`). */
  readonly size: number;
  /**
   * Write `value` into `into` at `offset` (a new `Uint8Array(size)` when `into` is not given) and
   * return the buffer. The `size` bytes are zeroed first.
   */
  encode(value: T, into?: Uint8Array, offset?: number): Uint8Array;
  /** The value in `bytes` at `offset`. */
  decode(bytes: Uint8Array, offset?: number): T;
}

const cache: Record<EnumMode, WeakMap<Type, Codec>> = { name: new WeakMap(), number: new WeakMap() };

/**
 * The codec of `type` (see {@link Codec} for how values look). Compiled on first use and cached
 * with the type object, so calling it again for the same type is cheap.
 *
 * @throws {BTFError} for types with no value (void, functions, forward declarations) or layouts
 *   the codec cannot represent.
 * @example
 * ```ts
 * import { codecFor, Int, IntEncoding } from "ebpf/btf";
 * const s32 = codecFor<number>(new Int({ name: "int", size: 4, encoding: IntEncoding.Signed }));
 * s32.decode(s32.encode(-5)); // -5
 * ```
 */
export function codecFor<T = unknown>(type: Type, options: CodecOptions = {}): Codec<T> {
  const mode: EnumMode = options.enums ?? "name";
  if (mode !== "name" && mode !== "number") throw new ArgumentError(`codec option enums must be "name" or "number", got ${String(mode)}`);
  let codec = cache[mode].get(type);
  if (codec === undefined) {
    const unit = compileUnit(type, mode, 0);
    codec = new CompiledCodec(type, typeSize(type), unit.decode, unit.encode, typeLabel(type));
    cache[mode].set(type, codec);
  }
  return codec as Codec<T>;
}

class CompiledCodec implements Codec {
  readonly type: Type;
  readonly size: number;
  readonly #decode: DecodeFn;
  readonly #encode: EncodeFn;
  readonly #label: string;
  #buffer: ArrayBufferLike | undefined;
  /** The last array given, and its byteOffset: reading `.buffer` / `.byteOffset` costs a getter call each. */
  #array: Uint8Array | undefined;
  #base = 0;
  #view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  #bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);

  constructor(type: Type, size: number, decode: DecodeFn, encode: EncodeFn, labelText: string) {
    this.type = type;
    this.size = size;
    this.#decode = decode;
    this.#encode = encode;
    this.#label = labelText;
  }

  decode(bytes: Uint8Array, offset = 0): unknown {
    if (!(bytes instanceof Uint8Array)) throw new CodecError("", `decode needs a Uint8Array, got ${typeof bytes}`, this.#label);
    // A detached array has length 0, so this also keeps the cached view of a detached buffer unused.
    if (offset !== offset >>> 0 || bytes.length - offset < this.size) throw this.#short(bytes, offset);
    if (bytes !== this.#array) this.#bind(bytes);
    return this.#decode(this.#view, this.#bytes, this.#base + offset);
  }

  encode(value: unknown, into?: Uint8Array, offset = 0): Uint8Array {
    if (into === undefined) {
      into = new Uint8Array(this.size);
      offset = 0;
    } else if (!(into instanceof Uint8Array)) {
      throw new CodecError("", `encode needs a Uint8Array to write into, got ${typeof into}`, this.#label);
    } else if (offset !== offset >>> 0 || into.length - offset < this.size) {
      throw this.#short(into, offset);
    }
    if (into !== this.#array) this.#bind(into);
    const o = this.#base + offset;
    const b = this.#bytes;
    const end = o + this.size;
    // Small values (map keys) are zeroed faster byte by byte than through a fill() call.
    if (this.size <= 32) for (let i = o; i < end; i++) b[i] = 0;
    else b.fill(0, o, end);
    try {
      this.#encode(value, this.#view, b, o);
    } catch (err) {
      throw err instanceof CodecError ? err.labelled(this.#label) : err;
    }
    return into;
  }

  #bind(array: Uint8Array): void {
    const buffer = array.buffer;
    this.#array = array;
    this.#base = array.byteOffset;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    this.#view = new DataView(buffer);
    this.#bytes = new Uint8Array(buffer);
  }

  #short(bytes: Uint8Array, offset: number): CodecError {
    return new CodecError("", `needs ${this.size} bytes at offset ${offset}, buffer has ${bytes.length}`, this.#label);
  }
}

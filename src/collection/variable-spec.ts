/**
 * Global variables of an object (`.data`, `.rodata`, `.bss` …) as pure data: readable and
 * settable before load, backed by the initial value of their section's map.
 *
 * @module
 */
import { endianness } from "node:os";
import type { CodecOptions, Type } from "../btf/index.js";
import { ArgumentError } from "../errors.js";
import { isSignedInt, writeScalar } from "./scalar.js";
import { encodeVariable, variableCodec } from "./variable.js";

/**
 * One global variable in a data section. Reads and writes go to the section map's initial
 * contents, so a change before `newCollection` is what the program sees when it starts.
 *
 * @example
 * ```ts
 * import { loadCollectionSpec } from "ebpf";
 * const spec = await loadCollectionSpec("bpf/globals.o");
 * spec.variables.cfg_multiplier.set(5);
 * spec.variables.cfg_multiplier.get(); // Uint8Array [5, 0, 0, 0]
 * ```
 */
export class VariableSpec {
  constructor(
    /** The variable's name. */
    readonly name: string,
    /** The data section (and map) holding it: `.data`, `.rodata.config` … */
    readonly sectionName: string,
    /** Byte offset inside the section. */
    readonly offset: number,
    /** Size in bytes. */
    readonly size: number,
    /** Its BTF type, when the object has BTF. */
    readonly type: Type | undefined,
    /** True for `.rodata*`: the program sees it as a constant. */
    readonly readonly: boolean,
    /** The section's whole initial value (shared by every variable of the section). */
    private readonly section: Uint8Array,
    private readonly littleEndian: boolean,
  ) {
    if (offset + size > section.byteLength) {
      throw new ArgumentError(
        `variable ${name}: [${offset}, ${offset + size}) outside section ${sectionName} (${section.byteLength} bytes)`,
      );
    }
  }

  /** A copy of the variable's current bytes. */
  get(): Uint8Array {
    return this.section.slice(this.offset, this.offset + this.size);
  }

  /**
   * Set the initial value: bytes of exactly `size`, or a number / bigint for 1-, 2-, 4- and
   * 8-byte integers (written in the object's byte order).
   */
  set(value: Uint8Array | number | bigint): void {
    if (value instanceof Uint8Array) {
      if (value.byteLength !== this.size) {
        throw new ArgumentError(`variable ${this.name}: value must be ${this.size} bytes, got ${value.byteLength}`);
      }
      this.section.set(value, this.offset);
      return;
    }
    const view = new DataView(this.section.buffer, this.section.byteOffset + this.offset, this.size);
    writeScalar(view, value, isSignedInt(this.type), this.name, this.littleEndian);
  }

  /**
   * The initial value decoded by the codec of the variable's BTF type (see `Codec` in
   * `ebpf/btf`).
   *
   * @throws {MissingTypeError} when the object has no BTF for the variable.
   * @example
   * ```ts
   * spec.variables.cfg_name.getValue<string>(); // "default"
   * ```
   */
  getValue<T = unknown>(options?: CodecOptions): T {
    this.#sameOrder();
    return variableCodec<T>(this.name, this.type, this.size, options).decode(this.section, this.offset);
  }

  /**
   * Set the initial value from a plain value, encoded by the codec of the variable's BTF type.
   *
   * @throws {MissingTypeError} when the object has no BTF for the variable.
   * @throws {CodecError} for a value that does not fit the type.
   * @example
   * ```ts
   * spec.variables.cfg_limits.setValue({ max: 10, min: 1 });
   * ```
   */
  setValue<T = unknown>(value: T, options?: CodecOptions): void {
    this.#sameOrder();
    // Encoded aside first, so a value that fails half-way leaves the section as it was.
    this.section.set(encodeVariable(this.name, variableCodec<T>(this.name, this.type, this.size, options), value), this.offset);
  }

  // Codecs read and write in the host's byte order, which is the kernel's.
  #sameOrder(): void {
    if (this.littleEndian !== (endianness() === "LE")) {
      throw new ArgumentError(`variable ${this.name}: the object's byte order is not the host's; typed values need a native object`);
    }
  }

}

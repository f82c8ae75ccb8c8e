/**
 * Global variables after load: read and written in the data section's map, through a shared
 * mapping when the map is mmap-able (5.5+), else through lookup/update of its single value.
 *
 * @module
 */
import { codecFor, CodecError, type Codec, type CodecOptions, type Type } from "../btf/index.js";
import { ArgumentError } from "../errors.js";
import type { BpfMap } from "../map/index.js";
import { MapFlags } from "../map/types.js";
import { MissingTypeError } from "../map/typed.js";
import { LITTLE_ENDIAN } from "../syscall/layout.js";
import { Mmap, pageSize, PROT_READ, PROT_WRITE } from "../syscall/mmap.js";
import { isSignedInt, writeScalar } from "./scalar.js";
import type { VariableSpec } from "./variable-spec.js";

/**
 * A loaded global variable. `.rodata` variables are read-only: their map is frozen.
 *
 * @example
 * ```ts
 * using coll = newCollection(spec);
 * coll.variables.counter.get(); // the bytes the program sees now
 * coll.variables.threshold.set(10);
 * ```
 */
export class Variable {
  constructor(
    readonly name: string,
    readonly offset: number,
    readonly size: number,
    readonly type: Type | undefined,
    readonly readonly: boolean,
    private readonly map: BpfMap,
    private readonly memory: Mmap | undefined,
  ) {}

  /** A copy of the variable's current bytes. */
  get(): Uint8Array {
    if (this.memory) {
      this.memory.check();
      return new Uint8Array(this.memory.buffer, this.offset, this.size).slice();
    }
    return this.map.lookup(0)!.slice(this.offset, this.offset + this.size);
  }

  /** Write bytes of exactly `size`, or an integer for 1-, 2-, 4- and 8-byte variables. */
  set(value: Uint8Array | number | bigint): void {
    if (this.readonly) throw new ArgumentError(`variable ${this.name} is read-only (.rodata is frozen after load)`);
    const bytes = new Uint8Array(this.size);
    if (value instanceof Uint8Array) {
      if (value.byteLength !== this.size) {
        throw new ArgumentError(`variable ${this.name}: value must be ${this.size} bytes, got ${value.byteLength}`);
      }
      bytes.set(value);
    } else {
      writeScalar(new DataView(bytes.buffer), value, isSignedInt(this.type), this.name, LITTLE_ENDIAN);
    }
    if (this.memory) {
      this.memory.check();
      new Uint8Array(this.memory.buffer, this.offset, this.size).set(bytes);
      return;
    }
    const whole = this.map.lookup(0)!;
    whole.set(bytes, this.offset);
    this.map.update(0, whole);
  }

  /**
   * The current value decoded by the codec of the variable's BTF type (see `Codec` in
   * `ebpf/btf`: numbers, bigints, strings for `char` arrays, objects for structs).
   *
   * @throws {MissingTypeError} when the object has no BTF for the variable.
   * @example
   * ```ts
   * const cfg = coll.variables.config.getValue<{ verbose: boolean; port: number }>();
   * ```
   */
  getValue<T = unknown>(options?: CodecOptions): T {
    const codec = this.#codec<T>(options);
    if (this.memory) {
      this.memory.check();
      return codec.decode(new Uint8Array(this.memory.buffer), this.offset);
    }
    return codec.decode(this.map.lookup(0)!, this.offset);
  }

  /**
   * Encode `value` with the codec of the variable's BTF type and write it (every member must be
   * given; see `Codec` in `ebpf/btf`).
   *
   * @throws {MissingTypeError} when the object has no BTF for the variable.
   * @throws {CodecError} for a value that does not fit the type.
   * @example
   * ```ts
   * coll.variables.counters.setValue({ packets: 0n, bytes: 0n });
   * ```
   */
  setValue<T = unknown>(value: T, options?: CodecOptions): void {
    if (this.readonly) throw new ArgumentError(`variable ${this.name} is read-only (.rodata is frozen after load)`);
    this.set(encodeVariable(this.name, this.#codec<T>(options), value));
  }

  #codec<T>(options: CodecOptions | undefined): Codec<T> {
    return variableCodec<T>(this.name, this.type, this.size, options);
  }
}

/**
 * The variables of `specs` whose section maps were loaded, sharing one mapping per mmap-able map
 * (returned in `mappings` for the collection to unmap on close).
 *
 * @example
 * ```ts
 * const { variables, mappings } = loadedVariables(spec.variables, coll.maps);
 * ```
 */
export function loadedVariables(
  specs: Readonly<Record<string, VariableSpec>>,
  maps: Readonly<Record<string, BpfMap>>,
): { variables: Record<string, Variable>; mappings: Mmap[] } {
  const variables: Record<string, Variable> = {};
  const bySection = new Map<string, Mmap | undefined>();
  const mappings: Mmap[] = [];
  try {
    for (const v of Object.values(specs)) {
      const map = maps[v.sectionName];
      if (!map) continue;
      if (!bySection.has(v.sectionName)) {
        let memory: Mmap | undefined;
        if ((map.flags & MapFlags.BPF_F_MMAPABLE) !== 0) {
          const length = Math.ceil(map.valueSize / pageSize()) * pageSize();
          memory = new Mmap(map.fd, length, v.readonly ? PROT_READ : PROT_READ | PROT_WRITE, 0, `map ${v.sectionName}`);
          mappings.push(memory);
        }
        bySection.set(v.sectionName, memory);
      }
      variables[v.name] = new Variable(v.name, v.offset, v.size, v.type, v.readonly, map, bySection.get(v.sectionName));
    }
  } catch (err) {
    for (const m of mappings) m.close();
    throw err;
  }
  return { variables, mappings };
}

/**
 * The codec of a variable's type, checked against its size.
 *
 * @example
 * ```ts
 * const codec = variableCodec("counter", spec.variables.counter.type, 8, undefined);
 * ```
 */
export function variableCodec<T>(name: string, type: Type | undefined, size: number, options: CodecOptions | undefined): Codec<T> {
  if (type === undefined) throw new MissingTypeError(`variable ${name} has no BTF type (the object was built without -g)`);
  const codec = codecFor<T>(type, options);
  if (codec.size !== size) throw new ArgumentError(`variable ${name}: its BTF type is ${codec.size} bytes, the variable ${size}`);
  return codec;
}

/**
 * `value` encoded by `codec`, with errors labelled by the variable's name.
 *
 * @example
 * ```ts
 * const bytes = encodeVariable("origin", codec, { x: 1, y: 2 });
 * ```
 */
export function encodeVariable<T>(name: string, codec: Codec<T>, value: T): Uint8Array {
  try {
    return codec.encode(value);
  } catch (err) {
    throw err instanceof CodecError ? err.labelled(`variable ${name}`) : err;
  }
}

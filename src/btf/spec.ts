/**
 * `Spec`: the types of one BTF blob, decoded lazily.
 *
 * @module
 */

import { BTFError } from "../errors.js";
import { decodeType, type DecodeContext } from "./decode.js";
import type { ByteOrder } from "./header.js";
import { Kind, kindName } from "./kind.js";
import { typeIDsNamed } from "./name-scan.js";
import { TypeNotFoundError } from "./not-found.js";
import { kindAt, type RawTypes } from "./raw.js";
import type { StringTable } from "./strings.js";
import { VOID, type Type } from "./types.js";

/**
 * The types of a BTF blob. Type objects are created only when asked for, once each: asking twice
 * for the same id returns the same object. A split spec (a kernel module's BTF) continues the ids
 * and strings of its `base`, and answers for the base's types too.
 *
 * @example
 * ```ts
 * import { loadKernelSpec, Kind } from "ebpf/btf";
 * const spec = loadKernelSpec();
 * const task = spec.typeByName("task_struct", Kind.Struct);
 * console.log(spec.typeID(task), task.size);
 * ```
 */
export class Spec {
  /** The validated type section. */
  readonly raw: RawTypes;
  /** The base spec of split BTF, or undefined. */
  readonly base: Spec | undefined;
  #decoder: DecodeContext | undefined;
  // Ids by name, filled one name at a time: a scan per new name is cheaper than indexing all of
  // vmlinux's names when a load asks for a few.
  #names: Map<string, readonly number[]> | undefined;

  /**
   * Wrap a scanned type section. Use {@link loadSpecFromBuffer} rather than this.
   */
  constructor(raw: RawTypes, base?: Spec) {
    const expectedFirst = base === undefined ? 1 : base.nextId;
    if (raw.firstId !== expectedFirst) {
      throw new BTFError(`type section starts at id ${raw.firstId}, expected ${expectedFirst}`);
    }
    this.raw = raw;
    this.base = base;
  }

  // Created on first lookup so that parsing alone allocates nothing per type beyond the index.
  get #ctx(): DecodeContext {
    if (this.#decoder === undefined) {
      const base = this.base;
      this.#decoder = {
        raw: this.raw,
        cache: new Map(),
        ids: new Map(),
        baseTypeByID: base === undefined ? undefined : (id) => base.typeByID(id),
      };
    }
    return this.#decoder;
  }

  /** Byte order of the blob this spec was parsed from. */
  get byteOrder(): ByteOrder {
    return this.raw.byteOrder;
  }

  /** The string table (including the base's, for split BTF). */
  get strings(): StringTable {
    return this.raw.strings;
  }

  /** The id the next added type would get: one past the last id. */
  get nextId(): number {
    return this.raw.firstId + this.raw.count;
  }

  /** Number of types, not counting void, including the base's. */
  get typeCount(): number {
    return this.nextId - 1;
  }

  /**
   * The type with `id` (0 is void).
   *
   * @throws {TypeNotFoundError} when no type has that id.
   * @throws {BTFError} when the type's record is inconsistent.
   */
  typeByID(id: number): Type {
    if (!Number.isInteger(id) || id < 0 || id >= this.nextId) {
      throw new TypeNotFoundError(`type id ${id} not found (last id is ${this.nextId - 1})`);
    }
    return decodeType(this.#ctx, id);
  }

  /**
   * The kind of the type with `id`, without materialising it.
   *
   * @throws {TypeNotFoundError} when no type has that id.
   */
  kindOf(id: number): Kind {
    if (id === 0) return Kind.Void;
    if (id < this.raw.firstId && this.base !== undefined) return this.base.kindOf(id);
    const idx = id - this.raw.firstId;
    if (!Number.isInteger(id) || idx < 0 || idx >= this.raw.count) {
      throw new TypeNotFoundError(`type id ${id} not found (last id is ${this.nextId - 1})`);
    }
    return kindAt(this.raw, idx);
  }

  /**
   * The id of `type`, which must come from this spec (or its base).
   *
   * @throws {TypeNotFoundError} when `type` is not one of this spec's objects.
   */
  typeID(type: Type): number {
    if (type === VOID) return 0;
    const id = this.#ctx.ids.get(type);
    if (id !== undefined) return id;
    if (this.base !== undefined) return this.base.typeID(type);
    throw new TypeNotFoundError(`${kindName(type.kind)} ${type.name || "(anonymous)"} is not a type of this spec`);
  }

  /**
   * Ids of all types named `name` (including the base's), in id order. Tags are not named by
   * their value. Each name is looked up once (a scan of the type section) and remembered.
   */
  typeIDsByName(name: string): number[] {
    const own = this.#named(name);
    const base = this.base === undefined ? [] : this.base.typeIDsByName(name);
    return base.length === 0 ? own.slice() : base.concat(own);
  }

  /**
   * All types named `name`, of any kind.
   *
   * @example
   * ```ts
   * import { loadKernelSpec } from "ebpf/btf";
   * for (const t of loadKernelSpec().anyTypesByName("pid_t")) console.log(t.kind);
   * ```
   */
  anyTypesByName(name: string): Type[] {
    return this.typeIDsByName(name).map((id) => this.typeByID(id));
  }

  /**
   * The one type named `name`, optionally of `kind`.
   *
   * @throws {TypeNotFoundError} when there is none.
   * @throws {BTFError} when several match: pass a `kind` to choose.
   * @example
   * ```ts
   * import { loadKernelSpec, Kind } from "ebpf/btf";
   * const u32 = loadKernelSpec().typeByName("u32", Kind.Typedef);
   * ```
   */
  typeByName<K extends Kind>(name: string, kind?: K): Extract<Type, { kind: K }> {
    let ids = this.typeIDsByName(name);
    if (kind !== undefined) ids = ids.filter((id) => this.kindOf(id) === kind);
    const what = kind === undefined ? `type ${name}` : `${kindName(kind)} ${name}`;
    if (ids.length === 0) throw new TypeNotFoundError(`${what} not found`);
    if (ids.length > 1) {
      const kinds = ids.map((id) => `${kindName(this.kindOf(id))} [${id}]`).join(", ");
      throw new BTFError(`${what} is ambiguous: ${kinds}`);
    }
    return this.typeByID(ids[0]!) as Extract<Type, { kind: K }>;
  }

  /**
   * Every type in id order, from id 1 (void is not included), including the base's.
   *
   * @example
   * ```ts
   * import { loadKernelSpec, Kind } from "ebpf/btf";
   * let structs = 0;
   * for (const t of loadKernelSpec().types()) if (t.kind === Kind.Struct) structs++;
   * ```
   */
  *types(): IterableIterator<Type> {
    for (let id = 1; id < this.nextId; id++) yield this.typeByID(id);
  }

  /** Iterate like {@link Spec.types}. */
  [Symbol.iterator](): IterableIterator<Type> {
    return this.types();
  }

  #named(name: string): readonly number[] {
    this.#names ??= new Map();
    let ids = this.#names.get(name);
    if (ids === undefined) {
      ids = typeIDsNamed(this.raw, name, false);
      this.#names.set(name, ids);
    }
    return ids;
  }
}

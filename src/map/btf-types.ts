/**
 * Where a map keeps the BTF key and value types of the spec it was made from, for
 * `BpfMap.typed()`. On the map itself, not in a WeakMap: V8's young-generation collections keep
 * a WeakMap's values alive until a full one, and a type holds its object's whole BTF, so a
 * WeakMap kept every loaded collection's BTF (about 3.5 KiB a load) through every scavenge.
 *
 * @module
 */
import type { Type } from "../btf/index.js";

/** A map's BTF key and value types. */
export interface MapBTFTypes {
  readonly key: Type | undefined;
  readonly value: Type | undefined;
}

/**
 * The key of the non-enumerable property of a `BpfMap` that holds its {@link MapBTFTypes}.
 * Internal to the map package.
 *
 * @example
 * ```ts
 * const types: MapBTFTypes | undefined = map[btfTypes];
 * ```
 */
export const btfTypes: unique symbol = Symbol("btfTypes");

/**
 * Key and entry iteration over `BPF_MAP_GET_NEXT_KEY`.
 *
 * @module
 */
import { IterationAbortedError } from "./errors.js";
import type { BpfMap } from "./map.js";

/**
 * Keys of `map`. The next key is fetched before the current one is yielded, so deleting the
 * current key does not restart a hash map's walk.
 *
 * @example
 * ```ts
 * for (const key of iterateKeys(map)) map.delete(key);
 * ```
 */
export function* iterateKeys(map: BpfMap): Generator<Uint8Array, void, undefined> {
  let current = map.nextKey(undefined);
  let yielded = 0;
  while (current !== undefined) {
    const next = map.nextKey(current);
    if (++yielded > map.maxEntries) throw new IterationAbortedError(map.toString(), map.maxEntries);
    yield current;
    current = next;
  }
}

/**
 * `[key, value]` pairs of `map`; keys deleted between the key walk and the lookup are skipped.
 *
 * @example
 * ```ts
 * for (const [key, value] of iterateEntries(map)) console.log(key, value);
 * ```
 */
export function* iterateEntries(map: BpfMap): Generator<[Uint8Array, Uint8Array], void, undefined> {
  for (const key of iterateKeys(map)) {
    const value = map.lookup(key);
    if (value !== undefined) yield [key, value];
  }
}

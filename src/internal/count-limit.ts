/**
 * The `max` of a drain loop (any number, `Infinity` by default) as an int32, so that the loop
 * compares two small integers per record instead of converting its count to a double.
 *
 * @module
 */

/**
 * `max` clamped to `[.., 2^31 - 1]` and truncated towards zero.
 *
 * @example
 * ```ts
 * import { countLimit } from "./count-limit.js";
 * countLimit(Infinity); // 2147483647
 * countLimit(16); // 16
 * ```
 */
export function countLimit(max: number): number {
  return max >= 0x7fffffff ? 0x7fffffff : max | 0;
}

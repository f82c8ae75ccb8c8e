/**
 * Run each feature probe once and remember conclusive answers.
 *
 * @module
 */
import { NotSupportedError } from "../errors.js";

let probes = 0;

/**
 * How many probes have run in this process (cached answers do not count). For tests that check
 * a second question is answered from the cache.
 *
 * @example
 * ```ts
 * const before = probesRun();
 * haveMapType(MapType.Hash);
 * haveMapType(MapType.Hash);
 * probesRun() - before; // at most 1
 * ```
 */
export function probesRun(): number {
  return probes;
}

/**
 * Answers keyed by `K`. A probe returns normally when the feature is there and throws
 * `NotSupportedError` when it is not; both are cached. Any other error means the probe could not
 * tell (no permission, an unexpected errno); it is thrown and not cached, so a later call probes
 * again.
 *
 * @example
 * ```ts
 * const cache = new FeatureCache<number>();
 * cache.result(1, () => probeHashMap());
 * ```
 */
export class FeatureCache<K> {
  readonly #answers = new Map<K, NotSupportedError | null>();

  /** Return when supported, throw the cached or new `NotSupportedError` when not. */
  result(key: K, probe: () => void): void {
    let answer = this.#answers.get(key);
    if (answer === undefined) {
      probes++;
      try {
        probe();
        answer = null;
      } catch (err) {
        if (!(err instanceof NotSupportedError)) throw err;
        answer = err;
      }
      this.#answers.set(key, answer);
    }
    if (answer !== null) throw answer;
  }
}

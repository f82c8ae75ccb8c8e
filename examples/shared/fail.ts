// What the examples share about failing: one sentence for the user, printed without a stack, and
// the checked reading of a count option.

/**
 * A failure an example explains in one sentence (missing privileges or kernel features, a bad
 * option).
 *
 * @example
 * ```ts
 * throw new ExampleError("run as root: the example creates a network namespace");
 * ```
 */
export class ExampleError extends Error {
  override readonly name = "ExampleError";
}

/**
 * The value of option `--name` as an integer from 1 to `max`, or an {@link ExampleError}.
 *
 * @example
 * ```ts
 * const rounds = countOption("rounds", values.rounds, 100);
 * ```
 */
export function countOption(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ExampleError(`--${name} must be an integer from 1 to ${max}`);
  return n;
}

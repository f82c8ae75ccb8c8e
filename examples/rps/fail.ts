// The example's expected failures: one sentence for the user, printed without a stack.

/**
 * A failure the example explains in one sentence (missing privileges or kernel features).
 *
 * @example
 * ```ts
 * throw new ExampleError("run as root: the example creates a network namespace");
 * ```
 */
export class ExampleError extends Error {
  override readonly name = "ExampleError";
}

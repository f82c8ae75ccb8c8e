/**
 * Exit codes of the `ebpf` command.
 *
 * @module
 */

/**
 * Exit codes of the `ebpf` command.
 *
 * @example
 * ```ts
 * if ((await runCli(argv, io)) === ExitCode.Regression) console.log("slower than the baseline");
 * ```
 */
export const ExitCode = {
  /** Done. */
  Ok: 0,
  /** The command failed: unreadable file, a program the verifier refused, no privileges … */
  Failure: 1,
  /** Bad command-line arguments. */
  Usage: 2,
  /** `bench --compare` found a figure worse than the baseline beyond the threshold. */
  Regression: 3,
} as const;

/**
 * Run-time statistics of programs (BPF_ENABLE_STATS, Linux 5.8).
 *
 * @module
 */
import { NotSupportedError } from "../errors.js";
import { BPF_STATS_RUN_TIME, enableStats as enableStatsCall, Errno, FD, SyscallError } from "../syscall/index.js";

/**
 * Run statistics of one program, counted while statistics are enabled (see {@link enableStats}).
 *
 * @example
 * ```ts
 * const { runCount, runTime } = prog.stats();
 * ```
 */
export interface ProgramStats {
  /** How many times the program ran. */
  readonly runCount: bigint;
  /** Total time spent running it, in nanoseconds. */
  readonly runTime: bigint;
  /** Times it did not run because it was already running on that CPU (Linux 5.12). */
  readonly recursionMisses: bigint;
}

/**
 * While open, the kernel counts the runs and run time of every program (a global switch; it
 * costs a little per run). Close it, or let `using` dispose of it, to stop.
 *
 * @example
 * ```ts
 * import { enableStats } from "ebpf";
 * using stats = enableStats();
 * prog.run({ data });
 * console.log(prog.stats().runCount);
 * ```
 */
export class StatsHandle {
  readonly #fd: FD;

  /** @internal Use {@link enableStats}. */
  constructor(raw: number) {
    this.#fd = new FD(raw, "statistics handle");
  }

  /** Stop counting (unless other handles are still open). Closing twice is a no-op. */
  close(): void {
    this.#fd.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Turn on run-time statistics for all programs (BPF_ENABLE_STATS with BPF_STATS_RUN_TIME,
 * Linux 5.8) until the returned handle is closed. Throws `NotSupportedError` on older kernels.
 *
 * @example
 * ```ts
 * import { enableStats } from "ebpf";
 * const stats = enableStats();
 * try {
 *   prog.run({ data });
 * } finally {
 *   stats.close();
 * }
 * ```
 */
export function enableStats(): StatsHandle {
  try {
    return new StatsHandle(enableStatsCall(BPF_STATS_RUN_TIME));
  } catch (err) {
    if (err instanceof SyscallError && err.errno === Errno.EINVAL) {
      throw new NotSupportedError("BPF_ENABLE_STATS", "5.8", { cause: err });
    }
    throw err;
  }
}

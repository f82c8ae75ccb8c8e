/**
 * Loading a prepared program on a worker thread, so that a collection's loader prepares (or
 * loads) the next program while the kernel verifies this one.
 *
 * @module
 */
import { bpfOnWorker, BpfCmd, progLoadAttr, startBpfWorkers } from "../syscall/index.js";
import { adoptProgramFd, loadPreparedProgram, type PreparedProgram, type Program } from "./program.js";
import type { ProgramOptions } from "./spec.js";

// A program of a few dozen instructions verifies in about the time that waking a worker and
// waiting for it costs (some 30 µs each way here): only larger ones are handed off.
const MIN_WORKER_INSNS = 64;

let batches = 0;

/**
 * Say that a batch of programs (a collection's) is about to load. The workers start from a
 * process's second batch on: they take tens of milliseconds to start, so they could never help a
 * first load, and a process that loads once should not pay for them.
 *
 * @example
 * ```ts
 * programBatchStarting();
 * ```
 */
export function programBatchStarting(): void {
  if (batches++ > 0) startBpfWorkers();
}

/** A program load running on a worker thread. */
export interface PendingProgram {
  /** Wait for the load: the program, or what {@link newProgram} throws for it. Call once. */
  finish(): Program;
}

/**
 * Whether a program of `insnCount` instructions may load on a worker ({@link startProgramLoad}
 * hands off no smaller one, nor one whose options ask for a verifier log).
 *
 * @example
 * ```ts
 * const anyHandedOff = Object.values(spec.programs).some((p) => mayLoadOnWorker(p.instructions.length, {}));
 * ```
 */
export function mayLoadOnWorker(insnCount: number, options: ProgramOptions): boolean {
  return (options.logLevel ?? 0) === 0 && insnCount >= MIN_WORKER_INSNS;
}

/**
 * Start BPF_PROG_LOAD of `prepared` on an idle worker, or return undefined (nothing started)
 * when there is none, the program is small, or `options` ask for a verifier log (whose retries
 * run on the caller's thread): the caller then loads it itself with {@link loadPreparedProgram}.
 * A load the kernel refuses is made again on the caller's thread by `finish`, with a log to
 * explain the error. `moreSoon`: the caller has another program or map to hand over next.
 *
 * @example
 * ```ts
 * const pending = startProgramLoad(prepared, {}, false);
 * const prog = pending ? pending.finish() : loadPreparedProgram(prepared, {});
 * ```
 */
export function startProgramLoad(prepared: PreparedProgram, options: ProgramOptions, moreSoon: boolean): PendingProgram | undefined {
  if (!mayLoadOnWorker(prepared.input.insns.byteLength / 8, options)) return undefined;
  const call = bpfOnWorker(BpfCmd.PROG_LOAD, progLoadAttr(prepared.input), prepared, moreSoon);
  if (call === undefined) return undefined;
  return {
    finish: () => {
      const r = call.wait();
      if (r < 0) return loadPreparedProgram(prepared, options);
      prepared.btf?.close();
      return adoptProgramFd(prepared, r, "");
    },
  };
}

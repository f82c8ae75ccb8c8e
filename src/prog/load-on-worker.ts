/**
 * Loading a collection's prepared programs on worker threads and the caller's at once, so that
 * the kernel verifies one while the loader prepares the next, and two at a time.
 *
 * @module
 */
import { BpfCmd, progLoadAttr, startBpfWorkers, type BpfQueue } from "../syscall/index.js";
import { adoptProgramFd, loadPreparedProgram, type PreparedProgram, type Program } from "./program.js";
import type { ProgramOptions } from "./spec.js";

// A program of a few dozen instructions verifies in about the time that waking a worker and
// waiting for it costs (some 30 µs each way here): a collection with no larger one loads alone.
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

/** A queued program load: a worker's, or the caller's thread's once the queue closes. */
export interface PendingProgram {
  /** Wait for the load: the program, or what {@link newProgram} throws for it. Call once, after the queue's `close`. */
  finish(): Program;
}

/**
 * Whether a program of `insnCount` instructions is worth a worker: a collection opens a
 * {@link ProgramQueue} only when one of its programs is, and none asks for a verifier log (whose
 * retries run on the caller's thread).
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
 * Programs a collection loads: the workers take them one after another as they come free, and
 * the caller's thread takes the rest once all are queued ({@link ProgramQueue.close}), so neither
 * waits while the other has programs left. A load the kernel refuses on a worker is made again
 * on the caller's thread by `finish`, with a log to explain the error.
 */
export interface ProgramQueue {
  /** Queue `prepared`, or return undefined when the queue is full (the caller loads it itself). */
  add(prepared: PreparedProgram, options: ProgramOptions): PendingProgram | undefined;
  /** No more programs: load those no worker has taken on this thread. Call it whatever happens. */
  close(): void;
}

/**
 * A {@link ProgramQueue} over `queue`, a queue the workers take from ({@link startBpfQueue}),
 * which its `close` closes.
 *
 * @example
 * ```ts
 * const queue = startBpfQueue();
 * const programs = queue && programQueue(queue);
 * const pending = programs?.add(prepared, {});
 * programs?.close();
 * const prog = pending ? pending.finish() : loadPreparedProgram(prepared, {});
 * ```
 */
export function programQueue(queue: BpfQueue): ProgramQueue {
  // The outcome of each program this thread took from the queue, by queue index.
  const own = new Map<number, { prog: Program } | { err: unknown }>();
  const entries: { prepared: PreparedProgram; options: ProgramOptions }[] = [];
  let closed = false;
  return {
    add(prepared, options) {
      const index = queue.push(BpfCmd.PROG_LOAD, progLoadAttr(prepared.input), prepared);
      if (index < 0) return undefined;
      entries[index] = { prepared, options };
      return {
        finish: () => {
          const mine = own.get(index);
          if (mine !== undefined) {
            if ("err" in mine) throw mine.err;
            return mine.prog;
          }
          const r = queue.wait(index);
          if (r < 0) return loadPreparedProgram(prepared, options);
          prepared.btf?.close();
          return adoptProgramFd(prepared, r, "");
        },
      };
    },
    close() {
      if (closed) return;
      closed = true;
      queue.close();
      for (let index = queue.take(); index >= 0; index = queue.take()) {
        // Other entries (maps) were finished before the programs were queued.
        const entry = entries[index];
        if (entry === undefined) continue;
        const { prepared, options } = entry;
        try {
          own.set(index, { prog: loadPreparedProgram(prepared, options) });
        } catch (err) {
          own.set(index, { err });
        }
      }
    },
  };
}

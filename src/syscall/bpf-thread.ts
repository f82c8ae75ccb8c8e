/**
 * `bpf()` on other threads, so that a loader can have the kernel verify one program while it
 * prepares the next, and two programs be verified at once (the verifier runs concurrently for
 * privileged callers: only unprivileged loads take its global lock). Node's main thread
 * never waits on an idle worker: a call is handed off only when a worker is free, else it runs
 * where it is.
 *
 * The workers are plain `worker_threads` blocked in `Atomics.wait` on a shared slot, each with its
 * own koffi binding of `syscall`. Both sides poll briefly before they sleep: a collection hands
 * its next program over, and collects a result, within a fraction of a millisecond, while waking
 * a sleeping thread costs the waker ~18 µs and the woken ~40 µs more (an IPI; measured in a VM).
 * They start in the background when asked ({@link startBpfWorkers}) and are unref'd, so they
 * neither delay a load nor keep the process alive; each holds about 10 MiB (its own V8 heap), so
 * they end 30 s after their last call.
 *
 * @module
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { BpfCmd } from "./commands.js";
import { Errno } from "./error.js";
import { addressOf, SYS } from "./libc.js";

// Slot layout (Int32 words) shared with one worker.
const STATE = 0;
const CMD = 1;
const SIZE = 2;
const ADDR_LO = 3;
const ADDR_HI = 4;
const RESULT = 5;
const READY = 6;
// Microseconds the worker polls for its next call after this one returns.
const POLL_US = 7;
const WORDS = 8;
// STATE values.
const IDLE = 0;
const REQUESTED = 1;
const DONE = 2;
// How long a worker polls for its next call after one whose caller has more coming, and a caller
// for a result, before sleeping: about a verification of a mid-sized program, so a collection's
// handoffs find the other thread awake, and a long verification costs at most this much polling.
const WORKER_POLL_US = 300;
const CALLER_POLL_MS = 1;

/**
 * The name of the worker threads (their `comm`, as /proc/<pid>/task/<tid>/comm shows it).
 *
 * @example
 * ```ts
 * console.log(THREAD_NAME); // "ebpf-verifier"
 * ```
 */
export const THREAD_NAME = "ebpf-verifier";

// The worker's body, CommonJS evaluated in the worker: it retries EINTR (and EAGAIN for
// BPF_PROG_LOAD, a verifier interrupted by a signal) as bpfCall does, and posts the result or the
// negated errno.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const koffi = require(workerData.koffi);
const libc = koffi.load("libc.so.6");
const syscall = libc.func("long syscall(long nr, long a, uintptr_t b, long c)");
// PR_SET_NAME: named apart from Node's own threads, for top -H and for the tests that count them.
libc.func("int prctl(int option, ...)")(15, "str", "${THREAD_NAME}");
const s = new Int32Array(workerData.slot);
const { nr, EINTR, EAGAIN, PROG_LOAD } = workerData;
Atomics.store(s, ${READY}, 1);
let pollUntil = 0;
for (;;) {
  // Wait for the state to change from the one seen (a result not yet collected, DONE, is waited
  // out too): polling until pollUntil, then asleep.
  const state = Atomics.load(s, ${STATE});
  if (state !== ${REQUESTED}) {
    while (Atomics.load(s, ${STATE}) === state && performance.now() < pollUntil);
    if (Atomics.load(s, ${STATE}) === state) Atomics.wait(s, ${STATE}, state);
    continue;
  }
  const cmd = s[${CMD}];
  const address = (s[${ADDR_LO}] >>> 0) + (s[${ADDR_HI}] >>> 0) * 4294967296;
  let r;
  for (let eagain = 0;;) {
    r = syscall(nr, cmd, address, s[${SIZE}]);
    if (r >= 0) break;
    const errno = koffi.errno();
    if (errno === EINTR || (errno === EAGAIN && cmd === PROG_LOAD && eagain++ < 5)) continue;
    r = -errno;
    break;
  }
  s[${RESULT}] = r;
  pollUntil = performance.now() + s[${POLL_US}] / 1000;
  Atomics.store(s, ${STATE}, ${DONE});
  Atomics.notify(s, ${STATE});
}
`;

/** A `bpf()` call running on a worker; {@link wait} for its result. */
export interface PendingBpfCall {
  /** Block until the call returns: its result (>= 0) or the negated errno. */
  wait(): number;
}

// A call handed to a worker: its result once read from the slot.
interface Call {
  result: number | undefined;
  // What the kernel reads during the call, referenced until it returns.
  readonly keep: readonly unknown[];
}

class BpfThread {
  readonly #slot = new Int32Array(new SharedArrayBuffer(WORDS * 4));
  readonly #worker: Worker;
  #current: Call | undefined;
  #failed = false;

  constructor(koffiPath: string) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        slot: this.#slot.buffer,
        koffi: koffiPath,
        nr: SYS.bpf,
        EINTR: Errno.EINTR,
        EAGAIN: Errno.EAGAIN,
        PROG_LOAD: BpfCmd.PROG_LOAD,
      },
    });
    worker.unref();
    // A worker that cannot start (no koffi in a bundled app, resource limits) is never ready, so
    // every call stays on the caller's thread.
    worker.on("error", () => {
      this.#failed = true;
    });
    this.#worker = worker;
  }

  /** No call in flight: it can be ended without losing a result. */
  get free(): boolean {
    return this.#current === undefined || this.idle;
  }

  /** End the thread; resolves once it has exited and its resources are released. */
  async end(): Promise<void> {
    await this.#worker.terminate();
  }

  /** Ready, and its last call (if any) returned: that result is moved out of the slot. */
  get idle(): boolean {
    if (Atomics.load(this.#slot, READY) !== 1) return false;
    if (this.#current === undefined) return true;
    if (Atomics.load(this.#slot, STATE) !== DONE) return false;
    this.#collect();
    return true;
  }

  /** Ready or failed to start: nothing more to wait for. */
  get settled(): boolean {
    return this.#failed || Atomics.load(this.#slot, READY) === 1;
  }

  submit(cmd: number, attr: Uint8Array, keep: unknown, moreSoon: boolean): PendingBpfCall {
    const s = this.#slot;
    const address = addressOf(attr);
    const call: Call = { result: undefined, keep: [attr, keep] };
    this.#current = call;
    s[CMD] = cmd;
    s[SIZE] = attr.byteLength;
    s[ADDR_LO] = address % 4294967296;
    s[ADDR_HI] = Math.floor(address / 4294967296);
    s[POLL_US] = moreSoon ? WORKER_POLL_US : 0;
    Atomics.store(s, STATE, REQUESTED);
    Atomics.notify(s, STATE);
    return {
      wait: () => {
        if (call.result === undefined) {
          const until = performance.now() + CALLER_POLL_MS;
          while (Atomics.load(s, STATE) === REQUESTED && performance.now() < until);
          while (Atomics.load(s, STATE) === REQUESTED) Atomics.wait(s, STATE, REQUESTED);
          this.#collect();
        }
        return call.result!;
      },
    };
  }

  #collect(): void {
    this.#current!.result = this.#slot[RESULT]!;
    this.#current = undefined;
    Atomics.store(this.#slot, STATE, IDLE);
  }
}

// How long the workers outlive their last call: loads come in bursts (a collection's programs,
// a test suite, a benchmark between its figures), and a process that loads once at startup
// should not keep their heaps. (At 1 s and 5 s, `npm run bench` restarted them between figures,
// while the C side ran, so a figure's first loads found none ready.)
let idleMs = 30_000;

let threads: BpfThread[] | undefined;
let idleTimer: NodeJS.Timeout | undefined;
// Workers being ended: their threads (and fds) are not gone until these resolve.
let ending: Promise<unknown> = Promise.resolve();

// One thread fewer than the CPUs (the caller's is the other), at most three: an object rarely
// has enough programs to keep more busy.
function pool(): BpfThread[] {
  if (threads === undefined) {
    const count = Math.min(availableParallelism() - 1, 3);
    const koffiPath = createRequire(import.meta.url).resolve("koffi");
    threads = Array.from({ length: Math.max(count, 0) }, () => new BpfThread(koffiPath));
    idleTimer = setTimeout(retire, idleMs).unref();
  } else {
    idleTimer?.refresh();
  }
  return threads;
}

// Ends the workers after idleMs without calls; a call still in flight (one started and not yet
// waited for) keeps them another period.
function retire(): void {
  const all = threads;
  if (all === undefined) return;
  if (!all.every((t) => t.free)) {
    idleTimer?.refresh();
    return;
  }
  threads = undefined;
  idleTimer = undefined;
  ending = Promise.all([ending, ...all.map((t) => t.end())]);
}

/**
 * Start `bpf(cmd, attr, attr.byteLength)` on an idle worker thread and return at once, or return
 * undefined (nothing started) when no worker is idle or ready, or none was started
 * ({@link startBpfWorkers}): the caller then makes the call itself. `attr` and `keep` (the buffers
 * the attribute points to) stay referenced until {@link PendingBpfCall.wait} returns. `moreSoon`
 * says the caller will hand over another call within a fraction of a millisecond (a collection's
 * next map or program): the worker then polls for it a while instead of going to sleep.
 *
 * @example
 * ```ts
 * const attr = progLoadAttr(input);
 * const pending = bpfOnWorker(BpfCmd.PROG_LOAD, attr, input);
 * const fd = pending ? pending.wait() : bpfRaw(BpfCmd.PROG_LOAD, addressOf(attr), attr.byteLength);
 * ```
 */
export function bpfOnWorker(cmd: BpfCmd, attr: Uint8Array, keep: unknown, moreSoon = false): PendingBpfCall | undefined {
  if (threads === undefined) return undefined;
  for (const t of pool()) if (t.idle) return t.submit(cmd, attr, keep, moreSoon);
  return undefined;
}

/**
 * Start the workers in the background, or keep running ones from retiring for another period.
 *
 * @example
 * ```ts
 * startBpfWorkers();
 * ```
 */
export function startBpfWorkers(): void {
  pool();
}

/**
 * Resolves with the number of workers once they are ready (0 on a single CPU, or when none could
 * start) and every retired one has exited, so a test can be sure that calls are handed off, and
 * count the process's fds with the workers'. They retire 30 s after their last call
 * ({@link setBpfWorkersIdle}).
 *
 * @example
 * ```ts
 * await bpfWorkersReady();
 * ```
 */
export async function bpfWorkersReady(): Promise<number> {
  await ending;
  const all = pool();
  while (!all.every((t) => t.settled)) await new Promise((r) => setTimeout(r, 5));
  return all.filter((t) => t.idle).length;
}

/**
 * How long the workers outlive their last call (30 s unless set); a test sets it short to see
 * them end. Takes effect from the next call.
 *
 * @example
 * ```ts
 * setBpfWorkersIdle(200);
 * ```
 */
export function setBpfWorkersIdle(ms: number): void {
  idleMs = ms;
  clearTimeout(idleTimer);
  idleTimer = threads === undefined ? undefined : setTimeout(retire, idleMs).unref();
}

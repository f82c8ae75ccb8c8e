/**
 * `bpf()` on other threads, so that a loader can have the kernel verify one program while it
 * prepares the next, and two programs be verified at once (the verifier runs concurrently for
 * privileged callers: only unprivileged loads take its global lock). Node's main thread
 * never waits on an idle worker: a call is handed off only when a worker is free, else it runs
 * where it is.
 *
 * The workers are plain `worker_threads` blocked in `Atomics.wait` on a shared slot, each with its
 * own koffi binding of `syscall`. A slot carries one call ({@link bpfOnWorker}), or a request to
 * take calls from the pool's queue ({@link startBpfQueue}), which workers and caller both take
 * from, so that none waits while calls are left. Both sides poll briefly before they sleep: a
 * collection hands its next call over, and collects a result, within a fraction of a millisecond,
 * while waking a sleeping thread costs the waker ~18 µs and the woken ~40 µs more (an IPI;
 * measured in a VM).
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
const WORDS = 7;
// CMD of a request to take entries of the pool's queue until it is closed and empty.
const QUEUE = -1;
// Queue layout (Int32 words), shared by the pool's workers: a header, then the entries.
const Q_NEXT = 0; // the next entry to take
const Q_COUNT = 1; // entries published
const Q_OPEN = 2; // 1 while more entries may come
const Q_SEQ = 3; // bumped on every publish and on close: what a worker sleeps on
const Q_HEADER = 4;
const E_CMD = 0;
const E_SIZE = 1;
const E_ADDR_LO = 2;
const E_ADDR_HI = 3;
const E_RESULT = 4;
const E_DONE = 5;
const ENTRY_WORDS = 6;
const QUEUE_ENTRIES = 64;
// STATE values.
const IDLE = 0;
const REQUESTED = 1;
const DONE = 2;
// How long a worker polls an open, empty queue, and a caller for a result, before sleeping: about
// the time a loader takes to prepare its next entry, and a verification of a mid-sized program, so
// that neither side is woken for each, while a long one costs at most this much polling.
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
const q = new Int32Array(workerData.queue);
const { nr, EINTR, EAGAIN, PROG_LOAD } = workerData;
const address = (words, at) => (words[at] >>> 0) + (words[at + 1] >>> 0) * 4294967296;
function call(cmd, addr, size) {
  for (let eagain = 0;;) {
    const r = syscall(nr, cmd, addr, size);
    if (r >= 0) return r;
    const errno = koffi.errno();
    if (errno === EINTR || (errno === EAGAIN && cmd === PROG_LOAD && eagain++ < 5)) continue;
    return -errno;
  }
}
// Take entries until the caller closes the queue and none is left; while it is open and empty,
// the caller is preparing the next one: poll for it, then sleep.
function takeQueue() {
  let emptySince = 0;
  for (;;) {
    const seq = Atomics.load(q, ${Q_SEQ});
    const next = Atomics.load(q, ${Q_NEXT});
    if (next < Atomics.load(q, ${Q_COUNT})) {
      if (Atomics.compareExchange(q, ${Q_NEXT}, next, next + 1) !== next) continue;
      const e = ${Q_HEADER} + next * ${ENTRY_WORDS};
      q[e + ${E_RESULT}] = call(q[e + ${E_CMD}], address(q, e + ${E_ADDR_LO}), q[e + ${E_SIZE}]);
      Atomics.store(q, e + ${E_DONE}, 1);
      Atomics.notify(q, e + ${E_DONE});
      emptySince = 0;
      continue;
    }
    if (Atomics.load(q, ${Q_OPEN}) === 0) return;
    if (emptySince === 0) emptySince = performance.now();
    else if (performance.now() - emptySince > ${WORKER_POLL_US / 1000}) Atomics.wait(q, ${Q_SEQ}, seq);
  }
}
Atomics.store(s, ${READY}, 1);
for (;;) {
  // Sleep until the state changes from the one seen (a result not yet collected, DONE, is waited
  // out too).
  const state = Atomics.load(s, ${STATE});
  if (state !== ${REQUESTED}) {
    Atomics.wait(s, ${STATE}, state);
    continue;
  }
  const cmd = s[${CMD}];
  let r = 0;
  if (cmd === ${QUEUE}) takeQueue();
  else r = call(cmd, address(s, ${ADDR_LO}), s[${SIZE}]);
  s[${RESULT}] = r;
  Atomics.store(s, ${STATE}, ${DONE});
  Atomics.notify(s, ${STATE});
}
`;

// Spin up to CALLER_POLL_MS while words[at] === value. The clock is read once every 1024 spins:
// each read allocates a number, and this thread's allocations evict the kernel's data.
function pollWhile(words: Int32Array, at: number, value: number): void {
  const until = performance.now() + CALLER_POLL_MS;
  for (let n = 1; Atomics.load(words, at) === value; n++) {
    if (n % 1024 === 0 && performance.now() > until) return;
  }
}

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

  constructor(koffiPath: string, queue: SharedArrayBuffer) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        slot: this.#slot.buffer,
        queue,
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

  submit(cmd: number, attr: Uint8Array, keep: unknown): PendingBpfCall {
    const s = this.#slot;
    const address = addressOf(attr);
    const call: Call = { result: undefined, keep: [attr, keep] };
    this.#current = call;
    s[CMD] = cmd;
    s[SIZE] = attr.byteLength;
    s[ADDR_LO] = address % 4294967296;
    s[ADDR_HI] = Math.floor(address / 4294967296);
    Atomics.store(s, STATE, REQUESTED);
    Atomics.notify(s, STATE);
    return {
      wait: () => {
        if (call.result === undefined) {
          pollWhile(s, STATE, REQUESTED);
          while (Atomics.load(s, STATE) === REQUESTED) Atomics.wait(s, STATE, REQUESTED);
          this.#collect();
        }
        return call.result!;
      },
    };
  }

  /** Have the worker take entries of the pool's queue until it is closed: {@link startBpfQueue}. */
  takeQueue(): void {
    const s = this.#slot;
    this.#current = { result: undefined, keep: [] };
    s[CMD] = QUEUE;
    Atomics.store(s, STATE, REQUESTED);
    Atomics.notify(s, STATE);
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
// The pool's queue (see startBpfQueue), made with it.
let queueWords: Int32Array | undefined;
let idleTimer: NodeJS.Timeout | undefined;
// Workers being ended: their threads (and fds) are not gone until these resolve.
let ending: Promise<unknown> = Promise.resolve();

// One thread fewer than the CPUs (the caller's is the other), at most three: an object rarely
// has enough programs to keep more busy.
function pool(): BpfThread[] {
  if (threads === undefined) {
    const count = Math.min(availableParallelism() - 1, 3);
    const koffiPath = createRequire(import.meta.url).resolve("koffi");
    const queue = new SharedArrayBuffer((Q_HEADER + QUEUE_ENTRIES * ENTRY_WORDS) * 4);
    queueWords = new Int32Array(queue);
    threads = Array.from({ length: Math.max(count, 0) }, () => new BpfThread(koffiPath, queue));
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
  queueWords = undefined;
  idleTimer = undefined;
  ending = Promise.all([ending, ...all.map((t) => t.end())]);
}

/**
 * Start `bpf(cmd, attr, attr.byteLength)` on an idle worker thread and return at once, or return
 * undefined (nothing started) when no worker is idle or ready, or none was started
 * ({@link startBpfWorkers}): the caller then makes the call itself. `attr` and `keep` (the buffers
 * the attribute points to) stay referenced until {@link PendingBpfCall.wait} returns. A loader
 * with several calls to hand over uses a queue instead ({@link startBpfQueue}).
 *
 * @example
 * ```ts
 * const attr = progLoadAttr(input);
 * const pending = bpfOnWorker(BpfCmd.PROG_LOAD, attr, input);
 * const fd = pending ? pending.wait() : bpfRaw(BpfCmd.PROG_LOAD, addressOf(attr), attr.byteLength);
 * ```
 */
export function bpfOnWorker(cmd: BpfCmd, attr: Uint8Array, keep: unknown): PendingBpfCall | undefined {
  if (threads === undefined) return undefined;
  for (const t of pool()) if (t.idle) return t.submit(cmd, attr, keep);
  return undefined;
}

/**
 * `bpf()` calls that the workers take one after another as they come free, while the caller
 * publishes more and then takes the rest itself ({@link BpfQueue.take}): a collection's programs,
 * so that no thread waits while another has several to verify.
 */
export interface BpfQueue {
  /** Publish `bpf(cmd, attr, attr.byteLength)`; `attr` and `keep` stay referenced. Its index, or -1 when the queue is full. */
  push(cmd: BpfCmd, attr: Uint8Array, keep: unknown): number;
  /** No more entries: the workers leave once none is left. Call it whatever happens. */
  close(): void;
  /** An entry no worker has taken, now the caller's to run itself (index), or -1 when none is left. */
  take(): number;
  /** Take entry `index` for the caller to run itself, if it is the next one and no worker has: whether it did. */
  claim(index: number): boolean;
  /** Block until a worker's entry returns: its result (>= 0) or the negated errno. */
  wait(index: number): number;
}

/**
 * Open the pool's queue and have every worker take from it, or return undefined (nothing
 * started) when no worker runs or one is still busy: the caller then makes its calls itself.
 * One queue is open at a time, and only the thread that opened it uses it.
 *
 * @example
 * ```ts
 * const attr = progLoadAttr(input);
 * const queue = startBpfQueue();
 * if (queue) {
 *   const index = queue.push(BpfCmd.PROG_LOAD, attr, input);
 *   queue.close();
 *   const fd = queue.take() === index ? bpfCall(BpfCmd.PROG_LOAD, attr) : queue.wait(index);
 * }
 * ```
 */
export function startBpfQueue(): BpfQueue | undefined {
  if (threads === undefined || queueWords === undefined) return undefined;
  const all = pool();
  // A busy worker may still be inside the previous queue: no reset under it.
  if (all.length === 0 || !all.every((t) => t.idle)) return undefined;
  const q = queueWords;
  Atomics.store(q, Q_COUNT, 0);
  Atomics.store(q, Q_NEXT, 0);
  Atomics.store(q, Q_OPEN, 1);
  for (const t of all) t.takeQueue();
  const kept: unknown[] = [];
  const taken = new Set<number>();
  const entry = (index: number) => Q_HEADER + index * ENTRY_WORDS;
  const claimNext = (): number => {
    for (;;) {
      const next = Atomics.load(q, Q_NEXT);
      if (next >= Atomics.load(q, Q_COUNT)) return -1;
      if (Atomics.compareExchange(q, Q_NEXT, next, next + 1) === next) return next;
    }
  };
  return {
    push(cmd, attr, keep) {
      const index = Atomics.load(q, Q_COUNT);
      if (index >= QUEUE_ENTRIES || Atomics.load(q, Q_OPEN) === 0) return -1;
      const e = entry(index);
      const address = addressOf(attr);
      kept.push(attr, keep);
      q[e + E_CMD] = cmd;
      q[e + E_SIZE] = attr.byteLength;
      q[e + E_ADDR_LO] = address % 4294967296;
      q[e + E_ADDR_HI] = Math.floor(address / 4294967296);
      Atomics.store(q, e + E_DONE, 0);
      Atomics.store(q, Q_COUNT, index + 1);
      Atomics.add(q, Q_SEQ, 1);
      Atomics.notify(q, Q_SEQ);
      return index;
    },
    close() {
      Atomics.store(q, Q_OPEN, 0);
      Atomics.add(q, Q_SEQ, 1);
      Atomics.notify(q, Q_SEQ);
    },
    take() {
      const index = claimNext();
      if (index >= 0) taken.add(index);
      return index;
    },
    claim(index) {
      if (index < 0 || index >= Atomics.load(q, Q_COUNT)) return false;
      if (Atomics.compareExchange(q, Q_NEXT, index, index + 1) !== index) return false;
      taken.add(index);
      return true;
    },
    wait(index) {
      if (taken.has(index) || index < 0 || index >= Atomics.load(q, Q_COUNT)) {
        throw new RangeError(`queue entry ${index} is not one a worker runs`);
      }
      const done = entry(index) + E_DONE;
      if (Atomics.load(q, done) === 0) {
        pollWhile(q, done, 0);
        while (Atomics.load(q, done) === 0) Atomics.wait(q, done, 0);
      }
      return q[entry(index) + E_RESULT]!;
    },
  };
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

/**
 * Waiting for readable fds without blocking the event loop, shared by the ring buffer and perf
 * readers: any number of pending reads share one set of poll watchers, which run only while
 * someone waits.
 *
 * @module
 */
import { ClosedError } from "../errors.js";
import type { SyscallError } from "../syscall/error.js";
import { pollReadable, type PollWatcher } from "../syscall/poll.js";

/**
 * How long a read may wait. Node's idiom: an `AbortSignal` (`AbortSignal.timeout(ms)` for a
 * deadline), or `timeout` in milliseconds as a shorthand. A read that gives up rejects with the
 * signal's reason, or with a `DOMException` named `"TimeoutError"` for `timeout` — what
 * `AbortSignal.timeout` would give. `timeout: 0` returns what is buffered and otherwise rejects at
 * once, without waiting.
 *
 * @example
 * ```ts
 * const record = await reader.read({ timeout: 100 });
 * const other = await reader.read({ signal: AbortSignal.timeout(100) });
 * ```
 */
export interface ReadOptions {
  /** Abort the wait; the read rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Give up after this many milliseconds. */
  timeout?: number;
}

interface Pending {
  resolve(): void;
  reject(err: unknown): void;
  dispose(): void;
}

/**
 * Readiness of a set of fds as promises.
 *
 * @example
 * ```ts
 * import { Readiness } from "./wait.js";
 * const ready = new Readiness([fd], "ring buffer reader");
 * await ready.wait({ timeout: 1000 });
 * ready.close();
 * ```
 */
export class Readiness {
  readonly #watchers: PollWatcher[];
  readonly #pending = new Set<Pending>();
  #running = false;
  #closed = false;

  constructor(
    fds: readonly number[],
    /** What waits, for errors. */
    readonly what: string,
  ) {
    this.#watchers = [];
    try {
      for (const fd of fds) this.#watchers.push(pollReadable(fd, this.#onEvent));
    } catch (err) {
      for (const w of this.#watchers) w.close();
      throw err;
    }
  }

  /** Number of reads waiting right now. */
  get waiting(): number {
    return this.#pending.size;
  }

  /**
   * Resolve when any fd is readable (or at once if a previous event is still unconsumed).
   * Rejects with {@link ClosedError} on `close()`, with the abort reason or a TimeoutError.
   */
  wait(options?: ReadOptions): Promise<void> {
    if (this.#closed) return Promise.reject(new ClosedError(this.what));
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const timeout = options?.timeout;
    if (timeout !== undefined && !(timeout > 0)) {
      if (timeout === 0) return Promise.reject(timeoutError(this.what, timeout));
      return Promise.reject(new RangeError(`${this.what}: timeout ${timeout} is not a non-negative number`));
    }
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        this.#drop(pending);
        reject(signal?.reason);
      };
      const pending: Pending = {
        resolve,
        reject,
        dispose: () => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          this.#drop(pending);
          reject(timeoutError(this.what, timeout));
        }, timeout);
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.add(pending);
      this.#start();
    });
  }

  /** Reject every pending wait with {@link ClosedError} and release the poll handles. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#watchers) w.close();
    this.#settleAll(new ClosedError(this.what));
  }

  readonly #onEvent = (err?: SyscallError): void => {
    if (err) this.#settleAll(err);
    else this.#settleAll();
  };

  #settleAll(err?: unknown): void {
    this.#stop();
    const all = [...this.#pending];
    this.#pending.clear();
    for (const p of all) {
      p.dispose();
      if (err === undefined) p.resolve();
      else p.reject(err);
    }
  }

  #drop(p: Pending): void {
    p.dispose();
    this.#pending.delete(p);
    if (this.#pending.size === 0) this.#stop();
  }

  #start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const w of this.#watchers) w.start();
  }

  #stop(): void {
    if (!this.#running) return;
    this.#running = false;
    for (const w of this.#watchers) w.stop();
  }
}

function timeoutError(what: string, ms: number): DOMException {
  return new DOMException(`${what}: no data within ${ms} ms`, "TimeoutError");
}

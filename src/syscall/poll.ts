/**
 * Readiness of file descriptors on Node's own event loop: a libuv poll handle (epoll underneath)
 * through koffi, so waiting for a ring buffer or perf event costs no thread and callbacks run on
 * the main loop. A handle is a few hundred bytes of native memory and one epoll registration;
 * thousands can wait at once (the limit is the process's fd limit, not a thread pool).
 *
 * @module
 */
import koffi from "koffi";
import { EbpfError } from "../errors.js";
import { SyscallError } from "./error.js";

type PollHandle = ReturnType<typeof koffi.node.poll>;

/**
 * A poll registration for one fd. Started it keeps the process alive (like a pending socket
 * read); stopped it costs nothing but memory. libuv refuses two handles for one fd in the same
 * loop (the constructor then throws {@link EbpfError}), so callers poll an fd they own (see
 * `dupFD`).
 *
 * @example
 * ```ts
 * import { pollReadable } from "./poll.js";
 * const watcher = pollReadable(fd, (err) => { if (!err) drain(); });
 * watcher.start();
 * watcher.close();
 * ```
 */
export interface PollWatcher {
  /** Watch for readability; the callback runs on each event-loop turn the fd is readable. */
  start(): void;
  /** Stop watching (the epoll registration is removed). */
  stop(): void;
  /** Stop and release the handle; must happen before the fd is closed. Idempotent. */
  close(): void;
}

/**
 * Poll `fd` for readability on Node's event loop. The watcher is created stopped. The callback
 * gets a {@link SyscallError} when libuv reports one (the fd was closed, for example).
 *
 * @example
 * ```ts
 * import { pollReadable } from "./poll.js";
 * const w = pollReadable(ringFd, () => console.log("data"));
 * w.start();
 * ```
 */
export function pollReadable(fd: number, callback: (err?: SyscallError) => void): PollWatcher {
  const onEvent = (status: number): void => {
    // libuv reports errors as negated errno values.
    if (status < 0) callback(new SyscallError("uv_poll", -status, `fd ${fd}`));
    else callback();
  };
  const options = { readable: true };
  // koffi's typings omit the status argument its callback really receives first.
  const cb = onEvent as unknown as Parameters<typeof koffi.node.poll>[1];
  let handle: PollHandle | null;
  try {
    handle = koffi.node.poll(fd, options, cb);
  } catch (err) {
    // libuv refused the fd (already polled in this loop, not pollable …); koffi gives only text.
    throw new EbpfError(`cannot poll fd ${fd}: ${(err as Error).message}`, { cause: err });
  }
  if (!handle) throw new EbpfError(`cannot poll fd ${fd}`);
  handle.stop();
  let running = false;
  return {
    start() {
      if (handle && !running) {
        handle.start(options, cb);
        running = true;
      }
    },
    stop() {
      if (handle && running) {
        handle.stop();
        running = false;
      }
    },
    close() {
      if (!handle) return;
      handle.close();
      handle = null;
      running = false;
    },
  };
}

/**
 * BPF_PROG_LOAD with the verifier log handled: off by default, turned on to explain a failure,
 * and grown until the whole log fits.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { Errno, PermissionError, progLoad, SyscallError, type ProgLoadInput } from "../syscall/index.js";
import { LogLevel, type ProgramOptions } from "./spec.js";
import { VerifierError } from "./verifier-error.js";

/** The kernel rejects log buffers smaller than this with EINVAL. */
const MIN_LOG_SIZE = 128;
/** Default starting size of the log buffer. */
const DEFAULT_LOG_SIZE = 64 * 1024;
/** The kernel rejects log buffers larger than this (`UINT_MAX >> 2`) with EINVAL. */
const MAX_LOG_SIZE = 0xffffffff >>> 2;
/** Doubling from the smallest buffer reaches the largest well within this many attempts. */
const MAX_ATTEMPTS = 30;

/**
 * A loaded program's fd and the verifier log of the successful load (`""` without one).
 *
 * @example
 * ```ts
 * const { fd, log }: LoadResult = loadProgram(input, "pass", { logLevel: 1 });
 * ```
 */
export interface LoadResult {
  readonly fd: number;
  readonly log: string;
}

/**
 * Load a program. `input` is everything but the log; `name` is for errors. Throws
 * {@link VerifierError} when the kernel refuses the program, `PermissionError` for EPERM, a
 * `SyscallError` with EAGAIN when signals interrupt the verifier on every attempt, and
 * `ArgumentError` for bad options.
 *
 * @example
 * ```ts
 * const { fd, log } = loadProgram({ progType: 6, insns, license: "GPL" }, "pass", {});
 * ```
 */
export function loadProgram(
  input: ProgLoadInput,
  name: string,
  options: ProgramOptions,
): LoadResult {
  const startSize = checkLogOptions(options);
  const disabled = options.logDisabled === true;
  let level = disabled ? 0 : (options.logLevel ?? 0);
  let size = level === 0 ? 0 : startSize;
  for (let attempt = 1; ; attempt++) {
    const logBuf = level === 0 ? undefined : new Uint8Array(size);
    const out = { logTrueSize: 0 };
    try {
      const fd = progLoad(input, logBuf ? { level, buf: logBuf } : undefined, out);
      return { fd, log: logBuf ? cString(logBuf) : "" };
    } catch (err) {
      if (!(err instanceof SyscallError) || err instanceof PermissionError) throw err;
      if (err.errno === Errno.EAGAIN) {
        // bpfCall's retries are spent: signals kept interrupting the verifier, which says
        // nothing about the program (a load with a log would be cut short the same way).
        throw new SyscallError(err.command, err.errno, `${name === "" ? "program" : `program ${name}`}: signals interrupted the verifier on every attempt`);
      }
      const log = logBuf ? cString(logBuf) : "";
      if (disabled) throw new VerifierError(name, err.errno, log);
      const full = size >= MAX_LOG_SIZE || attempt >= MAX_ATTEMPTS;
      if (err.errno === Errno.ENOSPC && level !== 0) {
        if (full) throw new VerifierError(name, err.errno, log, true);
        // 6.4+ reports the size it needed; older kernels get a doubled buffer.
        size = out.logTrueSize > size ? Math.min(out.logTrueSize, MAX_LOG_SIZE) : Math.min(size * 2, MAX_LOG_SIZE);
        continue;
      }
      if (level === 0 && !full) {
        // Loaded without a log and failed: load again with one to explain why.
        level = LogLevel.Branch;
        size = startSize;
        continue;
      }
      throw new VerifierError(name, err.errno, log);
    }
  }
}

/** Validates the log options and returns the starting buffer size. */
function checkLogOptions(options: ProgramOptions): number {
  const { logLevel, logSize } = options;
  if (logLevel !== undefined && (!Number.isInteger(logLevel) || logLevel < 0 || logLevel > 0xffffffff)) {
    throw new ArgumentError(`logLevel must be a non-negative 32-bit integer, got ${String(logLevel)}`);
  }
  if (logSize === undefined) return DEFAULT_LOG_SIZE;
  if (!Number.isInteger(logSize) || logSize < MIN_LOG_SIZE || logSize > MAX_LOG_SIZE) {
    throw new ArgumentError(`logSize must be an integer from ${MIN_LOG_SIZE} to ${MAX_LOG_SIZE}, got ${String(logSize)}`);
  }
  return logSize;
}

/** The text before the first NUL. */
function cString(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  return new TextDecoder().decode(end < 0 ? buf : buf.subarray(0, end));
}

/**
 * The two kinds of probe: create a minimal map, load a minimal program. Both go straight to the
 * syscall layer and report the errno instead of throwing, so each probe decides what it means.
 *
 * @module
 */
import { DWord, LoadImm, marshalInstructions, nativeByteOrder, R0, Return, type Instruction } from "../asm/index.js";
import {
  closeRaw,
  mapCreate,
  MapCreateAttr,
  progLoad,
  SyscallError,
  type AttrValues,
  type ProgLoadInput,
} from "../syscall/index.js";

/** Enough for the verifier log of a probe program (a handful of lines). */
const PROBE_LOG_SIZE = 64 * 1024;

/**
 * Create a map with `attr` and close it at once; returns the error, or undefined on success.
 * Errors other than a failed syscall propagate.
 *
 * @example
 * ```ts
 * const err = tryCreateMap({ mapType: 1, keySize: 4, valueSize: 4, maxEntries: 1 });
 * ```
 */
export function tryCreateMap(attr: AttrValues<typeof MapCreateAttr>): SyscallError | undefined {
  try {
    closeRaw(mapCreate(attr));
    return undefined;
  } catch (err) {
    if (err instanceof SyscallError) return err;
    throw err;
  }
}

/**
 * `r0 = 0 ll; exit`, the smallest program every type accepts, after the `prefix` instructions.
 *
 * @example
 * ```ts
 * import * as asm from "../asm/index.js";
 * const insns = probeInstructions([asm.FnKtimeGetNs.Call()]); // call 5; r0 = 0 ll; exit
 * ```
 */
export function probeInstructions(prefix: readonly Instruction[] = []): Uint8Array {
  return marshalInstructions([...prefix, LoadImm(R0, 0, DWord), Return()], nativeByteOrder);
}

/**
 * The outcome of a probe load: the error (undefined on success) and the verifier log.
 *
 * @example
 * ```ts
 * const { error, log }: ProbeLoad = tryLoadProgram(input, true);
 * ```
 */
export interface ProbeLoad {
  readonly error: SyscallError | undefined;
  readonly log: string;
}

/**
 * Load a program and close it at once; with `withLog` the verifier log (level 1) comes back too.
 *
 * @example
 * ```ts
 * const { error, log } = tryLoadProgram({ progType: 6, insns: probeInstructions(), license: "" }, true);
 * ```
 */
export function tryLoadProgram(input: ProgLoadInput, withLog: boolean): ProbeLoad {
  const logBuf = withLog ? new Uint8Array(PROBE_LOG_SIZE) : undefined;
  let error: SyscallError | undefined;
  try {
    closeRaw(progLoad(input, logBuf ? { level: 1, buf: logBuf } : undefined));
  } catch (err) {
    if (!(err instanceof SyscallError)) throw err;
    error = err;
  }
  let log = "";
  if (logBuf) {
    const end = logBuf.indexOf(0);
    log = new TextDecoder().decode(end < 0 ? logBuf : logBuf.subarray(0, end));
  }
  return { error, log };
}

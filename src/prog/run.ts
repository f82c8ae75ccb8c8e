/**
 * Running a program on test input (BPF_PROG_TEST_RUN, Linux 4.12).
 *
 * @module
 */
import { ArgumentError, EbpfError, NotSupportedError } from "../errors.js";
import { addressOf, bpfCall, BpfCmd, Errno, ProgTestRunAttr, SyscallError } from "../syscall/index.js";
import { ProgramType, programTypeName } from "./types.js";

/**
 * Room added to the input length for the default output buffer: XDP_PACKET_HEADROOM +
 * NET_IP_ALIGN, the most a program can grow a packet by (as cilium/ebpf allows).
 */
const OUTPUT_PAD = 256 + 2;
/** Output retries when the kernel reports a larger result than the buffer held. */
const MAX_GROW = 3;
const U32_MAX = 0xffffffff;

/**
 * Input of `program.run()`.
 *
 * @example
 * ```ts
 * const opts: RunOptions = { data: new Uint8Array(64), repeat: 1 };
 * ```
 */
export interface RunOptions {
  /** Packet data (XDP and skb programs need at least 14 bytes, an Ethernet header). */
  readonly data?: Uint8Array;
  /**
   * Size of the output data buffer; defaults to the input length + 258 when `data` is given. A
   * result larger than the buffer makes the run repeat once with a buffer that fits.
   */
  readonly dataOutSize?: number;
  /** The context (`struct xdp_md`, `struct __sk_buff`, a syscall program's argument …). */
  readonly context?: Uint8Array;
  /** Size of the output context buffer; defaults to the input context's length. */
  readonly contextOutSize?: number;
  /** How many times to run; 0 and 1 both mean once. */
  readonly repeat?: number;
  /** `BPF_F_TEST_*` flags (Linux 5.10). */
  readonly flags?: number;
  /** CPU to run on with `BPF_F_TEST_RUN_ON_CPU` (Linux 5.10). */
  readonly cpu?: number;
  /** Batch size for `BPF_F_TEST_XDP_LIVE_FRAMES` (Linux 5.18). */
  readonly batchSize?: number;
}

/**
 * Output of `program.run()`.
 *
 * @example
 * ```ts
 * const { retval, duration, dataOut } = prog.run({ data });
 * ```
 */
export interface RunResult {
  /** The program's return value. */
  readonly retval: number;
  /** Mean nanoseconds per run, as the kernel measures it. */
  readonly duration: number;
  /** The output data (the packet after the program), empty without `data`. */
  readonly dataOut: Uint8Array;
  /** The output context, empty without `context`. */
  readonly contextOut: Uint8Array;
}

/**
 * Run the program `fd` of type `type` once or `repeat` times on test input. When output is
 * larger than its buffer the run is repeated with a larger buffer, so side effects (map updates)
 * may happen twice. Throws `NotSupportedError` for program types the kernel cannot test-run.
 *
 * @example
 * ```ts
 * const result = testRun(prog.fd, ProgramType.XDP, { data: new Uint8Array(64) });
 * ```
 */
export function testRun(fd: number, type: number, options: RunOptions): RunResult {
  const data = checkBytes("data", options.data);
  const ctxIn = checkBytes("context", options.context);
  let dataOut = new Uint8Array(checkSize("dataOutSize", options.dataOutSize, data ? data.length + OUTPUT_PAD : 0));
  // Syscall programs write their result back into the input context and refuse ctx_out.
  const ctxInPlace = type === ProgramType.Syscall;
  const ctx = ctxIn && ctxInPlace ? new Uint8Array(ctxIn) : ctxIn;
  let ctxOut = new Uint8Array(
    ctxInPlace ? 0 : checkSize("contextOutSize", options.contextOutSize, ctxIn ? ctxIn.length : 0),
  );
  const repeat = checkSize("repeat", options.repeat, 0);
  const flags = checkSize("flags", options.flags, 0);
  const cpu = checkSize("cpu", options.cpu, 0);
  const batchSize = checkSize("batchSize", options.batchSize, 0);

  for (let grow = 0; ; grow++) {
    const attr = ProgTestRunAttr.build({
      progFd: fd,
      dataIn: data ? addressOf(data) : 0,
      dataSizeIn: data?.length ?? 0,
      // A null pointer for no output: a pointer with size 0 would let old kernels write unbounded.
      dataOut: dataOut.length > 0 ? addressOf(dataOut) : 0,
      dataSizeOut: dataOut.length,
      ctxIn: ctx ? addressOf(ctx) : 0,
      ctxSizeIn: ctx?.length ?? 0,
      ctxOut: ctxOut.length > 0 ? addressOf(ctxOut) : 0,
      ctxSizeOut: ctxOut.length,
      repeat,
      flags,
      cpu,
      batchSize,
    });
    const view = new DataView(attr.buffer);
    try {
      bpfCall(BpfCmd.PROG_TEST_RUN, attr);
    } catch (err) {
      if (!(err instanceof SyscallError)) throw err;
      if (err.errno === Errno.ENOTSUPP) {
        throw new NotSupportedError(`BPF_PROG_TEST_RUN for ${programTypeName(type)} programs`, undefined, {
          cause: err,
        });
      }
      const dataNeed = ProgTestRunAttr.get(view, "dataSizeOut");
      const ctxNeed = ProgTestRunAttr.get(view, "ctxSizeOut");
      const bigger = (dataOut.length > 0 && dataNeed > dataOut.length) || (ctxOut.length > 0 && ctxNeed > ctxOut.length);
      if (err.errno !== Errno.ENOSPC || !bigger || grow >= MAX_GROW) throw err;
      if (dataOut.length > 0 && dataNeed > dataOut.length) dataOut = new Uint8Array(dataNeed);
      if (ctxOut.length > 0 && ctxNeed > ctxOut.length) ctxOut = new Uint8Array(ctxNeed);
      continue;
    }
    const dataSize = ProgTestRunAttr.get(view, "dataSizeOut");
    const ctxSize = ProgTestRunAttr.get(view, "ctxSizeOut");
    if (dataOut.length > 0 && dataSize > dataOut.length) {
      // Only kernels without the ENOSPC check do this, after writing past the buffer.
      throw new EbpfError(`BPF_PROG_TEST_RUN: kernel wrote ${dataSize} bytes into a ${dataOut.length}-byte buffer`);
    }
    return {
      retval: ProgTestRunAttr.get(view, "retval"),
      duration: ProgTestRunAttr.get(view, "duration"),
      dataOut: dataOut.subarray(0, dataOut.length > 0 ? dataSize : 0),
      contextOut: ctxInPlace ? (ctx ?? new Uint8Array(0)) : ctxOut.subarray(0, Math.min(ctxSize, ctxOut.length)),
    };
  }
}

function checkBytes(name: string, value: unknown): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Uint8Array)) throw new ArgumentError(`run: ${name} must be a Uint8Array`);
  if (value.length > U32_MAX) throw new ArgumentError(`run: ${name} is longer than 4 GiB`);
  return value.length === 0 ? undefined : value;
}

function checkSize(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new ArgumentError(`run: ${name} must be an integer from 0 to ${U32_MAX}, got ${String(value)}`);
  }
  return value;
}

/**
 * Builders for the program commands of `bpf()`: load, test run, statistics.
 *
 * @module
 */
import { EnableStatsAttr, ProgLoadAttr, ProgTestRunAttr } from "./attr.js";
import { bpfCall } from "./bpf.js";
import { BpfCmd } from "./commands.js";
import type { AttrValues } from "./layout.js";
import { addressOf } from "./libc.js";

/** Size of one instruction slot. */
const INSN_SIZE = 8;
const utf8 = new TextEncoder();

/**
 * Inputs of BPF_PROG_LOAD whose pointers the builder derives from buffers it can measure; the
 * verifier log is a separate argument.
 */
export interface ProgLoadInput
  extends Omit<
    AttrValues<typeof ProgLoadAttr>,
    "insns" | "insnCnt" | "license" | "logLevel" | "logBuf" | "logSize" | "logTrueSize"
  > {
  /** Encoded instructions, a multiple of 8 bytes. */
  insns: Uint8Array;
  license: string;
}

/** The verifier log of a BPF_PROG_LOAD: its level, and the buffer whose whole length is offered. */
export interface ProgLoadLog {
  level: number;
  buf: Uint8Array;
}

/** What BPF_PROG_LOAD wrote back. */
export interface ProgLoadOutput {
  /** The log size the kernel needed (6.4+), 0 when it does not say. */
  logTrueSize: number;
}

/**
 * BPF_PROG_LOAD. Returns the program fd; throws {@link SyscallError} with the errno otherwise
 * (the caller reads the log it passed in).
 */
export function progLoad(input: ProgLoadInput, log?: ProgLoadLog, out?: ProgLoadOutput): number {
  const attr = progLoadAttr(input, log);
  try {
    return bpfCall(BpfCmd.PROG_LOAD, attr);
  } finally {
    if (out) out.logTrueSize = ProgLoadAttr.get(new DataView(attr.buffer), "logTrueSize");
  }
}

/**
 * The attribute of BPF_PROG_LOAD for `input`, for a call made elsewhere (another thread): keep
 * `input`'s buffers (and the log's) reachable until the call returns.
 *
 * @example
 * ```ts
 * const attr = progLoadAttr(input);
 * ```
 */
export function progLoadAttr(input: ProgLoadInput, log?: ProgLoadLog): Uint8Array {
  const { insns } = input;
  if (insns.byteLength === 0 || insns.byteLength % INSN_SIZE !== 0) {
    throw new RangeError(`instructions: ${insns.byteLength} bytes is not a positive multiple of 8`);
  }
  const license = licenseBytes(input.license);
  // The other fields come from `input` as they are; these are derived from its buffers. (Not a
  // spread copy of `input` with more fields: V8 takes its slow path for one this large, about
  // 5 µs a load.)
  const attr = ProgLoadAttr.build(input, DERIVED);
  const view = new DataView(attr.buffer);
  ProgLoadAttr.set(view, "insns", addressOf(insns));
  ProgLoadAttr.set(view, "insnCnt", insns.byteLength / INSN_SIZE);
  ProgLoadAttr.set(view, "license", addressOf(license));
  if (log) {
    ProgLoadAttr.set(view, "logLevel", log.level);
    ProgLoadAttr.set(view, "logBuf", addressOf(log.buf));
    ProgLoadAttr.set(view, "logSize", log.buf.byteLength);
  }
  return attr;
}

// NUL-terminated licenses by text. An object has one of a handful ("GPL", "Dual MIT/GPL"), and
// the kernel reads the bytes during the call: held here, they outlive every call that points to
// them without the caller keeping them.
const licenses = new Map<string, Uint8Array>();

function licenseBytes(license: string): Uint8Array {
  let bytes = licenses.get(license);
  if (bytes === undefined) {
    bytes = utf8.encode(`${license}\0`);
    licenses.set(license, bytes);
  }
  return bytes;
}

const DERIVED = new Set(["insns", "insnCnt", "license", "logLevel", "logBuf", "logSize", "logTrueSize"] as const);

/** Inputs of BPF_PROG_TEST_RUN. Sizes come from the buffers. */
export interface ProgTestRunInput {
  progFd: number;
  dataIn?: Uint8Array;
  dataOut?: Uint8Array;
  ctxIn?: Uint8Array;
  ctxOut?: Uint8Array;
  repeat?: number;
  flags?: number;
  cpu?: number;
  batchSize?: number;
}

/** Results of BPF_PROG_TEST_RUN. */
export interface ProgTestRunOutput {
  retval: number;
  /** Mean ns per run, as the kernel measures it. */
  duration: number;
  dataSizeOut: number;
  ctxSizeOut: number;
}

/** BPF_PROG_TEST_RUN (4.12+). */
export function progTestRun(input: ProgTestRunInput): ProgTestRunOutput {
  const { dataIn, dataOut, ctxIn, ctxOut } = input;
  const attr = ProgTestRunAttr.build({
    progFd: input.progFd,
    dataIn: dataIn ? addressOf(dataIn) : 0,
    dataSizeIn: dataIn?.byteLength ?? 0,
    dataOut: dataOut ? addressOf(dataOut) : 0,
    dataSizeOut: dataOut?.byteLength ?? 0,
    ctxIn: ctxIn ? addressOf(ctxIn) : 0,
    ctxSizeIn: ctxIn?.byteLength ?? 0,
    ctxOut: ctxOut ? addressOf(ctxOut) : 0,
    ctxSizeOut: ctxOut?.byteLength ?? 0,
    repeat: input.repeat ?? 0,
    flags: input.flags ?? 0,
    cpu: input.cpu ?? 0,
    batchSize: input.batchSize ?? 0,
  });
  bpfCall(BpfCmd.PROG_TEST_RUN, attr);
  const view = new DataView(attr.buffer);
  return {
    retval: ProgTestRunAttr.get(view, "retval"),
    duration: ProgTestRunAttr.get(view, "duration"),
    dataSizeOut: ProgTestRunAttr.get(view, "dataSizeOut"),
    ctxSizeOut: ProgTestRunAttr.get(view, "ctxSizeOut"),
  };
}

/** BPF_STATS_RUN_TIME. */
export const BPF_STATS_RUN_TIME = 0;

/**
 * BPF_ENABLE_STATS (5.8+): returns an fd; run-time statistics are collected while it is open.
 */
export function enableStats(type = BPF_STATS_RUN_TIME): number {
  return bpfCall(BpfCmd.ENABLE_STATS, EnableStatsAttr.build({ type }));
}

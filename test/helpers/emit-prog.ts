/**
 * Hand-encoded XDP programs that write records into a ring buffer or a perf event array, run with
 * BPF_PROG_TEST_RUN: the event reader tests need real kernel writers before the collection loader
 * exists. Record `seq` of a run holds `seq` as a u32 in its first 4 bytes, then
 * {@link patternByte} bytes.
 */
import { FD } from "../../src/syscall/fd.js";
import { mapCreate } from "../../src/syscall/map.js";
import { progLoad, progTestRun } from "../../src/syscall/prog.js";

const PROG_TYPE_XDP = 6;
const XDP_PASS = 2;
const HELPER_PERF_EVENT_OUTPUT = 25;
const HELPER_RINGBUF_OUTPUT = 130;
const HELPER_RINGBUF_RESERVE = 131;
const HELPER_RINGBUF_SUBMIT = 132;
const HELPER_RINGBUF_DISCARD = 133;
/** `BPF_MAP_TYPE_PERF_EVENT_ARRAY`. */
export const MAP_TYPE_PERF_EVENT_ARRAY = 4;
/** `BPF_MAP_TYPE_RINGBUF`. */
export const MAP_TYPE_RINGBUF = 27;
/** `BPF_RB_NO_WAKEUP`. */
export const BPF_RB_NO_WAKEUP = 1;

const R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7, R10 = 10;

class Asm {
  readonly words: number[][] = [];
  get pc(): number {
    return this.words.length;
  }
  ins(op: number, dst: number, src: number, off: number, imm: number): number {
    this.words.push([op, dst | (src << 4), off, imm]);
    return this.words.length - 1;
  }
  movImm(dst: number, imm: number): void { this.ins(0xb7, dst, 0, 0, imm); }
  mov32Imm(dst: number, imm: number): void { this.ins(0xb4, dst, 0, 0, imm); }
  movReg(dst: number, src: number): void { this.ins(0xbf, dst, src, 0, 0); }
  addImm(dst: number, imm: number): void { this.ins(0x07, dst, 0, 0, imm); }
  andImm(dst: number, imm: number): void { this.ins(0x57, dst, 0, 0, imm); }
  stW(dst: number, off: number, imm: number): void { this.ins(0x62, dst, 0, off, imm); }
  stxW(dst: number, src: number, off: number): void { this.ins(0x63, dst, src, off, 0); }
  ldMapFd(dst: number, fd: number): void {
    this.ins(0x18, dst, 1, 0, fd);
    this.ins(0, 0, 0, 0, 0);
  }
  call(helper: number): void { this.ins(0x85, 0, 0, 0, helper); }
  exit(): void { this.ins(0x95, 0, 0, 0, 0); }
  /** A jump with its offset patched later by `land`. */
  jump(op: number, dst: number, imm: number): number { return this.ins(op, dst, 0, 0, imm); }
  land(at: number): void { this.words[at]![2] = this.pc - at - 1; }
  jumpBack(to: number): void { this.ins(0x05, 0, 0, to - this.pc - 1, 0); }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.words.length * 8);
    const view = new DataView(out.buffer);
    this.words.forEach(([op, regs, off, imm], i) => {
      view.setUint8(i * 8, op!);
      view.setUint8(i * 8 + 1, regs!);
      view.setInt16(i * 8 + 2, off!, true);
      view.setInt32(i * 8 + 4, imm!, true);
    });
    return out;
  }
}

const JGE_IMM = 0x35;
const JEQ_IMM = 0x15;
const JNE_IMM = 0x55;
const JA = 0x05;

/** Byte `i` (>= 4) of every record of `size` bytes. */
export function patternByte(i: number, size: number): number {
  return (i * 7 + size) & 0xff;
}

/** The record `seq` of `size` bytes the emit programs write. */
export function expectedRecord(seq: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = patternByte(i, size);
  new DataView(out.buffer).setUint32(0, seq >>> 0, true);
  return out;
}

/** What an emit program writes, per run. */
export interface EmitOptions {
  /** Ring buffer or perf event array fd. */
  mapFd: number;
  kind: "ringbuf" | "perf" | "ringbuf-discard-odd";
  /** Records per run. */
  count: number;
  /** Bytes per record, 4..512. */
  size: number;
  /** `bpf_ringbuf_output` flags (`BPF_RB_NO_WAKEUP` …). */
  flags?: number;
}

/** Load an emit program; run it with {@link runProgram}. */
export function loadEmitProgram(o: EmitOptions): FD {
  if (o.size < 4 || o.size > 512) throw new RangeError(`record size ${o.size} outside 4..512`);
  const a = new Asm();
  const S = (o.size + 7) & ~7;
  a.movReg(R6, R1);
  a.movImm(R7, 0);
  if (o.kind !== "ringbuf-discard-odd") {
    for (let i = 0; i < S; i += 4) {
      const v = patternByte(i, o.size) | (patternByte(i + 1, o.size) << 8) |
        (patternByte(i + 2, o.size) << 16) | (patternByte(i + 3, o.size) << 24);
      a.stW(R10, -S + i, v | 0);
    }
  }
  const loop = a.pc;
  const toEnd = a.jump(JGE_IMM, R7, o.count);
  if (o.kind === "ringbuf") {
    a.stxW(R10, R7, -S);
    a.ldMapFd(R1, o.mapFd);
    a.movReg(R2, R10);
    a.addImm(R2, -S);
    a.movImm(R3, o.size);
    a.movImm(R4, o.flags ?? 0);
    a.call(HELPER_RINGBUF_OUTPUT);
  } else if (o.kind === "perf") {
    a.stxW(R10, R7, -S);
    a.movReg(R1, R6);
    a.ldMapFd(R2, o.mapFd);
    a.mov32Imm(R3, -1); // BPF_F_CURRENT_CPU, zero-extended to 0xffffffff
    a.movReg(R4, R10);
    a.addImm(R4, -S);
    a.movImm(R5, o.size);
    a.call(HELPER_PERF_EVENT_OUTPUT);
  } else {
    a.ldMapFd(R1, o.mapFd);
    a.movImm(R2, o.size);
    a.movImm(R3, 0);
    a.call(HELPER_RINGBUF_RESERVE);
    const toNext = a.jump(JEQ_IMM, R0, 0);
    a.stxW(R0, R7, 0);
    a.movReg(R1, R0);
    a.movImm(R2, 0);
    a.movReg(R3, R7);
    a.andImm(R3, 1);
    const toDiscard = a.jump(JNE_IMM, R3, 0);
    a.call(HELPER_RINGBUF_SUBMIT);
    const toNext2 = a.jump(JA, 0, 0);
    a.land(toDiscard);
    a.call(HELPER_RINGBUF_DISCARD);
    a.land(toNext);
    a.land(toNext2);
  }
  a.addImm(R7, 1);
  a.jumpBack(loop);
  a.land(toEnd);
  a.movImm(R0, XDP_PASS);
  a.exit();
  const insns = a.bytes();
  try {
    return new FD(progLoad({ progType: PROG_TYPE_XDP, insns, license: "GPL" }), "emit program");
  } catch (err) {
    // Load again with a verifier log for the message.
    const log = new Uint8Array(1 << 22);
    try {
      progLoad({ progType: PROG_TYPE_XDP, insns, license: "GPL" }, { level: 1, buf: log });
    } catch {
      // The first error is the one to report.
    }
    const text = new TextDecoder().decode(log.subarray(0, log.indexOf(0)));
    throw new Error(`emit program rejected: ${(err as Error).message}\n${text.slice(-2000)}`);
  }
}

const packet = new Uint8Array(64);

/** Run `prog` `repeat` times (each run emits its records). */
export function runProgram(prog: FD, repeat = 1): void {
  progTestRun({ progFd: prog.raw, dataIn: packet, repeat });
}

/** A ring buffer map of `size` bytes. */
export function createRingbuf(size: number): FD {
  return new FD(mapCreate({ mapType: MAP_TYPE_RINGBUF, maxEntries: size }), "ringbuf");
}

/** A perf event array with one slot per CPU. */
export function createPerfArray(cpus: number): FD {
  return new FD(mapCreate({ mapType: MAP_TYPE_PERF_EVENT_ARRAY, keySize: 4, valueSize: 4, maxEntries: cpus }), "perf array");
}

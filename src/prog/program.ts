/**
 * `Program`: a loaded eBPF program, and `newProgram` which makes one from a spec.
 *
 * @module
 */
import { rmSync } from "node:fs";
import { ArgumentError } from "../errors.js";
import { addressOf, closeRaw, FD, objPin, type ProgLoadInput } from "../syscall/index.js";
import { resolveAttachTarget, resolveProgramTarget } from "./attach-target.js";
import { readProgramInfo, type ProgramInfo } from "./info.js";
import { encodeInstructions } from "./instructions.js";
import { linuxVersionCode } from "./kernel-version.js";
import { loadProgram } from "./load.js";
import { applyCORE, FUNC_INFO_SIZE, LINE_INFO_SIZE, programBTFAttrs, type ProgramBTFAttrs } from "./object-btf.js";
import { testRun, type RunOptions, type RunResult } from "./run.js";
import type { ProgramOptions, ProgramSpec } from "./spec.js";
import type { ProgramStats } from "./stats.js";
import { ProgramType, programTypeName } from "./types.js";

/** BPF_OBJ_NAME_LEN less the NUL. */
const MAX_NAME = 15;
const U32_MAX = 0xffffffff;

/**
 * A program loaded into the kernel. Close it with `close()` or `using`; the kernel frees it when
 * no fd, pin or link refers to it any more.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * import { newProgram, ProgramType } from "ebpf";
 * using prog = newProgram({
 *   type: ProgramType.XDP,
 *   name: "pass",
 *   license: "GPL",
 *   instructions: [asm.Mov.Imm(asm.R0, 2), asm.Return()],
 * });
 * console.log(prog.run({ data: new Uint8Array(64) }).retval); // 2 (XDP_PASS)
 * ```
 */
export class Program {
  readonly #fd: FD;
  #pinnedPath: string | undefined;

  /** @internal Use {@link newProgram} or `loadPinnedProgram`. */
  constructor(
    fd: FD,
    /** The name from the spec (or the kernel's, for a pinned program). */
    readonly name: string,
    /** The program type (`ProgramType.*`). */
    readonly type: ProgramType,
    /** The verifier log of the load when `logLevel` was set, else `""`. */
    readonly verifierLog: string,
    pinnedPath?: string,
  ) {
    this.#fd = fd;
    this.#pinnedPath = pinnedPath;
  }

  /**
   * The program's file descriptor; throws `ClosedError` after `close()`.
   *
   * @example
   * ```ts
   * asm.LoadImm(asm.R1, prog.fd, asm.DWord);
   * ```
   */
  get fd(): number {
    return this.#fd.raw;
  }

  /**
   * Where the program is pinned, if this object pinned it or was loaded from a pin.
   *
   * @example
   * ```ts
   * prog.pin("/sys/fs/bpf/my_prog");
   * prog.pinnedPath; // "/sys/fs/bpf/my_prog"
   * ```
   */
  get pinnedPath(): string | undefined {
    return this.#pinnedPath;
  }

  /**
   * Run the program on test input (BPF_PROG_TEST_RUN, Linux 4.12; not every program type can
   * be run, others throw `NotSupportedError`).
   *
   * @example
   * ```ts
   * const { retval, duration, dataOut } = prog.run({ data: new Uint8Array(64) });
   * ```
   */
  run(options: RunOptions = {}): RunResult {
    return testRun(this.fd, this.type, options);
  }

  /**
   * Run the program `repeat` times on `data` and return the kernel's mean time per run in
   * nanoseconds (Linux 4.12).
   *
   * @example
   * ```ts
   * const ns = prog.benchmark(new Uint8Array(64), 1_000_000);
   * ```
   */
  benchmark(data: Uint8Array, repeat: number): number {
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > U32_MAX) {
      throw new ArgumentError(`benchmark: repeat must be an integer from 1 to ${U32_MAX}, got ${String(repeat)}`);
    }
    return testRun(this.fd, this.type, { data, repeat, dataOutSize: 0 }).duration;
  }

  /**
   * Run count and run time, counted while statistics are enabled (`enableStats()`, Linux 5.8;
   * the counters exist since 5.1).
   *
   * @example
   * ```ts
   * using _ = enableStats();
   * prog.run({ data });
   * prog.stats().runCount; // 1n
   * ```
   */
  stats(): ProgramStats {
    const { runCount, runTime, recursionMisses } = readProgramInfo(this.fd);
    return { runCount, runTime, recursionMisses };
  }

  /**
   * What the kernel reports about the program: id, tag, name, verified instructions, JIT size ….
   *
   * @example
   * ```ts
   * const { id, tag, jitedSize } = prog.info();
   * ```
   */
  info(): ProgramInfo {
    return readProgramInfo(this.fd);
  }

  /**
   * Pin the program at `path` in a bpffs so it outlives this process (`loadPinnedProgram` opens
   * it again).
   *
   * @example
   * ```ts
   * prog.pin("/sys/fs/bpf/my_prog");
   * ```
   */
  pin(path: string): void {
    if (typeof path !== "string" || path === "") throw new ArgumentError("pin: path must be a non-empty string");
    objPin(this.fd, path);
    this.#pinnedPath = path;
  }

  /**
   * Remove the pin this object made or was loaded from. A no-op when not pinned.
   *
   * @example
   * ```ts
   * prog.unpin();
   * ```
   */
  unpin(): void {
    if (this.#pinnedPath === undefined) return;
    rmSync(this.#pinnedPath, { force: true });
    this.#pinnedPath = undefined;
  }

  /**
   * Close the fd. Closing twice is a no-op; a pinned program stays loaded.
   *
   * @example
   * ```ts
   * prog.close();
   * ```
   */
  close(): void {
    this.#fd.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * `"XDP(pass)"`.
   *
   * @example
   * ```ts
   * String(prog); // "XDP(pass)"
   * ```
   */
  toString(): string {
    return `${programTypeName(this.type)}(${this.name})`;
  }
}

/**
 * Load a program into the kernel. Throws `VerifierError` (with the verifier log) when the kernel
 * refuses it, `PermissionError` without the needed capabilities, `ArgumentError` for a spec that
 * can never load.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * import { newProgram, ProgramType, LogLevel } from "ebpf";
 * const prog = newProgram(
 *   { type: ProgramType.SocketFilter, license: "MIT", instructions: [asm.Mov.Imm(asm.R0, 0), asm.Return()] },
 *   { logLevel: LogLevel.Stats },
 * );
 * console.log(prog.verifierLog); // "processed 2 insns ..."
 * ```
 */
export function newProgram(spec: ProgramSpec, options: ProgramOptions = {}): Program {
  return loadPreparedProgram(prepareProgram(spec, options), options);
}

/**
 * A program checked and encoded for BPF_PROG_LOAD: everything {@link newProgram} does before the
 * kernel call. It holds every buffer the call's attribute points to.
 */
export interface PreparedProgram {
  readonly name: string;
  /** `program NAME`, for errors. */
  readonly what: string;
  readonly type: ProgramType;
  readonly input: ProgLoadInput;
  /** func_info / line_info and the BTF they refer to; closed once the program is loaded. */
  readonly btf: ProgramBTFAttrs | undefined;
  readonly fdArray: Int32Array | undefined;
}

/**
 * Check `spec` and encode it for BPF_PROG_LOAD (CO-RE applied, attach target resolved, BTF
 * records built). Throws what {@link newProgram} throws for a spec that can never load.
 *
 * @example
 * ```ts
 * const prepared = prepareProgram(spec, {});
 * const prog = loadPreparedProgram(prepared, {});
 * ```
 */
export function prepareProgram(spec: ProgramSpec, options: ProgramOptions): PreparedProgram {
  if (spec === null || typeof spec !== "object") throw new ArgumentError("newProgram: spec must be a ProgramSpec");
  const name = spec.name ?? "";
  if (typeof name !== "string") throw new ArgumentError("newProgram: name must be a string");
  const what = name === "" ? "program" : `program ${name}`;
  const type = checkU32(what, "type", spec.type);
  if (type === ProgramType.UnspecifiedProgram) throw new ArgumentError(`${what}: program type is not set`);
  const attachType = checkU32(what, "attachType", spec.attachType ?? 0);
  const flags = checkU32(what, "flags", spec.flags ?? 0);
  const kernelVersion = checkU32(what, "kernelVersion", spec.kernelVersion ?? 0);
  const license = spec.license ?? "";
  if (typeof license !== "string" || license.includes("\0")) {
    throw new ArgumentError(`${what}: license must be a string without NUL bytes`);
  }
  if (spec.attachTo !== undefined && typeof spec.attachTo !== "string") {
    throw new ArgumentError(`${what}: attachTo must be a string`);
  }
  const kernelTypes = options?.kernelTypes;
  const source =
    spec.btf && !(spec.instructions instanceof Uint8Array)
      ? applyCORE(spec.instructions, spec.btf, kernelTypes)
      : spec.instructions;
  const insns = encodeInstructions(source, what);
  const attachTarget = spec.attachTarget;
  if (attachTarget !== undefined && (attachTarget === null || typeof attachTarget.fd !== "number")) {
    throw new ArgumentError(`${what}: attachTarget must be a loaded program`);
  }
  if (attachTarget !== undefined && !spec.attachTo) throw new ArgumentError(`${what}: attachTarget needs attachTo (a function name)`);
  const attachBtfId =
    attachTarget === undefined
      ? resolveAttachTarget(type, attachType, spec.attachTo, kernelTypes)
      : resolveProgramTarget(attachTarget.fd, spec.attachTo!);
  const btf = spec.btf ? programBTFAttrs(spec.btf, options?.btf) : undefined;
  const fdArray = options?.fdArray?.length ? new Int32Array(options.fdArray) : undefined;
  const input: ProgLoadInput = {
    progType: type,
    insns,
    license,
    // The kernel takes [A-Za-z0-9_.] only; drop the rest, as cilium/ebpf does.
    progName: name.replace(/[^A-Za-z0-9_.]/gu, "").slice(0, MAX_NAME),
    expectedAttachType: attachType,
    progFlags: flags,
    attachBtfId,
    // attach_prog_fd shares this field: the program whose BTF attachBtfId is an id of.
    attachBtfObjFd: attachTarget?.fd,
    kernVersion: kernelVersion === 0 && type === ProgramType.Kprobe ? linuxVersionCode() : kernelVersion,
    // Fields left undefined stay zero: one object shape instead of spreads of optional parts.
    fdArray: fdArray ? addressOf(fdArray) : undefined,
    progBtfFd: btf?.progBtfFd,
    funcInfo: btf ? addressOf(btf.funcInfo) : undefined,
    funcInfoRecSize: btf ? FUNC_INFO_SIZE : undefined,
    funcInfoCnt: btf?.funcInfoCnt,
    lineInfo: btf ? addressOf(btf.lineInfo) : undefined,
    lineInfoRecSize: btf ? LINE_INFO_SIZE : undefined,
    lineInfoCnt: btf?.lineInfoCnt,
  };
  return { name, what, type, input, btf, fdArray };
}

/**
 * BPF_PROG_LOAD of a prepared program, with the verifier log `options` ask for (and one to
 * explain a failure). Closes the prepared BTF records' own BTF either way.
 *
 * @example
 * ```ts
 * const prog = loadPreparedProgram(prepareProgram(spec, {}), {});
 * ```
 */
export function loadPreparedProgram(prepared: PreparedProgram, options: ProgramOptions): Program {
  let loaded: { fd: number; log: string };
  try {
    loaded = loadProgram(prepared.input, prepared.name, options ?? {});
  } finally {
    prepared.btf?.close();
  }
  return adoptProgramFd(prepared, loaded.fd, loaded.log);
}

/**
 * The {@link Program} owning `fd`, a load of `prepared`; the fd is closed if that fails.
 *
 * @example
 * ```ts
 * const prog = adoptProgramFd(prepared, fd, "");
 * ```
 */
export function adoptProgramFd(prepared: PreparedProgram, fd: number, log: string): Program {
  try {
    return new Program(new FD(fd, prepared.what), prepared.name, prepared.type, log);
  } catch (err) {
    closeRaw(fd);
    throw err;
  }
}

function checkU32(what: string, field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new ArgumentError(`${what}: ${field} must be a 32-bit unsigned integer, got ${String(value)}`);
  }
  return value;
}

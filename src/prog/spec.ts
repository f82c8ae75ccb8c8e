/**
 * `ProgramSpec`: the description of a program, pure data that never touches the kernel.
 *
 * @module
 */
import type { Instruction } from "../asm/index.js";
import type { LoadedBTF, ProgramBTF } from "./object-btf.js";
import type { KernelTypes } from "./attach-target.js";
import type { AttachType, ProgramType } from "./types.js";

/**
 * Everything needed to load a program. Pure data: `newProgram(spec)` makes the kernel object.
 * More fields (attach target, BTF, func/line info, section name, byte order) join as the loaders
 * that fill them arrive.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * import { ProgramType, type ProgramSpec } from "ebpf";
 * const spec: ProgramSpec = {
 *   type: ProgramType.XDP,
 *   name: "pass",
 *   license: "GPL",
 *   instructions: [asm.Mov.Imm(asm.R0, 2), asm.Return()],
 * };
 * ```
 */
export interface ProgramSpec {
  /** The program type, e.g. `ProgramType.XDP`. */
  readonly type: ProgramType;
  /**
   * The instructions: builder output from `ebpf/asm` (labels are resolved at load time) or
   * encoded bytes in the host's byte order, 8 bytes per slot.
   */
  readonly instructions: readonly Instruction[] | Uint8Array;
  /** The license; helpers marked GPL-only need a GPL-compatible one. Defaults to `""`. */
  readonly license?: string;
  /**
   * The program's name. The kernel keeps (for `bpftool prog`, Linux 4.15) its first 15
   * characters from `[A-Za-z0-9_.]`; others are dropped.
   */
  readonly name?: string;
  /** The expected attach type some program types need at load time (`AttachType.*`), Linux 4.17. */
  readonly attachType?: AttachType;
  /**
   * `LINUX_VERSION_CODE` for kprobe programs on kernels before 5.0, which check it. 0 (the
   * default) means the running kernel's version for kprobes.
   */
  readonly kernelVersion?: number;
  /** `BPF_F_*` program flags (`BPF_F_SLEEPABLE` …). */
  readonly flags?: number;
  /**
   * The kernel target of a Tracing program (the function of fentry/fexit/fmod_ret, the
   * tracepoint of tp_btf, the iterator of iter) or the hook of an LSM program, looked up in
   * kernel BTF at load time (Linux 5.5+). Other program types attach later, by link.
   */
  readonly attachTo?: string;
  /**
   * A loaded program whose BTF holds `attachTo`: the program an extension (`ProgramType.Extension`,
   * freplace, Linux 5.6+) replaces a global function of, or a BPF program fentry/fexit traces
   * (5.5+). The target must have been loaded with BTF.
   */
  readonly attachTarget?: { readonly fd: number } | undefined;
  /**
   * The object's BTF with func_info, line_info and CO-RE relocations (offsets in 8-byte slots),
   * as `loadCollectionSpec` fills it in.
   */
  readonly btf?: ProgramBTF | undefined;
}

/**
 * Verifier log levels (`log_level` of BPF_PROG_LOAD); they can be ORed together.
 *
 * @example
 * ```ts
 * import { newProgram, LogLevel } from "ebpf";
 * const prog = newProgram(spec, { logLevel: LogLevel.Instruction | LogLevel.Stats });
 * console.log(prog.verifierLog);
 * ```
 */
export const LogLevel = {
  /** Each branch the verifier explores (level 1). */
  Branch: 1,
  /** Every instruction with the register state (level 2). */
  Instruction: 2,
  /** Summary statistics only (Linux 5.2). */
  Stats: 4,
} as const;

/**
 * Load options for `newProgram`.
 *
 * @example
 * ```ts
 * import { newProgram, LogLevel } from "ebpf";
 * const prog = newProgram(spec, { logLevel: LogLevel.Branch, logSize: 1 << 20 });
 * ```
 */
export interface ProgramOptions {
  /**
   * Ask the verifier for a log even when loading succeeds; it is then in `program.verifierLog`.
   * By default the program is loaded without a log and, only if that fails, loaded again with
   * `LogLevel.Branch` to explain the failure.
   */
  readonly logLevel?: number;
  /**
   * Starting size of the log buffer in bytes (at least 128, default 64 KiB). The buffer grows
   * until the whole log fits, so this only matters for tuning.
   */
  readonly logSize?: number;
  /** Never ask for a log, not even to explain a failure. */
  readonly logDisabled?: boolean;
  /** Kernel BTF to find `attachTo` targets in; the running kernel's by default. */
  readonly kernelTypes?: KernelTypes;
  /**
   * BTF already loaded that holds the program's functions (`loadBTF`): `newCollection` shares one
   * per collection so each program does not load its own.
   */
  readonly btf?: LoadedBTF | undefined;
  /**
   * File descriptors instructions refer to by index (`fd_array`, 5.14+): module BTF for kfuncs
   * from kernel modules. Slot 0 is not used by kfunc calls.
   */
  readonly fdArray?: readonly number[] | undefined;
}

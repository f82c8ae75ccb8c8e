/**
 * Programs: specs, loading with verifier logs, test runs, statistics, pinning and info.
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * import { newProgram, ProgramType } from "ebpf";
 * using prog = newProgram({
 *   type: ProgramType.XDP,
 *   license: "GPL",
 *   instructions: [asm.Mov.Imm(asm.R0, 2), asm.Return()],
 * });
 * prog.run({ data: new Uint8Array(64) }).retval; // 2
 * ```
 *
 * @module
 */
export type { KernelTypes } from "./attach-target.js";
export type { ProgramInfo } from "./info.js";
export { loadPinnedProgram } from "./pin.js";
export { newProgram, Program } from "./program.js";
export type { RunOptions, RunResult } from "./run.js";
export { LogLevel, type ProgramOptions, type ProgramSpec } from "./spec.js";
export { enableStats, StatsHandle, type ProgramStats } from "./stats.js";
export { AttachType, attachTypeName, ProgramType, programTypeName } from "./types.js";
export { VerifierError } from "./verifier-error.js";

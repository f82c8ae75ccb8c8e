/**
 * The checks every attach call makes on its program before touching the kernel.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";
import { programTypeName, type ProgramType } from "../prog/types.js";
import { programFd } from "./link.js";

/**
 * What an attach call needs of a program: its fd and type (a `Program` from `ebpf` fits).
 *
 * @example
 * ```ts
 * import type { AttachableProgram } from "ebpf/link";
 * const p: AttachableProgram = coll.programs.count;
 * ```
 */
export interface AttachableProgram {
  readonly fd: number;
  readonly type: ProgramType;
  readonly name?: string;
}

/**
 * The program's fd after checking it is open (`ClosedError`) and of one of `types`
 * (`ArgumentError` naming the expected and actual types).
 *
 * @example
 * ```ts
 * const fd = checkedProgramFd(prog, [ProgramType.XDP], "XDP link");
 * ```
 */
export function checkedProgramFd(program: AttachableProgram, types: readonly ProgramType[], what: string): number {
  if (program === null || typeof program !== "object") throw new ArgumentError(`${what}: program is required`);
  const fd = programFd(program, what);
  if (!types.includes(program.type)) {
    const name = program.name ? ` ${program.name}` : "";
    throw new ArgumentError(
      `${what}: program${name} is of type ${programTypeName(program.type)}, expected ${types.map(programTypeName).join(" or ")}`,
    );
  }
  return fd;
}

/**
 * Check an optional BPF cookie: a bigint from 0 to 2^64-1.
 *
 * @example
 * ```ts
 * const cookie = checkCookie(options.cookie, "tracepoint");
 * ```
 */
export function checkCookie(cookie: bigint | undefined, what: string): bigint {
  if (cookie === undefined) return 0n;
  if (typeof cookie !== "bigint" || cookie < 0n || cookie > 0xffff_ffff_ffff_ffffn) {
    throw new ArgumentError(`${what}: cookie must be a bigint from 0 to 2^64-1, got ${String(cookie)}`);
  }
  return cookie;
}

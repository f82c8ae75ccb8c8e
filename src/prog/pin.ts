/**
 * Opening pinned programs.
 *
 * @module
 */
import { readlinkSync } from "node:fs";
import { ArgumentError } from "../errors.js";
import { closeRaw, FD, objGet } from "../syscall/index.js";
import { readProgramInfo } from "./info.js";
import { Program } from "./program.js";

/**
 * Open the program pinned at `path` in a bpffs (BPF_OBJ_GET, Linux 4.4). Its name and type come
 * from the kernel. Throws `ArgumentError` when the pin is not a program, and `SyscallError`
 * (ENOENT …) when it cannot be opened.
 *
 * @example
 * ```ts
 * import { loadPinnedProgram } from "ebpf";
 * using prog = loadPinnedProgram("/sys/fs/bpf/my_prog");
 * console.log(prog.type, prog.name);
 * ```
 */
export function loadPinnedProgram(path: string): Program {
  if (typeof path !== "string" || path === "") {
    throw new ArgumentError("loadPinnedProgram: path must be a non-empty string");
  }
  const raw = objGet(path);
  try {
    // A pinned map or link opens just as well; only the fd's inode tells them apart.
    const kind = readlinkSync(`/proc/self/fd/${raw}`);
    if (kind !== "anon_inode:bpf-prog") {
      throw new ArgumentError(`loadPinnedProgram: ${path} is not a program (${kind})`);
    }
    const info = readProgramInfo(raw);
    return new Program(new FD(raw, `program ${info.name}`), info.name, info.type, "", path);
  } catch (err) {
    closeRaw(raw);
    throw err;
  }
}

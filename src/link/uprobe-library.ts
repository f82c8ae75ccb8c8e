/**
 * Finding a shared library by its name (`libc.so.6`) among the files a process has mapped,
 * which is what the dynamic linker actually chose, without consulting `ldconfig`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ExecutableNotFoundError } from "./uprobe-errors.js";

/**
 * The path of the mapped file whose name is `name` (`"libc.so.6"`), or which starts with
 * `name` followed by `.` or `-` (`"libc"` finds `libc.so.6`, `"libssl"` finds
 * `libssl.so.3`), read from `/proc/<pid>/maps`. Defaults to this process.
 *
 * @throws {ExecutableNotFoundError} when no mapped file matches.
 * @example
 * ```ts
 * import { findLibrary, openExecutable } from "ebpf/link";
 * const libc = openExecutable(findLibrary("libc.so.6")); // e.g. /usr/lib/x86_64-linux-gnu/libc.so.6
 * ```
 */
export function findLibrary(name: string, pid: number | "self" = "self"): string {
  const maps = readFileSync(`/proc/${pid}/maps`, "utf8");
  let prefixMatch: string | undefined;
  for (const line of maps.split("\n")) {
    // address perms offset dev inode path: the path is everything after the fifth field.
    const fields = line.split(/\s+/, 6);
    const at = line.indexOf("/");
    if (fields.length < 6 || at < 0) continue;
    const path = line.slice(at).replace(/ \(deleted\)$/, "");
    const file = basename(path);
    if (file === name) return path;
    if (prefixMatch === undefined && (file.startsWith(`${name}.`) || file.startsWith(`${name}-`))) prefixMatch = path;
  }
  if (prefixMatch !== undefined) return prefixMatch;
  throw new ExecutableNotFoundError(name, `no mapped file of that name in /proc/${pid}/maps`);
}

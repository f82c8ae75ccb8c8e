// Running a TypeScript file of this repository as a child process, with plain node and
// ts-hooks.mjs (not tsx: see there why).
import { spawn, spawnSync, type ChildProcessByStdio, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from "node:child_process";
import type { Readable } from "node:stream";

const register = new URL("./ts-register.mjs", import.meta.url).pathname;

/** Run `file` with `args` to completion. */
export function runTs(file: string, args: readonly string[], options: Omit<SpawnSyncOptionsWithStringEncoding, "encoding">): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["--import", register, file, ...args], { ...options, encoding: "utf8" });
}

/** Start `file` with `args` in `cwd`, its stdout and stderr piped. */
export function spawnTs(file: string, args: readonly string[], cwd: string): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ["--import", register, file, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

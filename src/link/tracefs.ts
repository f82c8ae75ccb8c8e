/**
 * tracefs: where tracepoint ids live (`events/<group>/<name>/id`) and where kprobes are created
 * on kernels without the perf_kprobe PMU (`kprobe_events`).
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError, NotSupportedError } from "../errors.js";

const candidates = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
let cachedRoot: string | undefined;

/** Trace event group and event names the kernel accepts: `[A-Za-z0-9_]`. */
const validName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The tracefs mount point, mounting tracefs at `/sys/kernel/tracing` when nothing is mounted
 * (tracefs is Linux 4.1+; before it the same files live under debugfs).
 *
 * @example
 * ```ts
 * import { tracefsRoot } from "ebpf/link";
 * tracefsRoot(); // "/sys/kernel/tracing"
 * ```
 */
export function tracefsRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  for (const dir of candidates) {
    if (existsSync(join(dir, "events"))) return (cachedRoot = dir);
  }
  try {
    execFileSync("mount", ["-t", "tracefs", "tracefs", candidates[0]!], { stdio: "ignore" });
  } catch (err) {
    throw new NotSupportedError("tracefs (mount -t tracefs tracefs /sys/kernel/tracing failed)", "4.1", { cause: err });
  }
  if (!existsSync(join(candidates[0]!, "events"))) throw new NotSupportedError("tracefs", "4.1");
  return (cachedRoot = candidates[0]!);
}

/**
 * Check a trace event group or name: only `[A-Za-z0-9_]`, not starting with a digit.
 *
 * @example
 * ```ts
 * checkTraceName("group", "syscalls");
 * ```
 */
export function checkTraceName(what: string, name: string): void {
  if (typeof name !== "string" || !validName.test(name)) {
    throw new ArgumentError(`${what} ${JSON.stringify(name)} is not a valid trace event name ([A-Za-z0-9_])`);
  }
}

/**
 * The id of trace event `group/name` from `events/<group>/<name>/id`, or `undefined` when the
 * kernel has no such event.
 *
 * @example
 * ```ts
 * import { traceEventId } from "ebpf/link";
 * traceEventId("syscalls", "sys_enter_getpgid"); // 291
 * ```
 */
export function traceEventId(group: string, name: string): number | undefined {
  checkTraceName("tracepoint group", group);
  checkTraceName("tracepoint name", name);
  let text: string;
  try {
    text = readFileSync(join(tracefsRoot(), "events", group, name, "id"), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const id = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(id) || id < 0) throw new ArgumentError(`tracepoint ${group}/${name}: bad id ${JSON.stringify(text)}`);
  return id;
}

/**
 * Append one line to a tracefs control file (`kprobe_events`, `uprobe_events`), returning the
 * errno name on failure so callers can map it.
 *
 * @example
 * ```ts
 * writeTracefs("kprobe_events", "-:ebpf_1_abc/do_sys_open");
 * ```
 */
export function writeTracefs(file: string, line: string): string | undefined {
  try {
    appendFileSync(join(tracefsRoot(), file), `${line}\n`);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    return code;
  }
}

/**
 * Whether tracefs has control file `file` (e.g. `kprobe_events`, absent without CONFIG_KPROBES).
 *
 * @example
 * ```ts
 * hasTracefsFile("kprobe_events");
 * ```
 */
export function hasTracefsFile(file: string): boolean {
  try {
    return existsSync(join(tracefsRoot(), file));
  } catch {
    return false;
  }
}

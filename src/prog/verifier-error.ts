/**
 * `VerifierError`: a program the kernel refused, with the verifier's explanation.
 *
 * @module
 */
import { SyscallError } from "../syscall/index.js";

/**
 * BPF_PROG_LOAD failed. The message names the program, the errno and the last line or two of the
 * verifier log (the reason); `log` holds the whole log and `lines` its lines. `errno`/`code` are
 * the failure of the load (EACCES for a rejected program, EINVAL for a malformed one …).
 *
 * @example
 * ```ts
 * import { newProgram, VerifierError } from "ebpf";
 * try {
 *   newProgram(spec);
 * } catch (err) {
 *   if (err instanceof VerifierError) {
 *     console.error(err.message); // program bad: BPF_PROG_LOAD: EACCES: 0: (bf) r0 = r2: R2 !read_ok
 *     console.error(err.log);     // every line the verifier wrote
 *   }
 * }
 * ```
 */
export class VerifierError extends SyscallError {
  override name = "VerifierError";
  /** The whole verifier log, without trailing whitespace; `""` when the kernel wrote none. */
  readonly log: string;
  /** The log split into lines (trailing whitespace of each line removed). */
  readonly lines: readonly string[];

  constructor(
    /** The program's name, `""` if it has none. */
    readonly program: string,
    errno: number,
    log: string,
    /** Whether the log was cut short because it did not fit the largest buffer. */
    readonly truncated = false,
  ) {
    super("BPF_PROG_LOAD", errno);
    const trimmed = log.replace(/[\s]+$/u, "").replace(/^\n+/u, "");
    this.log = trimmed;
    this.lines = trimmed === "" ? [] : trimmed.split("\n").map((line) => line.trimEnd());
    this.message = `${program === "" ? "program" : `program ${program}`}: ${this.message}${summarize(this.lines)}`;
  }
}

/** `": <reason>"` from the end of the log, with a note of how many lines it leaves out. */
function summarize(lines: readonly string[]): string {
  let log = lines;
  // "processed 39 insns (limit 1000000) ..." closes every log and explains nothing.
  if (log.length > 0 && log[log.length - 1]!.startsWith("processed ")) log = log.slice(0, -1);
  const n = log.length;
  if (n === 0) return "";
  const shown = n >= 2 && needsPreviousLine(log[n - 1]!) ? log.slice(n - 2) : log.slice(n - 1);
  const omitted = lines.length - shown.length;
  return shown.map((line) => `: ${line.trim()}`).join("") + (omitted > 0 ? ` (${omitted} line(s) omitted)` : "");
}

/** Lines that are clearer with the one before: register complaints, BTF members, ctx access. */
function needsPreviousLine(line: string): boolean {
  return line.startsWith("\t") || /^R\d/u.test(line) || line.startsWith("invalid bpf_context access");
}

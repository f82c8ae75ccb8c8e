/**
 * `ebpf bench <object.o>`: time a program with BPF_PROG_TEST_RUN, report verifier and JIT
 * figures, print them as text, JSON or Bencher Metric Format, and compare with a baseline.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { EbpfError } from "../errors.js";
import { intOption, parseCommand, percentOption, UsageError } from "./args.js";
import { compareBMF, formatBench, formatComparison, parseBMF, toBMF } from "./bench-report.js";
import { runBench } from "./bench-run.js";
import { ExitCode } from "./exit-code.js";
import type { CliIO } from "./io.js";
import { openObject, readInput, reasonOf } from "./object.js";
import { ProgressBar } from "./progress.js";

const U32_MAX = 0xffffffff;
const DEFAULT_REPEAT = 10_000;
const DEFAULT_ROUNDS = 5;
const DEFAULT_THRESHOLD = 0.1;

/**
 * `ebpf bench --help`.
 *
 * @example
 * ```ts
 * console.log(benchHelp);
 * ```
 */
export const benchHelp = `Usage: ebpf bench <object.o> [--program NAME] [options]

Load one program of the object (with the maps it uses), run it with BPF_PROG_TEST_RUN --repeat
times in each of --rounds rounds, and report the kernel's ns per run (median, min and max of the
rounds), the verifier's statistics (instructions processed, verification time) and the JIT size.
Needs root (or CAP_BPF + CAP_NET_ADMIN) and a program type the kernel can test-run: XDP, socket
filter, tc, cgroup skb, flow dissector, raw tracepoint, syscall …

Options:
  --program NAME     the program to run (may be left out when the object has only one)
  --data FILE        input packet bytes (default: 64 zero bytes for packet programs)
  --context FILE     input context bytes (struct __sk_buff, struct xdp_md …)
  --repeat N         runs per round, inside the kernel (default ${DEFAULT_REPEAT})
  --rounds N         rounds (default ${DEFAULT_ROUNDS})
  --set VAR=VALUE    set an integer global variable before loading (repeatable)
  --name NAME        the benchmark's name in BMF output (default: the program's name)
  --format FORMAT    text (default), json, or bmf (Bencher Metric Format JSON)
  --compare FILE     compare with a BMF baseline (a saved --format bmf output); exit 3 when
                     latency, verified instructions or JIT size grew by more than the threshold
  --threshold PCT    allowed growth for --compare, in percent (default ${DEFAULT_THRESHOLD * 100})
  -h, --help         show this help

A progress bar is drawn on stderr when it is a terminal; the comparison table goes to stderr.
`;

const formats = ["text", "json", "bmf"] as const;

/**
 * Run `ebpf bench` with `argv` (the arguments after `bench`); returns the exit code: 0, or 3
 * when `--compare` finds a regression.
 *
 * @example
 * ```ts
 * const code = await benchCommand(["bpf/cli_bench.o", "--program", "xdp_work", "--format", "bmf"], processIO());
 * ```
 */
export async function benchCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      program: { type: "string" },
      data: { type: "string" },
      context: { type: "string" },
      repeat: { type: "string" },
      rounds: { type: "string" },
      set: { type: "string", multiple: true },
      name: { type: "string" },
      format: { type: "string" },
      compare: { type: "string" },
      threshold: { type: "string" },
    },
    1,
    1,
  );
  if (values.help) {
    io.stdout(benchHelp);
    return ExitCode.Ok;
  }
  const format = values.format ?? "text";
  if (!(formats as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${formats.join(", ")}, got ${JSON.stringify(format)}`);
  }
  const repeat = intOption(values.repeat, "--repeat", 1, U32_MAX, DEFAULT_REPEAT);
  const rounds = intOption(values.rounds, "--rounds", 1, 1000, DEFAULT_ROUNDS);
  const threshold = percentOption(values.threshold, "--threshold", DEFAULT_THRESHOLD);
  const set = parseAssignments(values.set ?? []);
  const baseline = values.compare === undefined ? undefined : await readBaseline(values.compare);

  const spec = await openObject(positionals[0]!);
  const data = values.data === undefined ? undefined : await readInput(values.data, "data file");
  const context = values.context === undefined ? undefined : await readInput(values.context, "context file");
  let bar: ProgressBar | undefined;
  let result;
  try {
    result = runBench(spec, {
      program: values.program,
      data,
      context,
      repeat,
      rounds,
      name: values.name,
      set,
      onProgress: (done, total, program) => (bar ??= new ProgressBar(io, program, total)).update(done),
    });
  } finally {
    bar?.done();
  }
  const bmf = toBMF(result);
  io.stdout(
    format === "bmf" ? `${JSON.stringify(bmf, null, 2)}\n` : format === "json" ? `${JSON.stringify(result, null, 2)}\n` : formatBench(result),
  );
  if (baseline === undefined) return ExitCode.Ok;
  const comparisons = compareBMF(bmf, baseline, threshold);
  io.stderr(formatComparison(comparisons, values.compare!, threshold));
  const regressed = comparisons.filter((c) => c.regressed);
  if (regressed.length === 0) return ExitCode.Ok;
  io.stderr(`ebpf bench: ${regressed.map((c) => c.measure).join(", ")} regressed by more than ${threshold * 100}% against ${values.compare}\n`);
  return ExitCode.Regression;
}

function parseAssignments(items: readonly string[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const item of items) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(-?(?:0x[0-9a-fA-F]+|\d+))$/u.exec(item);
    if (!m) throw new UsageError(`--set takes VARIABLE=INTEGER, got ${JSON.stringify(item)}`);
    const text = m[2]!;
    out.set(m[1]!, text.startsWith("-") ? -BigInt(text.slice(1)) : BigInt(text));
  }
  return out;
}

async function readBaseline(path: string) {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new EbpfError(`cannot read baseline ${path}: ${reasonOf(err)}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new EbpfError(`baseline ${path} is not valid JSON`);
  }
  return parseBMF(doc, `baseline ${path}`);
}

/**
 * Measuring one program of an object: load it with verifier statistics, run it with
 * BPF_PROG_TEST_RUN over several rounds, read its JIT size.
 *
 * @module
 */
import { loadAndAssign } from "../collection/collection.js";
import type { CollectionSpec } from "../collection/spec.js";
import { EbpfError } from "../errors.js";
import { LogLevel, programTypeName, ProgramType, type Program } from "../prog/index.js";
import { median, type BenchResult } from "./bench-report.js";

/** A round is split into test runs of about this long, so progress can be shown and Ctrl-C is prompt. */
const CHUNK_NS = 50_000_000;
/** Runs of the first, timing-only test run that sizes the chunks. */
const CALIBRATION_RUNS = 100;
/** Input given to packet programs when no data file is: a zeroed frame the size of a small packet. */
const DEFAULT_PACKET_SIZE = 64;

/** Program types whose test run takes packet data. */
const packetTypes: ReadonlySet<number> = new Set([
  ProgramType.SocketFilter,
  ProgramType.SchedCLS,
  ProgramType.SchedACT,
  ProgramType.XDP,
  ProgramType.CGroupSKB,
  ProgramType.LWTIn,
  ProgramType.LWTOut,
  ProgramType.LWTXmit,
  ProgramType.LWTSeg6Local,
  ProgramType.FlowDissector,
]);

/**
 * Options of {@link runBench}.
 *
 * @example
 * ```ts
 * const options: BenchOptions = { program: "xdp_work", repeat: 10_000, rounds: 5 };
 * ```
 */
export interface BenchOptions {
  /** The program to measure; may be left out when the object has a single program. */
  readonly program?: string | undefined;
  /** Input data; packet programs get 64 zero bytes when it is left out. */
  readonly data?: Uint8Array | undefined;
  /** Input context (`struct __sk_buff`, `struct xdp_md` …). */
  readonly context?: Uint8Array | undefined;
  /** Runs per round, inside the kernel. */
  readonly repeat: number;
  readonly rounds: number;
  /** The benchmark's name in BMF; the program's name by default. */
  readonly name?: string | undefined;
  /** Global variables to set before loading, by name. */
  readonly set?: ReadonlyMap<string, bigint> | undefined;
  /** Called after every test run with the runs done so far, the total, and the program's name. */
  readonly onProgress?: ((done: number, total: number, program: string) => void) | undefined;
}

/**
 * Load the program (and the maps it uses) from `spec`, run it `rounds` × `repeat` times and
 * collect the figures. Everything loaded is closed before returning.
 *
 * @throws {EbpfError} for a program that is not in the object or a variable that cannot be set;
 *   `VerifierError`, `PermissionError` and `NotSupportedError` from the kernel pass through.
 * @example
 * ```ts
 * const result = runBench(await loadCollectionSpec("bpf/cli_bench.o"), { program: "xdp_work", repeat: 1000, rounds: 3 });
 * ```
 */
export function runBench(spec: CollectionSpec, options: BenchOptions): BenchResult {
  const name = pickProgram(spec, options.program);
  for (const [variable, value] of options.set ?? []) {
    const v = spec.variables[variable];
    if (!v) throw new EbpfError(`variable ${variable} is not in the object (it has ${Object.keys(spec.variables).sort().join(", ") || "none"})`);
    v.set(value);
  }
  const type = spec.programs[name]!.type;
  const data = options.data ?? (packetTypes.has(type) && !options.context ? new Uint8Array(DEFAULT_PACKET_SIZE) : undefined);
  using objs = loadAndAssign(spec, { programs: [name] }, { programs: { logLevel: LogLevel.Stats } });
  const prog = objs.programs[name]!;
  const run = (repeat: number) => prog.run({ data, context: options.context, repeat, dataOutSize: 0 });

  const first = run(Math.min(CALIBRATION_RUNS, options.repeat));
  const chunk = Math.max(1, Math.min(options.repeat, Math.floor(CHUNK_NS / Math.max(first.duration, 1))));
  const total = options.rounds * options.repeat;
  const rounds: number[] = [];
  let done = 0;
  for (let r = 0; r < options.rounds; r++) {
    let ns = 0;
    for (let left = options.repeat; left > 0; ) {
      const n = Math.min(chunk, left);
      ns += run(n).duration * n;
      left -= n;
      done += n;
      options.onProgress?.(done, total, name);
    }
    rounds.push(Math.round((ns / options.repeat) * 10) / 10);
  }
  const info = prog.info();
  const stats = verifierStats(prog);
  return {
    name: options.name ?? name,
    program: name,
    type: programTypeName(type),
    rounds: options.rounds,
    repeat: options.repeat,
    dataSize: data?.length ?? 0,
    retval: first.retval,
    nsPerRun: { median: median(rounds), min: Math.min(...rounds), max: Math.max(...rounds), rounds },
    verifiedInstructions: info.verifiedInstructions || stats.processed,
    verificationTimeUs: stats.timeUs,
    jitedSize: info.jitedSize,
    translatedSize: info.translatedSize,
  };
}

function pickProgram(spec: CollectionSpec, wanted: string | undefined): string {
  const names = Object.keys(spec.programs).sort();
  if (wanted !== undefined) {
    if (spec.programs[wanted]) return wanted;
    throw new EbpfError(`program ${wanted} is not in the object (it has ${names.join(", ") || "none"})`);
  }
  if (names.length === 1) return names[0]!;
  throw new EbpfError(`the object has ${names.length === 0 ? "no programs" : `several programs (${names.join(", ")}): choose one with --program`}`);
}

/** The statistics lines of a `LogLevel.Stats` verifier log (Linux 5.2). */
function verifierStats(prog: Program): { processed: number | null; timeUs: number | null } {
  const log = prog.verifierLog;
  const processed = /^processed (\d+) insns/mu.exec(log)?.[1];
  const time = /^verification time (\d+) usec/mu.exec(log)?.[1];
  return { processed: processed === undefined ? null : Number(processed), timeUs: time === undefined ? null : Number(time) };
}

/**
 * The `ebpf` command line: dispatch to a command, top-level help and version, and the one rule
 * for failures — one sentence on stderr and a non-zero exit code.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { EbpfError } from "../errors.js";
import { UsageError } from "./args.js";
import { benchCommand, benchHelp } from "./bench.js";
import { genCommand, genHelp } from "./gen.js";
import { inspectCommand, inspectHelp } from "./inspect.js";
import { ExitCode } from "./exit-code.js";
import type { CliIO } from "./io.js";

const commands: Record<string, { run(argv: readonly string[], io: CliIO): Promise<number>; summary: string; help: string }> = {
  inspect: { run: inspectCommand, summary: "show the programs, maps, variables and types of an object", help: inspectHelp },
  bench: { run: benchCommand, summary: "time a program with BPF_PROG_TEST_RUN, compare with a baseline", help: benchHelp },
  gen: { run: genCommand, summary: "generate a typed TypeScript loader for an object", help: genHelp },
};

/**
 * `ebpf --help`.
 *
 * @example
 * ```ts
 * console.log(mainHelp);
 * ```
 */
export const mainHelp = `Usage: ebpf <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(9)}${c.summary}`)
  .join("\n")}

Run 'ebpf <command> --help' for a command's options.
Exit codes: 0 ok, 1 failure, 2 bad arguments, 3 regression found by 'bench --compare'.
`;

/**
 * Run the `ebpf` command with `argv` (without `node` and the script) and return its exit code.
 * Every failure is reported as one line on `io.stderr`; nothing throws.
 *
 * @example
 * ```ts
 * import { processIO } from "./io.js";
 * process.exitCode = await runCli(["inspect", "bpf/loader_maps.o"], processIO());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    const command = topic === undefined ? undefined : commands[topic];
    if (topic !== undefined && command === undefined) return usage(io, "ebpf", `unknown command ${JSON.stringify(topic)}`);
    io.stdout(command?.help ?? mainHelp);
    return first === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (first === "--version" || first === "-V") {
    io.stdout(`${version()}\n`);
    return ExitCode.Ok;
  }
  const command = commands[first];
  if (command === undefined) return usage(io, "ebpf", `unknown command ${JSON.stringify(first)} (commands: ${Object.keys(commands).join(", ")})`);
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) return usage(io, `ebpf ${first}`, err.message);
    io.stderr(`ebpf ${first}: ${sentence(err)}\n`);
    return ExitCode.Failure;
  }
}

function usage(io: CliIO, who: string, message: string): number {
  const hint = who === "ebpf" ? "'ebpf --help'" : `'${who} --help'`;
  io.stderr(`${who}: ${message}\nRun ${hint} for usage.\n`);
  return ExitCode.Usage;
}

/** The first line of an error's message; library errors carry their context in it already. */
function sentence(err: unknown): string {
  if (err instanceof EbpfError || err instanceof Error) return err.message.split("\n")[0]!;
  return String(err);
}

function version(): string {
  // ../../package.json from both src/cli/ and dist/cli/.
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

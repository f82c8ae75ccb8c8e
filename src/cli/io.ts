/**
 * Where a command writes: the process's stdout and stderr, or buffers in tests.
 *
 * @module
 */

/**
 * The output side of a command run. Commands write only through it, so tests run them in-process
 * and read what they printed.
 *
 * @example
 * ```ts
 * const io: CliIO = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), stderrIsTTY: false };
 * ```
 */
export interface CliIO {
  /** Write text to standard output. */
  stdout(text: string): void;
  /** Write text to standard error. */
  stderr(text: string): void;
  /** Whether stderr is a terminal: progress bars are drawn only then. */
  readonly stderrIsTTY: boolean;
}

/**
 * The real process's streams.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), processIO());
 * ```
 */
export function processIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

/**
 * An IO that collects what a command prints, for tests and for embedding the CLI.
 *
 * @example
 * ```ts
 * const io = bufferIO();
 * await runCli(["inspect", "--json", "bpf/loader_maps.o"], io);
 * JSON.parse(io.out());
 * ```
 */
export function bufferIO(): CliIO & { out(): string; err(): string } {
  let out = "";
  let err = "";
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    stderrIsTTY: false,
    out: () => out,
    err: () => err,
  };
}

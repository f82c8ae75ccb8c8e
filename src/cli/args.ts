/**
 * Command-line parsing shared by the `ebpf` commands: `node:util` parseArgs with its errors turned
 * into one-sentence {@link UsageError}s, and checked numeric options.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { EbpfError } from "../errors.js";

/**
 * Bad command-line input: the command prints the message and a pointer to `--help`, and exits 2.
 *
 * @example
 * ```ts
 * throw new UsageError("--repeat must be a whole number from 1 to 4294967295");
 * ```
 */
export class UsageError extends EbpfError {
  override name = "UsageError";
}

/** Options in the shape parseArgs takes. */
type Options = NonNullable<ParseArgsConfig["options"]>;
/** `-h` / `--help`, which every command takes. */
type WithHelp<O extends Options> = O & { help: { type: "boolean"; short: "h" } };
/** The value parseArgs gives one option: a string or boolean, a list of them when repeatable. */
type OptionValue<C> = C extends { type: "boolean" }
  ? C extends { multiple: true } ? boolean[] : boolean
  : C extends { multiple: true } ? string[] : string;
/** What {@link parseCommand} returns for `options`. */
interface Parsed<O extends Options> {
  values: { [K in keyof WithHelp<O>]?: OptionValue<WithHelp<O>[K]> };
  positionals: string[];
}

/**
 * Parse `argv` strictly against `options`, with `--help` always accepted. Unknown options, a
 * missing option value and a wrong number of positional arguments are {@link UsageError}s.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommand(["x.o", "--json"], { json: { type: "boolean" } }, 1, 1);
 * ```
 */
export function parseCommand<const O extends Options>(
  argv: readonly string[],
  options: O,
  minPositionals: number,
  maxPositionals: number,
): Parsed<O> {
  const parsed = strictParse<O>(argv, { ...options, help: { type: "boolean", short: "h" } });
  const n = parsed.positionals.length;
  if (parsed.values.help !== true) {
    if (n < minPositionals) throw new UsageError(minPositionals === 1 ? "missing the object file argument" : `expected ${minPositionals} arguments, got ${n}`);
    if (n > maxPositionals) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`);
  }
  return parsed;
}

function strictParse<O extends Options>(argv: readonly string[], options: WithHelp<O>): Parsed<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }) as Parsed<O>;
  } catch (err) {
    throw new UsageError(parseErrorMessage(err), { cause: err });
  }
}

function parseErrorMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const quoted = /'([^']*)'/u.exec(e.message ?? "")?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${quoted ?? ""}`.trimEnd();
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return `option ${quoted?.split(" ")[0] ?? ""} needs a value`;
    default:
      return String(e.message ?? err).split("\n")[0]!;
  }
}

/**
 * A whole-number option value within `[min, max]`, or `fallback` when the option was not given.
 *
 * @example
 * ```ts
 * const repeat = intOption(values.repeat, "--repeat", 1, 0xffffffff, 1000);
 * ```
 */
export function intOption(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/u.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * A percentage option value (`"10"`, `"10%"`, `"2.5"`), as a fraction (`0.1`).
 *
 * @example
 * ```ts
 * percentOption("10%", "--threshold", 0.05); // 0.1
 * ```
 */
export function percentOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+(\.\d+)?%?$/u.test(value) ? Number(value.replace("%", "")) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${name} must be a percentage such as 10 or 2.5%, got ${JSON.stringify(value)}`);
  return n / 100;
}

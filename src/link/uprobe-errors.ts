/**
 * Errors of the uprobe attach API: a symbol the executable lacks, a file that is not there.
 *
 * @module
 */
import { ArgumentError } from "../errors.js";

/**
 * The symbol is in neither `.symtab` nor `.dynsym` of the executable, or only as an undefined
 * (imported) symbol that has no address in this file.
 *
 * @example
 * ```ts
 * import { openExecutable, SymbolNotFoundError } from "ebpf/link";
 * try {
 *   openExecutable("/bin/bash").uprobe("no_such_function", prog);
 * } catch (err) {
 *   if (err instanceof SymbolNotFoundError) console.log(err.symbol, err.path);
 * }
 * ```
 */
export class SymbolNotFoundError extends ArgumentError {
  override name = "SymbolNotFoundError";
  constructor(
    readonly path: string,
    readonly symbol: string,
    detail = "not in .symtab or .dynsym",
  ) {
    super(`${path}: symbol ${symbol}: ${detail}`);
  }
}

/**
 * The executable or shared library to probe does not exist or cannot be read.
 *
 * @example
 * ```ts
 * import { openExecutable, ExecutableNotFoundError } from "ebpf/link";
 * try {
 *   openExecutable("/no/such/binary");
 * } catch (err) {
 *   if (err instanceof ExecutableNotFoundError) console.log(err.path);
 * }
 * ```
 */
export class ExecutableNotFoundError extends ArgumentError {
  override name = "ExecutableNotFoundError";
  constructor(
    readonly path: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`executable ${path}: ${detail}`, options);
  }
}

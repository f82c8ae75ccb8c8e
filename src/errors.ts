/**
 * Error types shared by every part of the library. Each failure the library reports is one of
 * these, so callers can branch with `instanceof` instead of parsing messages.
 *
 * @module
 */

/**
 * Base class of every error thrown by `ebpf`.
 *
 * @example
 * ```ts
 * import { EbpfError, newMap, MapType } from "ebpf";
 * try {
 *   newMap({ type: MapType.Hash, keySize: 0, valueSize: 8, maxEntries: 1 });
 * } catch (err) {
 *   if (err instanceof EbpfError) console.error(err.message);
 * }
 * ```
 */
export class EbpfError extends Error {
  override name = "EbpfError";
}

/**
 * A feature the running kernel lacks. `feature` names it and `minKernel` gives the first kernel
 * version that has it, when known.
 *
 * @example
 * ```ts
 * import { NotSupportedError } from "ebpf";
 * const err = new NotSupportedError("ring buffer maps", "5.8");
 * console.log(err.message); // "ring buffer maps not supported (requires Linux 5.8)"
 * ```
 */
export class NotSupportedError extends EbpfError {
  override name = "NotSupportedError";
  constructor(
    readonly feature: string,
    readonly minKernel?: string,
    options?: ErrorOptions,
  ) {
    super(
      minKernel === undefined
        ? `${feature} not supported by the running kernel`
        : `${feature} not supported (requires Linux ${minKernel})`,
      options,
    );
  }
}

/**
 * Malformed ELF input: an offset or size out of range, a truncated file, a bad string index.
 *
 * @example
 * ```ts
 * import { ELFError } from "ebpf";
 * const err = new ELFError("section 3: offset 0x1000 beyond end of file (0x800 bytes)");
 * ```
 */
export class ELFError extends EbpfError {
  override name = "ELFError";
}

/**
 * Malformed or unusable BTF, or a failed CO-RE relocation that cannot be poisoned.
 *
 * @example
 * ```ts
 * import { BTFError } from "ebpf";
 * const err = new BTFError("type id 42 out of range (37 types)");
 * ```
 */
export class BTFError extends EbpfError {
  override name = "BTFError";
}

/**
 * A collection spec that cannot be turned into kernel objects: an unknown section, a relocation
 * against a missing symbol, a map definition the loader cannot interpret.
 *
 * @example
 * ```ts
 * import { LoadError } from "ebpf";
 * const err = new LoadError("program xdp_prog: call to unknown function foo");
 * ```
 */
export class LoadError extends EbpfError {
  override name = "LoadError";
}

/**
 * An argument that can never be valid: a key of the wrong size, an operation the map type does
 * not have, a closed object.
 *
 * @example
 * ```ts
 * import { ArgumentError } from "ebpf";
 * const err = new ArgumentError("key must be 4 bytes, got 8");
 * ```
 */
export class ArgumentError extends EbpfError {
  override name = "ArgumentError";
}

/**
 * Use of a map, program, link or reader after `close()`.
 *
 * @example
 * ```ts
 * import { ClosedError } from "ebpf";
 * const err = new ClosedError("map counts");
 * console.log(err.message); // "map counts is closed"
 * ```
 */
export class ClosedError extends EbpfError {
  override name = "ClosedError";
  constructor(what: string) {
    super(`${what} is closed`);
  }
}

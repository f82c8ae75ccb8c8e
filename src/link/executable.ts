/**
 * An executable or shared library to attach uprobes to: symbol names resolve to the file offsets
 * the kernel's uprobes want.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { ElfFile } from "../elf/file.js";
import { SHN_UNDEF, STT_FUNC } from "../elf/constants.js";
import type { ElfSymbol } from "../elf/symbol.js";
import type { Link } from "./link.js";
import type { AttachableProgram } from "./program-check.js";
import { attachUprobe, type UprobeOptions } from "./uprobe.js";
import { ExecutableNotFoundError, SymbolNotFoundError } from "./uprobe-errors.js";
import { findLibrary } from "./uprobe-library.js";
import { attachUprobeMulti, type UprobeMultiOptions } from "./uprobe-multi.js";

/**
 * An ELF executable or shared library opened for uprobes (Linux 4.17+ through the `uprobe` perf
 * PMU, older kernels through tracefs `uprobe_events`). Symbols are looked up in `.symtab`, then
 * `.dynsym`, and turned into file offsets through the `PT_LOAD` program headers.
 *
 * @example
 * ```ts
 * import { openExecutable } from "ebpf/link";
 * const libc = openExecutable("libc.so.6");
 * using entry = libc.uprobe("getaddrinfo", coll.programs.on_enter);
 * using exit = libc.uretprobe("getaddrinfo", coll.programs.on_return, { pid: process.pid });
 * ```
 */
export class Executable {
  #offsets: Map<string, bigint | undefined> | undefined;

  /** @internal Use {@link openExecutable}. */
  constructor(
    /** The file's path, as the kernel will open it. */
    readonly path: string,
  ) {}

  /**
   * The file offset a uprobe on `symbol` attaches at: `options.address` when given (a file
   * offset, for symbols this file only imports), else the symbol's; plus `options.offset`.
   *
   * @throws {SymbolNotFoundError} when the symbol is missing or only imported here.
   * @example
   * ```ts
   * const offset = openExecutable("libc.so.6").offset("getaddrinfo");
   * ```
   */
  offset(symbol: string, options: Pick<UprobeOptions, "address" | "offset"> = {}): bigint {
    const extra = BigInt(options.offset ?? 0);
    if (options.address !== undefined && BigInt(options.address) !== 0n) return BigInt(options.address) + extra;
    const offsets = this.#symbolOffsets();
    if (!offsets.has(symbol)) throw new SymbolNotFoundError(this.path, symbol);
    const offset = offsets.get(symbol);
    if (offset === undefined) {
      throw new SymbolNotFoundError(
        this.path,
        symbol,
        "only imported here (undefined symbol); probe the library that defines it or pass options.address",
      );
    }
    return offset + extra;
  }

  /**
   * Attach `program` (type Kprobe) to the entry of `symbol`.
   *
   * @example
   * ```ts
   * using link = openExecutable("/bin/bash").uprobe("readline", prog, { pid: 1234, cookie: 7n });
   * ```
   */
  uprobe(symbol: string, program: AttachableProgram, options: UprobeOptions = {}): Link {
    return attachUprobe(this, symbol, program, options, false);
  }

  /**
   * Attach `program` (type Kprobe) to the returns of `symbol`.
   *
   * @example
   * ```ts
   * using link = openExecutable("libc.so.6").uretprobe("getaddrinfo", prog);
   * ```
   */
  uretprobe(symbol: string, program: AttachableProgram, options: UprobeOptions = {}): Link {
    return attachUprobe(this, symbol, program, options, true);
  }

  /**
   * Attach `program` (loaded for `AttachTraceUprobeMulti`, section `uprobe.multi`) to the entries
   * of several symbols with one `bpf_link` (Linux 6.6+).
   *
   * @throws {NotSupportedError} before Linux 6.6.
   * @example
   * ```ts
   * using link = openExecutable("libc.so.6").uprobeMulti(["malloc", "free"], coll.programs.multi);
   * ```
   */
  uprobeMulti(symbols: readonly string[], program: AttachableProgram, options: UprobeMultiOptions = {}): Link {
    return attachUprobeMulti(this, symbols, program, options, false);
  }

  /**
   * Like {@link Executable.uprobeMulti}, on the returns of the symbols (Linux 6.6+).
   *
   * @example
   * ```ts
   * using link = openExecutable("libc.so.6").uretprobeMulti(["malloc"], coll.programs.multi_ret);
   * ```
   */
  uretprobeMulti(symbols: readonly string[], program: AttachableProgram, options: UprobeMultiOptions = {}): Link {
    return attachUprobeMulti(this, symbols, program, options, true);
  }

  /** Function symbols to file offsets (undefined for imports), `.symtab` winning over `.dynsym`. */
  #symbolOffsets(): Map<string, bigint | undefined> {
    if (this.#offsets !== undefined) return this.#offsets;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(this.path);
    } catch (err) {
      throw new ExecutableNotFoundError(this.path, (err as Error).message, { cause: err });
    }
    const elf = ElfFile.parse(bytes);
    const offsets = new Map<string, bigint | undefined>();
    const add = (sym: ElfSymbol): void => {
      if (sym.type !== STT_FUNC || sym.name === "") return;
      const known = offsets.get(sym.name);
      if (known !== undefined) return;
      if (sym.sectionIndex === SHN_UNDEF || sym.value === 0n) {
        if (!offsets.has(sym.name)) offsets.set(sym.name, undefined);
        return;
      }
      // Symbols outside every PT_LOAD segment (unusual) keep their value, as the kernel would.
      const fileOffset = elf.fileOffset(sym.value);
      offsets.set(sym.name, fileOffset === undefined ? sym.value : BigInt(fileOffset));
    };
    for (const sym of elf.symbols) add(sym);
    for (const sym of elf.dynamicSymbols) add(sym);
    this.#offsets = offsets;
    return offsets;
  }
}

/**
 * Open an executable or shared library for uprobes. A bare name without `/` (`"libc.so.6"`,
 * `"libc"`) is looked up among the files this process has mapped (`/proc/self/maps`).
 *
 * @throws {ExecutableNotFoundError} when the file does not exist or is not a regular file.
 * @example
 * ```ts
 * import { openExecutable } from "ebpf/link";
 * const bash = openExecutable("/bin/bash");
 * using link = bash.uretprobe("readline", prog);
 * ```
 */
export function openExecutable(path: string): Executable {
  if (path === "") throw new ExecutableNotFoundError(path, "empty path");
  const resolved = path.includes("/") ? path : findLibrary(path);
  let isFile: boolean;
  try {
    isFile = statSync(resolved).isFile();
  } catch (err) {
    throw new ExecutableNotFoundError(resolved, (err as NodeJS.ErrnoException).code ?? String(err), { cause: err });
  }
  if (!isFile) throw new ExecutableNotFoundError(resolved, "not a regular file");
  return new Executable(resolved);
}

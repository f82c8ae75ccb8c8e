/**
 * Opening the object file a command names, with a one-sentence error when it cannot be read.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { CollectionSpec } from "../collection/spec.js";
import { loadCollectionSpecFromBuffer } from "../elf/loader/index.js";
import { EbpfError } from "../errors.js";

/**
 * Read and parse an ELF object into a {@link CollectionSpec}. A missing or unreadable file, or one
 * the loader refuses, is an `EbpfError` naming the file (`cannot read object file x.o: no such
 * file or directory`).
 *
 * @example
 * ```ts
 * const spec = await openObject("bpf/loader_maps.o");
 * ```
 */
export async function openObject(path: string): Promise<CollectionSpec> {
  const bytes = await readInput(path, "object file");
  try {
    return loadCollectionSpecFromBuffer(bytes);
  } catch (err) {
    if (!(err instanceof EbpfError)) throw err;
    throw new EbpfError(`${path} is not a usable eBPF object: ${err.message}`, { cause: err });
  }
}

/**
 * The bytes of an input file, or an `EbpfError` naming it and the reason it cannot be read.
 *
 * @example
 * ```ts
 * const packet = await readInput("packet.bin", "data file");
 * ```
 */
export async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new EbpfError(`cannot read ${what} ${path}: ${reasonOf(err)}`, { cause: err });
  }
}

/**
 * An fs error's reason in words: `no such file or directory` rather than
 * `ENOENT: no such file or directory, open 'x.o'`.
 *
 * @example
 * ```ts
 * reasonOf(Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: "ENOENT" }));
 * // "no such file or directory"
 * ```
 */
export function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = String(e.message ?? err);
  if (typeof e.code === "string" && message.startsWith(`${e.code}: `)) return message.slice(e.code.length + 2).replace(/, \w+ '.*'$/u, "");
  return message;
}

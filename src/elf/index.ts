/**
 * ELF64 reader: sections, symbols, relocations and program headers of BPF objects, executables
 * and shared libraries, in either byte order.
 *
 * @module
 */

export type { ByteOrder } from "./bytes.js";
export * from "./constants.js";
export { ElfFile } from "./file.js";
export { ElfProgramHeader } from "./program-header.js";
export type { ElfRelocation } from "./relocation.js";
export { ElfSection } from "./section.js";
export type { ElfSymbol } from "./symbol.js";

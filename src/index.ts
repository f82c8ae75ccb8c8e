/**
 * `ebpf`: load clang-compiled eBPF objects into the running kernel, talk to their maps, run and
 * attach their programs — from TypeScript, with no C library underneath. Modelled on the Go
 * library cilium/ebpf.
 *
 * Subpaths: `ebpf/asm` (instructions), `ebpf/btf` (BTF and CO-RE), `ebpf/features` (kernel
 * probes), `ebpf/ringbuf` and `ebpf/perf` (event readers).
 *
 * @example
 * ```ts
 * import { newMap, MapType } from "ebpf";
 * using counts = newMap({ type: MapType.Hash, keySize: 4, valueSize: 8, maxEntries: 16 });
 * counts.update(1, 42n);
 * console.log(counts.lookup(1)); // Uint8Array(8) [42, 0, 0, 0, 0, 0, 0, 0]
 * ```
 *
 * @module
 */
export * from "./errors.js";
export { errnoName, PermissionError, SyscallError } from "./syscall/index.js";
export * from "./map/index.js";
export * from "./prog/index.js";
export { loadCollectionSpec, loadCollectionSpecFromBuffer, programSectionInfo } from "./elf/loader/index.js";
export { Collection, loadAndAssign, newCollection, type CollectionOptions } from "./collection/collection.js";
export type {
  CollectionMapSpec,
  CollectionProgramSpec,
  CollectionSpec,
  ExternSpec,
  MapEntry,
} from "./collection/spec.js";
export type { ProgramBTF } from "./prog/object-btf.js";
export { VariableSpec } from "./collection/variable-spec.js";
export { Variable } from "./collection/variable.js";
export { ElfFile, type ByteOrder } from "./elf/index.js";

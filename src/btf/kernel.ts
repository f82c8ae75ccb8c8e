/**
 * The running kernel's BTF: `/sys/kernel/btf/vmlinux` and, for modules, split BTF in
 * `/sys/kernel/btf/<module>` on top of it. Parsed specs are kept in a cache object.
 *
 * @module
 */

import { join } from "node:path";
import { BTFError, NotSupportedError } from "../errors.js";
import { mapWholeFile, readWholeFile } from "../syscall/file.js";
import { SyscallError } from "../syscall/error.js";
import { loadSpecFromBuffer } from "./load.js";
import type { Spec } from "./spec.js";

/**
 * Where the kernel exposes its BTF (Linux 5.4, `CONFIG_DEBUG_INFO_BTF`).
 *
 * @example
 * ```ts
 * import { KERNEL_BTF_DIR, KernelSpecCache } from "ebpf/btf";
 * const cache = new KernelSpecCache(KERNEL_BTF_DIR);
 * ```
 */
export const KERNEL_BTF_DIR = "/sys/kernel/btf";

function readOrNull(path: string): Uint8Array | null {
  try {
    return mapWholeFile(path) ?? readWholeFile(path);
  } catch (err) {
    if (err instanceof SyscallError && err.code === "ENOENT") return null;
    throw new BTFError(`reading ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A cache of parsed kernel BTF: vmlinux once, and each module once. Share one cache between
 * loaders to parse the kernel's BTF only once; create a fresh one (or `clear()`) after a module is
 * loaded or unloaded.
 *
 * @example
 * ```ts
 * import { KernelSpecCache } from "ebpf/btf";
 * const cache = new KernelSpecCache();
 * const vmlinux = cache.kernel();
 * const nft = cache.module("nf_tables"); // split BTF over vmlinux
 * ```
 */
export class KernelSpecCache {
  #kernel: Spec | undefined;
  readonly #modules = new Map<string, Spec>();

  /**
   * @param dir directory holding `vmlinux` and module BTF; `/sys/kernel/btf` by default.
   */
  constructor(readonly dir: string = KERNEL_BTF_DIR) {}

  /**
   * The kernel's vmlinux BTF.
   *
   * @throws {NotSupportedError} when the kernel exposes no BTF (needs Linux 5.4 with
   *   `CONFIG_DEBUG_INFO_BTF`).
   */
  kernel(): Spec {
    if (this.#kernel !== undefined) return this.#kernel;
    const path = join(this.dir, "vmlinux");
    const bytes = readOrNull(path);
    if (bytes === null) throw new NotSupportedError(`kernel BTF (${path})`, "5.4");
    this.#kernel = loadSpecFromBuffer(bytes);
    return this.#kernel;
  }

  /**
   * The split BTF of kernel module `name`, on top of vmlinux (Linux 5.11).
   *
   * @throws {BTFError} for an invalid name or a module without BTF.
   */
  module(name: string): Spec {
    const cached = this.#modules.get(name);
    if (cached !== undefined) return cached;
    if (!/^[A-Za-z0-9_-]+$/.test(name) || name === "vmlinux") {
      throw new BTFError(`invalid kernel module name ${JSON.stringify(name)}`);
    }
    const base = this.kernel();
    const path = join(this.dir, name);
    const bytes = readOrNull(path);
    if (bytes === null) throw new BTFError(`no BTF for kernel module ${name} (${path} does not exist)`);
    const spec = loadSpecFromBuffer(bytes, { base });
    this.#modules.set(name, spec);
    return spec;
  }

  /** Forget every cached spec. */
  clear(): void {
    this.#kernel = undefined;
    this.#modules.clear();
  }
}

/**
 * The cache used when no other is passed.
 *
 * @example
 * ```ts
 * import { defaultKernelSpecCache } from "ebpf/btf";
 * defaultKernelSpecCache.clear(); // after loading a kernel module
 * ```
 */
export const defaultKernelSpecCache = new KernelSpecCache();

/**
 * The running kernel's BTF, parsed once per cache.
 *
 * @throws {NotSupportedError} when `/sys/kernel/btf/vmlinux` is absent (Linux 5.4).
 * @example
 * ```ts
 * import { loadKernelSpec } from "ebpf/btf";
 * const spec = loadKernelSpec();
 * console.log(spec.typeCount);
 * ```
 */
export function loadKernelSpec(cache: KernelSpecCache = defaultKernelSpecCache): Spec {
  return cache.kernel();
}

/**
 * The BTF of kernel module `name` as split BTF over vmlinux (Linux 5.11).
 *
 * @throws {BTFError} when the module has no BTF.
 * @example
 * ```ts
 * import { loadKernelModuleSpec } from "ebpf/btf";
 * const spec = loadKernelModuleSpec("nf_tables");
 * ```
 */
export function loadKernelModuleSpec(name: string, cache: KernelSpecCache = defaultKernelSpecCache): Spec {
  return cache.module(name);
}

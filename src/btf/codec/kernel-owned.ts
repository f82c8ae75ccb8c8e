/**
 * Structs whose contents belong to the kernel (locks, timers, graph roots and nodes). Codecs leave
 * them out of decoded objects and write them as zero, which is what the kernel expects from user
 * space; generated bindings declare no property for them.
 *
 * @module
 */
import { Kind } from "../kind.js";
import { underlyingType } from "../size.js";
import type { Type } from "../types.js";

const KERNEL_OWNED: ReadonlySet<string> = new Set([
  "bpf_spin_lock",
  "bpf_res_spin_lock",
  "bpf_timer",
  "bpf_wq",
  "bpf_task_work",
  "bpf_list_head",
  "bpf_list_node",
  "bpf_rb_root",
  "bpf_rb_node",
  "bpf_refcount",
]);

/**
 * Whether `t` (through typedefs and qualifiers) is a struct the kernel owns, such as
 * `struct bpf_spin_lock` (5.1) or `struct bpf_timer` (5.15): codecs skip members of these types.
 *
 * @example
 * ```ts
 * import { isKernelOwned, loadKernelSpec } from "ebpf/btf";
 * isKernelOwned(loadKernelSpec().typeByName("bpf_spin_lock")); // true
 * ```
 */
export function isKernelOwned(t: Type): boolean {
  const u = underlyingType(t);
  return u.kind === Kind.Struct && KERNEL_OWNED.has(u.name);
}

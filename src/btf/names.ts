/**
 * CO-RE "flavours": `struct foo___v2` stands for `struct foo` in relocations.
 *
 * @module
 */

/**
 * The name without its flavour suffix: `task_struct___old` -> `task_struct`. As in libbpf, the
 * suffix starts at the last `___` that has a non-underscore character on both sides.
 *
 * @example
 * ```ts
 * import { essentialName } from "ebpf/btf";
 * essentialName("task_struct___v1"); // "task_struct"
 * essentialName("__u32");            // "__u32"
 * ```
 */
export function essentialName(name: string): string {
  for (let i = name.length - 5; i >= 0; i--) {
    if (
      name.charCodeAt(i) !== 0x5f &&
      name.charCodeAt(i + 1) === 0x5f &&
      name.charCodeAt(i + 2) === 0x5f &&
      name.charCodeAt(i + 3) === 0x5f &&
      name.charCodeAt(i + 4) !== 0x5f
    ) {
      return name.slice(0, i + 1);
    }
  }
  return name;
}

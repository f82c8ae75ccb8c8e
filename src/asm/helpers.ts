/**
 * The table of all kernel helper functions, indexed by id.
 *
 * @module
 */
import type { BuiltinFunc } from "./func.js";
import * as linux4 from "./helpers-linux4.js";
import * as linux5 from "./helpers-linux5.js";
import * as linux6 from "./helpers-linux6.js";

export * from "./helpers-linux4.js";
export * from "./helpers-linux5.js";
export * from "./helpers-linux6.js";

/**
 * All 212 helpers, indexed by id (0 to 211).
 *
 * @example
 * ```ts
 * import * as asm from "ebpf/asm";
 * asm.builtinFuncs[1] === asm.FnMapLookupElem; // true
 * asm.builtinFuncs.find((fn) => fn.helperName === "bpf_loop")?.id; // 181
 * ```
 */
export const builtinFuncs: readonly BuiltinFunc[] = Object.freeze(
  [...Object.values(linux4), ...Object.values(linux5), ...Object.values(linux6)].sort((a, b) => a.id - b.id),
);

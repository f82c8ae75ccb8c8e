/**
 * `ebpf/features`: probes of the running kernel, each run once and cached. A probe returns when
 * the feature is there, throws `NotSupportedError` (naming the feature and its first kernel) when
 * it is not, and throws its own error when it cannot tell (no permission, an unexpected errno).
 *
 * @example
 * ```ts
 * import { haveMapType, haveProgramType, haveProgramHelper, removeMemlock } from "ebpf/features";
 * import * as asm from "ebpf/asm";
 * import { MapType, ProgramType } from "ebpf";
 * removeMemlock();
 * haveMapType(MapType.RingBuf);
 * haveProgramType(ProgramType.XDP);
 * haveProgramHelper(ProgramType.XDP, asm.FnMapLookupElem);
 * ```
 *
 * @module
 */
export { haveProgramHelper } from "./helper.js";
export { haveMapType } from "./map.js";
export { haveMemcgAccounting, removeMemlock } from "./memlock.js";
export { haveProgramType } from "./prog.js";

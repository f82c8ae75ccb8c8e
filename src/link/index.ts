/**
 * `ebpf/link`: attach programs — one file per link kind, every link with `close()`, `pin()`,
 * `info()` and, where the kernel allows, `update(program)`.
 *
 * @example
 * ```ts
 * import { rawTracepoint } from "ebpf/link";
 * using link = rawTracepoint({ name: "sched_switch", program: coll.programs.on_switch });
 * ```
 *
 * @module
 */
export { LinkType, loadPinnedLink, RawLink, readLinkInfo, type Link, type LinkInfo, type ProgramLike } from "./link.js";

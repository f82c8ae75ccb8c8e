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
export { attachPerfEvent, attachPerfEventIoctl } from "./perf-event.js";
export { Executable, openExecutable } from "./executable.js";
export { findLibrary } from "./uprobe-library.js";
export { ExecutableNotFoundError, SymbolNotFoundError } from "./uprobe-errors.js";
export type { UprobeOptions } from "./uprobe.js";
export type { UprobeMultiOptions } from "./uprobe-multi.js";
export { AlreadyAttachedError, InterfaceNotFoundError, TraceEventNotFoundError } from "./errors.js";
export type { AttachableProgram } from "./program-check.js";
export { traceEventId } from "./tracefs.js";
export { tracepoint, type TracepointOptions } from "./tracepoint.js";
export { rawTracepoint, type RawTracepointOptions } from "./raw-tracepoint.js";
export { attachTracing, type TracingOptions } from "./tracing.js";
export { kprobe, kretprobe, type KprobeOptions, type KretprobeOptions } from "./kprobe.js";
export { kprobeMulti, type KprobeMultiOptions } from "./kprobe-multi.js";
export { interfaceIndex } from "./interface.js";
export { attachXDP, XDPFlags, type XDPOptions } from "./xdp.js";
export { NetlinkXDPLink } from "./netlink-xdp.js";
export { attachTCX, type TCXAnchor, type TCXOptions } from "./tcx.js";
export { attachNetkit, type NetkitOptions } from "./netkit.js";
export { attachFreplace, type FreplaceOptions } from "./freplace.js";
export { attachCgroup, type CgroupOptions } from "./cgroup.js";
export { ProgAttachLink } from "./prog-attach.js";

/**
 * The syscall layer: the only code that touches FFI.
 *
 * @module
 */
export * from "./attr.js";
export { bpfCall, bpfError, bpfRaw } from "./bpf.js";
export { bpfOnWorker, bpfWorkersReady, setBpfWorkersIdle, startBpfQueue, startBpfWorkers, THREAD_NAME, type BpfQueue, type PendingBpfCall } from "./bpf-thread.js";
export { BpfCmd, bpfCmdName } from "./commands.js";
export { Errno, errnoName, PermissionError, SyscallError } from "./error.js";
export { closeRaw, FD } from "./fd.js";
export { LITTLE_ENDIAN, struct, type AttrValues, type Struct } from "./layout.js";
export { addressOf, externalView } from "./libc.js";
export { mapCreate, mapFreeze } from "./map.js";
export { objGet, objGetFdById, objGetInfoByFd, objPin } from "./obj.js";
export * from "./prog.js";
export { btfBytesById, btfGetFdByName, btfLoad } from "./btf.js";
export { getRlimit, RLIM_INFINITY, RLIMIT_MEMLOCK, setRlimit, type Rlimit } from "./rlimit.js";
export * from "./link.js";
export { netlinkSetXDP } from "./netlink.js";
export { ifIndexToName, ifNameToIndex } from "./netif.js";

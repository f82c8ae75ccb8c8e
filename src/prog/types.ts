/**
 * Program and attach types: `enum bpf_prog_type` and `enum bpf_attach_type` from `linux/bpf.h`,
 * named as cilium/ebpf names them.
 *
 * @module
 */

/**
 * Program types (`BPF_PROG_TYPE_*`), with the first Linux version that has each.
 *
 * @example
 * ```ts
 * import { newProgram, ProgramType } from "ebpf";
 * const prog = newProgram({ type: ProgramType.XDP, instructions, license: "GPL" });
 * ```
 */
export const ProgramType = {
  /** `BPF_PROG_TYPE_UNSPEC`: not a loadable type. */
  UnspecifiedProgram: 0,
  /** `BPF_PROG_TYPE_SOCKET_FILTER`, Linux 3.19. */
  SocketFilter: 1,
  /** `BPF_PROG_TYPE_KPROBE`, Linux 4.1. */
  Kprobe: 2,
  /** `BPF_PROG_TYPE_SCHED_CLS`, Linux 4.1. */
  SchedCLS: 3,
  /** `BPF_PROG_TYPE_SCHED_ACT`, Linux 4.1. */
  SchedACT: 4,
  /** `BPF_PROG_TYPE_TRACEPOINT`, Linux 4.7. */
  TracePoint: 5,
  /** `BPF_PROG_TYPE_XDP`, Linux 4.8. */
  XDP: 6,
  /** `BPF_PROG_TYPE_PERF_EVENT`, Linux 4.9. */
  PerfEvent: 7,
  /** `BPF_PROG_TYPE_CGROUP_SKB`, Linux 4.10. */
  CGroupSKB: 8,
  /** `BPF_PROG_TYPE_CGROUP_SOCK`, Linux 4.10. */
  CGroupSock: 9,
  /** `BPF_PROG_TYPE_LWT_IN`, Linux 4.10. */
  LWTIn: 10,
  /** `BPF_PROG_TYPE_LWT_OUT`, Linux 4.10. */
  LWTOut: 11,
  /** `BPF_PROG_TYPE_LWT_XMIT`, Linux 4.10. */
  LWTXmit: 12,
  /** `BPF_PROG_TYPE_SOCK_OPS`, Linux 4.13. */
  SockOps: 13,
  /** `BPF_PROG_TYPE_SK_SKB`, Linux 4.14. */
  SkSKB: 14,
  /** `BPF_PROG_TYPE_CGROUP_DEVICE`, Linux 4.15. */
  CGroupDevice: 15,
  /** `BPF_PROG_TYPE_SK_MSG`, Linux 4.17. */
  SkMsg: 16,
  /** `BPF_PROG_TYPE_RAW_TRACEPOINT`, Linux 4.17. */
  RawTracepoint: 17,
  /** `BPF_PROG_TYPE_CGROUP_SOCK_ADDR`, Linux 4.17. */
  CGroupSockAddr: 18,
  /** `BPF_PROG_TYPE_LWT_SEG6LOCAL`, Linux 4.18. */
  LWTSeg6Local: 19,
  /** `BPF_PROG_TYPE_LIRC_MODE2`, Linux 4.18. */
  LircMode2: 20,
  /** `BPF_PROG_TYPE_SK_REUSEPORT`, Linux 4.19. */
  SkReuseport: 21,
  /** `BPF_PROG_TYPE_FLOW_DISSECTOR`, Linux 4.20. */
  FlowDissector: 22,
  /** `BPF_PROG_TYPE_CGROUP_SYSCTL`, Linux 5.2. */
  CGroupSysctl: 23,
  /** `BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE`, Linux 5.2. */
  RawTracepointWritable: 24,
  /** `BPF_PROG_TYPE_CGROUP_SOCKOPT`, Linux 5.3. */
  CGroupSockopt: 25,
  /** `BPF_PROG_TYPE_TRACING` (fentry, fexit, fmod_ret, iter, tp_btf), Linux 5.5. */
  Tracing: 26,
  /** `BPF_PROG_TYPE_STRUCT_OPS`, Linux 5.6. */
  StructOps: 27,
  /** `BPF_PROG_TYPE_EXT` (freplace), Linux 5.6. */
  Extension: 28,
  /** `BPF_PROG_TYPE_LSM`, Linux 5.7. */
  LSM: 29,
  /** `BPF_PROG_TYPE_SK_LOOKUP`, Linux 5.9. */
  SkLookup: 30,
  /** `BPF_PROG_TYPE_SYSCALL`, Linux 5.14. */
  Syscall: 31,
  /** `BPF_PROG_TYPE_NETFILTER`, Linux 6.4. */
  Netfilter: 32,
} as const;

/**
 * A program type number; any `bpf_prog_type` value, including ones newer than this table.
 *
 * @example
 * ```ts
 * import { ProgramType } from "ebpf";
 * const t: ProgramType = ProgramType.SocketFilter;
 * ```
 */
export type ProgramType = number;

const programTypeNames = new Map<number, string>(Object.entries(ProgramType).map(([k, v]) => [v, k]));

/**
 * The cilium/ebpf name of a program type (`"XDP"`), or `"ProgramType(<n>)"` for an unknown one.
 *
 * @example
 * ```ts
 * import { programTypeName, ProgramType } from "ebpf";
 * programTypeName(ProgramType.XDP); // "XDP"
 * ```
 */
export function programTypeName(type: number): string {
  return programTypeNames.get(type) ?? `ProgramType(${type})`;
}

/**
 * Attach types (`enum bpf_attach_type`), with the first Linux version that has each. Passed as a
 * program's expected attach type at load time and to attach calls.
 *
 * @example
 * ```ts
 * import { newProgram, ProgramType, AttachType } from "ebpf";
 * const prog = newProgram({
 *   type: ProgramType.CGroupSockAddr,
 *   attachType: AttachType.AttachCGroupInet4Connect,
 *   instructions,
 *   license: "GPL",
 * });
 * ```
 */
export const AttachType = {
  /** 0, an alias of `AttachCGroupInetIngress` for programs that take no attach type. */
  AttachNone: 0,
  /** `BPF_CGROUP_INET_INGRESS`, Linux 4.10. */
  AttachCGroupInetIngress: 0,
  /** `BPF_CGROUP_INET_EGRESS`, Linux 4.10. */
  AttachCGroupInetEgress: 1,
  /** `BPF_CGROUP_INET_SOCK_CREATE`, Linux 4.10. */
  AttachCGroupInetSockCreate: 2,
  /** `BPF_CGROUP_SOCK_OPS`, Linux 4.13. */
  AttachCGroupSockOps: 3,
  /** `BPF_SK_SKB_STREAM_PARSER`, Linux 4.14. */
  AttachSkSKBStreamParser: 4,
  /** `BPF_SK_SKB_STREAM_VERDICT`, Linux 4.14. */
  AttachSkSKBStreamVerdict: 5,
  /** `BPF_CGROUP_DEVICE`, Linux 4.15. */
  AttachCGroupDevice: 6,
  /** `BPF_SK_MSG_VERDICT`, Linux 4.17. */
  AttachSkMsgVerdict: 7,
  /** `BPF_CGROUP_INET4_BIND`, Linux 4.17. */
  AttachCGroupInet4Bind: 8,
  /** `BPF_CGROUP_INET6_BIND`, Linux 4.17. */
  AttachCGroupInet6Bind: 9,
  /** `BPF_CGROUP_INET4_CONNECT`, Linux 4.17. */
  AttachCGroupInet4Connect: 10,
  /** `BPF_CGROUP_INET6_CONNECT`, Linux 4.17. */
  AttachCGroupInet6Connect: 11,
  /** `BPF_CGROUP_INET4_POST_BIND`, Linux 4.17. */
  AttachCGroupInet4PostBind: 12,
  /** `BPF_CGROUP_INET6_POST_BIND`, Linux 4.17. */
  AttachCGroupInet6PostBind: 13,
  /** `BPF_CGROUP_UDP4_SENDMSG`, Linux 4.18. */
  AttachCGroupUDP4Sendmsg: 14,
  /** `BPF_CGROUP_UDP6_SENDMSG`, Linux 4.18. */
  AttachCGroupUDP6Sendmsg: 15,
  /** `BPF_LIRC_MODE2`, Linux 4.18. */
  AttachLircMode2: 16,
  /** `BPF_FLOW_DISSECTOR`, Linux 4.20. */
  AttachFlowDissector: 17,
  /** `BPF_CGROUP_SYSCTL`, Linux 5.2. */
  AttachCGroupSysctl: 18,
  /** `BPF_CGROUP_UDP4_RECVMSG`, Linux 5.2. */
  AttachCGroupUDP4Recvmsg: 19,
  /** `BPF_CGROUP_UDP6_RECVMSG`, Linux 5.2. */
  AttachCGroupUDP6Recvmsg: 20,
  /** `BPF_CGROUP_GETSOCKOPT`, Linux 5.3. */
  AttachCGroupGetsockopt: 21,
  /** `BPF_CGROUP_SETSOCKOPT`, Linux 5.3. */
  AttachCGroupSetsockopt: 22,
  /** `BPF_TRACE_RAW_TP` (tp_btf), Linux 5.5. */
  AttachTraceRawTp: 23,
  /** `BPF_TRACE_FENTRY`, Linux 5.5. */
  AttachTraceFEntry: 24,
  /** `BPF_TRACE_FEXIT`, Linux 5.5. */
  AttachTraceFExit: 25,
  /** `BPF_MODIFY_RETURN` (fmod_ret), Linux 5.7. */
  AttachModifyReturn: 26,
  /** `BPF_LSM_MAC`, Linux 5.7. */
  AttachLSMMac: 27,
  /** `BPF_TRACE_ITER`, Linux 5.8. */
  AttachTraceIter: 28,
  /** `BPF_CGROUP_INET4_GETPEERNAME`, Linux 5.8. */
  AttachCgroupInet4GetPeername: 29,
  /** `BPF_CGROUP_INET6_GETPEERNAME`, Linux 5.8. */
  AttachCgroupInet6GetPeername: 30,
  /** `BPF_CGROUP_INET4_GETSOCKNAME`, Linux 5.8. */
  AttachCgroupInet4GetSockname: 31,
  /** `BPF_CGROUP_INET6_GETSOCKNAME`, Linux 5.8. */
  AttachCgroupInet6GetSockname: 32,
  /** `BPF_XDP_DEVMAP`, Linux 5.8. */
  AttachXDPDevMap: 33,
  /** `BPF_CGROUP_INET_SOCK_RELEASE`, Linux 5.9. */
  AttachCgroupInetSockRelease: 34,
  /** `BPF_XDP_CPUMAP`, Linux 5.9. */
  AttachXDPCPUMap: 35,
  /** `BPF_SK_LOOKUP`, Linux 5.9. */
  AttachSkLookup: 36,
  /** `BPF_XDP` (bpf_link based XDP attachment), Linux 5.9. */
  AttachXDP: 37,
  /** `BPF_SK_SKB_VERDICT`, Linux 5.13. */
  AttachSkSKBVerdict: 38,
  /** `BPF_SK_REUSEPORT_SELECT`, Linux 5.14. */
  AttachSkReuseportSelect: 39,
  /** `BPF_SK_REUSEPORT_SELECT_OR_MIGRATE`, Linux 5.14. */
  AttachSkReuseportSelectOrMigrate: 40,
  /** `BPF_PERF_EVENT` (perf event links), Linux 5.15. */
  AttachPerfEvent: 41,
  /** `BPF_TRACE_KPROBE_MULTI`, Linux 5.18. */
  AttachTraceKprobeMulti: 42,
  /** `BPF_LSM_CGROUP`, Linux 6.0. */
  AttachLSMCgroup: 43,
  /** `BPF_STRUCT_OPS`, Linux 6.4. */
  AttachStructOps: 44,
  /** `BPF_NETFILTER`, Linux 6.4. */
  AttachNetfilter: 45,
  /** `BPF_TCX_INGRESS`, Linux 6.6. */
  AttachTCXIngress: 46,
  /** `BPF_TCX_EGRESS`, Linux 6.6. */
  AttachTCXEgress: 47,
  /** `BPF_TRACE_UPROBE_MULTI`, Linux 6.6. */
  AttachTraceUprobeMulti: 48,
  /** `BPF_CGROUP_UNIX_CONNECT`, Linux 6.7. */
  AttachCgroupUnixConnect: 49,
  /** `BPF_CGROUP_UNIX_SENDMSG`, Linux 6.7. */
  AttachCgroupUnixSendmsg: 50,
  /** `BPF_CGROUP_UNIX_RECVMSG`, Linux 6.7. */
  AttachCgroupUnixRecvmsg: 51,
  /** `BPF_CGROUP_UNIX_GETPEERNAME`, Linux 6.7. */
  AttachCgroupUnixGetpeername: 52,
  /** `BPF_CGROUP_UNIX_GETSOCKNAME`, Linux 6.7. */
  AttachCgroupUnixGetsockname: 53,
  /** `BPF_NETKIT_PRIMARY`, Linux 6.7. */
  AttachNetkitPrimary: 54,
  /** `BPF_NETKIT_PEER`, Linux 6.7. */
  AttachNetkitPeer: 55,
  /** `BPF_TRACE_KPROBE_SESSION`, Linux 6.10. */
  AttachTraceKprobeSession: 56,
  /** `BPF_TRACE_UPROBE_SESSION`, Linux 6.13. */
  AttachTraceUprobeSession: 57,
} as const;

/**
 * An attach type number; any `bpf_attach_type` value, including ones newer than this table.
 *
 * @example
 * ```ts
 * import { AttachType } from "ebpf";
 * const t: AttachType = AttachType.AttachXDP;
 * ```
 */
export type AttachType = number;

const attachTypeNames = new Map<number, string>(
  Object.entries(AttachType)
    .filter(([k]) => k !== "AttachNone")
    .map(([k, v]) => [v, k]),
);

/**
 * The cilium/ebpf name of an attach type (`"AttachXDP"`), or `"AttachType(<n>)"` for an unknown
 * one.
 *
 * @example
 * ```ts
 * import { attachTypeName, AttachType } from "ebpf";
 * attachTypeName(AttachType.AttachTraceFEntry); // "AttachTraceFEntry"
 * ```
 */
export function attachTypeName(type: number): string {
  return attachTypeNames.get(type) ?? `AttachType(${type})`;
}

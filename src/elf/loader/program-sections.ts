/**
 * Section name -> program type, attach type and load flags, for every prefix libbpf and
 * cilium/ebpf know. The order matters: the first matching entry wins, so more specific names come
 * before their prefixes.
 *
 * @module
 */
import { AttachType, ProgramType } from "../../prog/types.js";

/** BPF_F_SLEEPABLE: the program may sleep (5.10+). */
export const BPF_F_SLEEPABLE = 1 << 4;
/** BPF_F_XDP_HAS_FRAGS: the XDP program handles multi-buffer packets (5.18+). */
export const BPF_F_XDP_HAS_FRAGS = 1 << 5;

interface SectionDef {
  readonly name: string;
  readonly type: ProgramType;
  readonly attachType: AttachType;
  readonly flags: number;
  /** The remainder after `/` names a kernel function resolved through BTF at load time. */
  readonly attachBTF: boolean;
}

const S = BPF_F_SLEEPABLE;
const F = BPF_F_XDP_HAS_FRAGS;
const P = ProgramType;
const A = AttachType;

function def(
  name: string,
  type: ProgramType,
  attachType: AttachType = A.AttachNone,
  flags = 0,
  attachBTF = false,
): SectionDef {
  // libbpf's trailing "+" (a target may follow after "/") needs no special case here: every
  // name also matches when followed by "/…", as cilium/ebpf accepts ("socket/foo").
  return { name: name.endsWith("+") ? name.slice(0, -1) : name, type, attachType, flags, attachBTF };
}

const defs: readonly SectionDef[] = [
  def("socket", P.SocketFilter),
  def("sk_reuseport/migrate", P.SkReuseport, A.AttachSkReuseportSelectOrMigrate),
  def("sk_reuseport", P.SkReuseport, A.AttachSkReuseportSelect),
  def("kprobe+", P.Kprobe),
  def("uprobe+", P.Kprobe),
  def("uprobe.s+", P.Kprobe, A.AttachNone, S),
  def("kretprobe+", P.Kprobe),
  def("uretprobe+", P.Kprobe),
  def("uretprobe.s+", P.Kprobe, A.AttachNone, S),
  def("kprobe.multi+", P.Kprobe, A.AttachTraceKprobeMulti),
  def("kretprobe.multi+", P.Kprobe, A.AttachTraceKprobeMulti),
  def("kprobe.session+", P.Kprobe, A.AttachTraceKprobeSession),
  def("uprobe.multi+", P.Kprobe, A.AttachTraceUprobeMulti),
  def("uretprobe.multi+", P.Kprobe, A.AttachTraceUprobeMulti),
  def("uprobe.multi.s+", P.Kprobe, A.AttachTraceUprobeMulti, S),
  def("uretprobe.multi.s+", P.Kprobe, A.AttachTraceUprobeMulti, S),
  def("ksyscall+", P.Kprobe),
  def("kretsyscall+", P.Kprobe),
  def("usdt+", P.Kprobe),
  def("usdt.s+", P.Kprobe, A.AttachNone, S),
  def("tc/ingress", P.SchedCLS, A.AttachTCXIngress),
  def("tc/egress", P.SchedCLS, A.AttachTCXEgress),
  def("tcx/ingress", P.SchedCLS, A.AttachTCXIngress),
  def("tcx/egress", P.SchedCLS, A.AttachTCXEgress),
  def("tc", P.SchedCLS),
  def("classifier", P.SchedCLS),
  def("action", P.SchedACT),
  def("netkit/primary", P.SchedCLS, A.AttachNetkitPrimary),
  def("netkit/peer", P.SchedCLS, A.AttachNetkitPeer),
  def("tracepoint+", P.TracePoint),
  def("tp+", P.TracePoint),
  def("raw_tracepoint+", P.RawTracepoint),
  def("raw_tp+", P.RawTracepoint),
  def("raw_tracepoint.w+", P.RawTracepointWritable),
  def("raw_tp.w+", P.RawTracepointWritable),
  def("tp_btf+", P.Tracing, A.AttachTraceRawTp, 0, true),
  def("fentry+", P.Tracing, A.AttachTraceFEntry, 0, true),
  def("fmod_ret+", P.Tracing, A.AttachModifyReturn, 0, true),
  def("fexit+", P.Tracing, A.AttachTraceFExit, 0, true),
  def("fentry.s+", P.Tracing, A.AttachTraceFEntry, S, true),
  def("fmod_ret.s+", P.Tracing, A.AttachModifyReturn, S, true),
  def("fexit.s+", P.Tracing, A.AttachTraceFExit, S, true),
  def("freplace+", P.Extension, A.AttachNone, 0, true),
  def("lsm+", P.LSM, A.AttachLSMMac, 0, true),
  def("lsm.s+", P.LSM, A.AttachLSMMac, S, true),
  def("lsm_cgroup+", P.LSM, A.AttachLSMCgroup, 0, true),
  def("iter+", P.Tracing, A.AttachTraceIter, 0, true),
  def("iter.s+", P.Tracing, A.AttachTraceIter, S, true),
  def("syscall", P.Syscall, A.AttachNone, S),
  def("xdp.frags/devmap", P.XDP, A.AttachXDPDevMap, F),
  def("xdp/devmap", P.XDP, A.AttachXDPDevMap),
  def("xdp.frags/cpumap", P.XDP, A.AttachXDPCPUMap, F),
  def("xdp/cpumap", P.XDP, A.AttachXDPCPUMap),
  def("xdp.frags", P.XDP, A.AttachXDP, F),
  def("xdp", P.XDP, A.AttachXDP),
  def("perf_event", P.PerfEvent),
  def("lwt_in", P.LWTIn),
  def("lwt_out", P.LWTOut),
  def("lwt_xmit", P.LWTXmit),
  def("lwt_seg6local", P.LWTSeg6Local),
  def("sockops", P.SockOps, A.AttachCGroupSockOps),
  def("sk_skb/stream_parser", P.SkSKB, A.AttachSkSKBStreamParser),
  def("sk_skb/stream_verdict", P.SkSKB, A.AttachSkSKBStreamVerdict),
  def("sk_skb/verdict", P.SkSKB, A.AttachSkSKBVerdict),
  def("sk_skb", P.SkSKB),
  def("sk_msg", P.SkMsg, A.AttachSkMsgVerdict),
  def("lirc_mode2", P.LircMode2, A.AttachLircMode2),
  def("flow_dissector", P.FlowDissector, A.AttachFlowDissector),
  def("cgroup_skb/ingress", P.CGroupSKB, A.AttachCGroupInetIngress),
  def("cgroup_skb/egress", P.CGroupSKB, A.AttachCGroupInetEgress),
  def("cgroup/skb", P.CGroupSKB),
  def("cgroup/sock_create", P.CGroupSock, A.AttachCGroupInetSockCreate),
  def("cgroup/sock_release", P.CGroupSock, A.AttachCgroupInetSockRelease),
  def("cgroup/sock", P.CGroupSock, A.AttachCGroupInetSockCreate),
  def("cgroup/post_bind4", P.CGroupSock, A.AttachCGroupInet4PostBind),
  def("cgroup/post_bind6", P.CGroupSock, A.AttachCGroupInet6PostBind),
  def("cgroup/bind4", P.CGroupSockAddr, A.AttachCGroupInet4Bind),
  def("cgroup/bind6", P.CGroupSockAddr, A.AttachCGroupInet6Bind),
  def("cgroup/connect4", P.CGroupSockAddr, A.AttachCGroupInet4Connect),
  def("cgroup/connect6", P.CGroupSockAddr, A.AttachCGroupInet6Connect),
  def("cgroup/connect_unix", P.CGroupSockAddr, A.AttachCgroupUnixConnect),
  def("cgroup/sendmsg4", P.CGroupSockAddr, A.AttachCGroupUDP4Sendmsg),
  def("cgroup/sendmsg6", P.CGroupSockAddr, A.AttachCGroupUDP6Sendmsg),
  def("cgroup/sendmsg_unix", P.CGroupSockAddr, A.AttachCgroupUnixSendmsg),
  def("cgroup/recvmsg4", P.CGroupSockAddr, A.AttachCGroupUDP4Recvmsg),
  def("cgroup/recvmsg6", P.CGroupSockAddr, A.AttachCGroupUDP6Recvmsg),
  def("cgroup/recvmsg_unix", P.CGroupSockAddr, A.AttachCgroupUnixRecvmsg),
  def("cgroup/getpeername4", P.CGroupSockAddr, A.AttachCgroupInet4GetPeername),
  def("cgroup/getpeername6", P.CGroupSockAddr, A.AttachCgroupInet6GetPeername),
  def("cgroup/getpeername_unix", P.CGroupSockAddr, A.AttachCgroupUnixGetpeername),
  def("cgroup/getsockname4", P.CGroupSockAddr, A.AttachCgroupInet4GetSockname),
  def("cgroup/getsockname6", P.CGroupSockAddr, A.AttachCgroupInet6GetSockname),
  def("cgroup/getsockname_unix", P.CGroupSockAddr, A.AttachCgroupUnixGetsockname),
  def("cgroup/sysctl", P.CGroupSysctl, A.AttachCGroupSysctl),
  def("cgroup/getsockopt", P.CGroupSockopt, A.AttachCGroupGetsockopt),
  def("cgroup/setsockopt", P.CGroupSockopt, A.AttachCGroupSetsockopt),
  def("cgroup/dev", P.CGroupDevice, A.AttachCGroupDevice),
  def("struct_ops+", P.StructOps),
  def("struct_ops.s+", P.StructOps, A.AttachNone, S),
  def("sk_lookup", P.SkLookup, A.AttachSkLookup),
  def("netfilter", P.Netfilter, A.AttachNetfilter),
];

/** What a section name says about the programs in it. */
export interface ProgramSectionInfo {
  readonly type: ProgramType;
  readonly attachType: AttachType;
  /** BPF_F_SLEEPABLE / BPF_F_XDP_HAS_FRAGS as the name implies. */
  readonly flags: number;
  /** The part after the first `/` (a function, tracepoint or symbol), or "". */
  readonly attachTo: string;
  /** Whether `attachTo` names a BTF function resolved when the program loads. */
  readonly attachBTF: boolean;
  /** False for names with a leading `?`: such programs load only when asked for. */
  readonly autoload: boolean;
}

/**
 * Classify a program section name the way libbpf and cilium/ebpf do. Returns undefined for
 * names no loader knows.
 *
 * @example
 * ```ts
 * import { programSectionInfo } from "./program-sections.js";
 * programSectionInfo("fentry/__x64_sys_getpgid")?.attachTo; // "__x64_sys_getpgid"
 * ```
 */
export function programSectionInfo(sectionName: string): ProgramSectionInfo | undefined {
  const autoload = !sectionName.startsWith("?");
  const name = autoload ? sectionName : sectionName.slice(1);
  for (const d of defs) {
    if (name !== d.name && !name.startsWith(`${d.name}/`)) continue;
    const attachTo = name.length > d.name.length ? name.slice(d.name.length + 1) : "";
    return { type: d.type, attachType: d.attachType, flags: d.flags, attachTo, attachBTF: d.attachBTF, autoload };
  }
  return undefined;
}

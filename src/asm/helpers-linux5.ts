/**
 * Kernel helper functions added in Linux 5.x, as constants named the way cilium/ebpf names
 * them. Generated from `enum bpf_func_id` (`__BPF_FUNC_MAPPER`) in `linux/bpf.h`; kernel
 * versions from bcc's `docs/kernel-versions.md`.
 *
 * @module
 */
import { BuiltinFunc } from "./func.js";

/** `bpf_msg_pop_data`, Linux 5.0. @example asm.FnMsgPopData.Call(); // call 91 */
export const FnMsgPopData = new BuiltinFunc(91, "FnMsgPopData", "bpf_msg_pop_data", "5.0");

/** `bpf_rc_pointer_rel`, Linux 5.0. @example asm.FnRcPointerRel.Call(); // call 92 */
export const FnRcPointerRel = new BuiltinFunc(92, "FnRcPointerRel", "bpf_rc_pointer_rel", "5.0");

/** `bpf_spin_lock`, Linux 5.1. @example asm.FnSpinLock.Call(); // call 93 */
export const FnSpinLock = new BuiltinFunc(93, "FnSpinLock", "bpf_spin_lock", "5.1");

/** `bpf_spin_unlock`, Linux 5.1. @example asm.FnSpinUnlock.Call(); // call 94 */
export const FnSpinUnlock = new BuiltinFunc(94, "FnSpinUnlock", "bpf_spin_unlock", "5.1");

/** `bpf_sk_fullsock`, Linux 5.1. @example asm.FnSkFullsock.Call(); // call 95 */
export const FnSkFullsock = new BuiltinFunc(95, "FnSkFullsock", "bpf_sk_fullsock", "5.1");

/** `bpf_tcp_sock`, Linux 5.1. @example asm.FnTcpSock.Call(); // call 96 */
export const FnTcpSock = new BuiltinFunc(96, "FnTcpSock", "bpf_tcp_sock", "5.1");

/** `bpf_skb_ecn_set_ce`, Linux 5.1. @example asm.FnSkbEcnSetCe.Call(); // call 97 */
export const FnSkbEcnSetCe = new BuiltinFunc(97, "FnSkbEcnSetCe", "bpf_skb_ecn_set_ce", "5.1");

/** `bpf_get_listener_sock`, Linux 5.1. @example asm.FnGetListenerSock.Call(); // call 98 */
export const FnGetListenerSock = new BuiltinFunc(98, "FnGetListenerSock", "bpf_get_listener_sock", "5.1");

/** `bpf_skc_lookup_tcp`, Linux 5.2. @example asm.FnSkcLookupTcp.Call(); // call 99 */
export const FnSkcLookupTcp = new BuiltinFunc(99, "FnSkcLookupTcp", "bpf_skc_lookup_tcp", "5.2");

/** `bpf_tcp_check_syncookie`, Linux 5.2. @example asm.FnTcpCheckSyncookie.Call(); // call 100 */
export const FnTcpCheckSyncookie = new BuiltinFunc(100, "FnTcpCheckSyncookie", "bpf_tcp_check_syncookie", "5.2");

/** `bpf_sysctl_get_name`, Linux 5.2. @example asm.FnSysctlGetName.Call(); // call 101 */
export const FnSysctlGetName = new BuiltinFunc(101, "FnSysctlGetName", "bpf_sysctl_get_name", "5.2");

/** `bpf_sysctl_get_current_value`, Linux 5.2. @example asm.FnSysctlGetCurrentValue.Call(); // call 102 */
export const FnSysctlGetCurrentValue = new BuiltinFunc(102, "FnSysctlGetCurrentValue", "bpf_sysctl_get_current_value", "5.2");

/** `bpf_sysctl_get_new_value`, Linux 5.2. @example asm.FnSysctlGetNewValue.Call(); // call 103 */
export const FnSysctlGetNewValue = new BuiltinFunc(103, "FnSysctlGetNewValue", "bpf_sysctl_get_new_value", "5.2");

/** `bpf_sysctl_set_new_value`, Linux 5.2. @example asm.FnSysctlSetNewValue.Call(); // call 104 */
export const FnSysctlSetNewValue = new BuiltinFunc(104, "FnSysctlSetNewValue", "bpf_sysctl_set_new_value", "5.2");

/** `bpf_strtol`, Linux 5.2. @example asm.FnStrtol.Call(); // call 105 */
export const FnStrtol = new BuiltinFunc(105, "FnStrtol", "bpf_strtol", "5.2");

/** `bpf_strtoul`, Linux 5.2. @example asm.FnStrtoul.Call(); // call 106 */
export const FnStrtoul = new BuiltinFunc(106, "FnStrtoul", "bpf_strtoul", "5.2");

/** `bpf_sk_storage_get`, Linux 5.2. @example asm.FnSkStorageGet.Call(); // call 107 */
export const FnSkStorageGet = new BuiltinFunc(107, "FnSkStorageGet", "bpf_sk_storage_get", "5.2");

/** `bpf_sk_storage_delete`, Linux 5.2. @example asm.FnSkStorageDelete.Call(); // call 108 */
export const FnSkStorageDelete = new BuiltinFunc(108, "FnSkStorageDelete", "bpf_sk_storage_delete", "5.2");

/** `bpf_send_signal`, Linux 5.3. @example asm.FnSendSignal.Call(); // call 109 */
export const FnSendSignal = new BuiltinFunc(109, "FnSendSignal", "bpf_send_signal", "5.3");

/** `bpf_tcp_gen_syncookie`, Linux 5.3. @example asm.FnTcpGenSyncookie.Call(); // call 110 */
export const FnTcpGenSyncookie = new BuiltinFunc(110, "FnTcpGenSyncookie", "bpf_tcp_gen_syncookie", "5.3");

/** `bpf_skb_output`, Linux 5.5. @example asm.FnSkbOutput.Call(); // call 111 */
export const FnSkbOutput = new BuiltinFunc(111, "FnSkbOutput", "bpf_skb_output", "5.5");

/** `bpf_probe_read_user`, Linux 5.5. @example asm.FnProbeReadUser.Call(); // call 112 */
export const FnProbeReadUser = new BuiltinFunc(112, "FnProbeReadUser", "bpf_probe_read_user", "5.5");

/** `bpf_probe_read_kernel`, Linux 5.5. @example asm.FnProbeReadKernel.Call(); // call 113 */
export const FnProbeReadKernel = new BuiltinFunc(113, "FnProbeReadKernel", "bpf_probe_read_kernel", "5.5");

/** `bpf_probe_read_user_str`, Linux 5.5. @example asm.FnProbeReadUserStr.Call(); // call 114 */
export const FnProbeReadUserStr = new BuiltinFunc(114, "FnProbeReadUserStr", "bpf_probe_read_user_str", "5.5");

/** `bpf_probe_read_kernel_str`, Linux 5.5. @example asm.FnProbeReadKernelStr.Call(); // call 115 */
export const FnProbeReadKernelStr = new BuiltinFunc(115, "FnProbeReadKernelStr", "bpf_probe_read_kernel_str", "5.5");

/** `bpf_tcp_send_ack`, Linux 5.5. @example asm.FnTcpSendAck.Call(); // call 116 */
export const FnTcpSendAck = new BuiltinFunc(116, "FnTcpSendAck", "bpf_tcp_send_ack", "5.5");

/** `bpf_send_signal_thread`, Linux 5.5. @example asm.FnSendSignalThread.Call(); // call 117 */
export const FnSendSignalThread = new BuiltinFunc(117, "FnSendSignalThread", "bpf_send_signal_thread", "5.5");

/** `bpf_jiffies64`, Linux 5.5. @example asm.FnJiffies64.Call(); // call 118 */
export const FnJiffies64 = new BuiltinFunc(118, "FnJiffies64", "bpf_jiffies64", "5.5");

/** `bpf_read_branch_records`, Linux 5.6. @example asm.FnReadBranchRecords.Call(); // call 119 */
export const FnReadBranchRecords = new BuiltinFunc(119, "FnReadBranchRecords", "bpf_read_branch_records", "5.6");

/** `bpf_get_ns_current_pid_tgid`, Linux 5.7. @example asm.FnGetNsCurrentPidTgid.Call(); // call 120 */
export const FnGetNsCurrentPidTgid = new BuiltinFunc(120, "FnGetNsCurrentPidTgid", "bpf_get_ns_current_pid_tgid", "5.7");

/** `bpf_xdp_output`, Linux 5.6. @example asm.FnXdpOutput.Call(); // call 121 */
export const FnXdpOutput = new BuiltinFunc(121, "FnXdpOutput", "bpf_xdp_output", "5.6");

/** `bpf_get_netns_cookie`, Linux 5.7. @example asm.FnGetNetnsCookie.Call(); // call 122 */
export const FnGetNetnsCookie = new BuiltinFunc(122, "FnGetNetnsCookie", "bpf_get_netns_cookie", "5.7");

/** `bpf_get_current_ancestor_cgroup_id`, Linux 5.6. @example asm.FnGetCurrentAncestorCgroupId.Call(); // call 123 */
export const FnGetCurrentAncestorCgroupId = new BuiltinFunc(123, "FnGetCurrentAncestorCgroupId", "bpf_get_current_ancestor_cgroup_id", "5.6");

/** `bpf_sk_assign`, Linux 5.6. @example asm.FnSkAssign.Call(); // call 124 */
export const FnSkAssign = new BuiltinFunc(124, "FnSkAssign", "bpf_sk_assign", "5.6");

/** `bpf_ktime_get_boot_ns`, Linux 5.8. @example asm.FnKtimeGetBootNs.Call(); // call 125 */
export const FnKtimeGetBootNs = new BuiltinFunc(125, "FnKtimeGetBootNs", "bpf_ktime_get_boot_ns", "5.8");

/** `bpf_seq_printf`, Linux 5.7. @example asm.FnSeqPrintf.Call(); // call 126 */
export const FnSeqPrintf = new BuiltinFunc(126, "FnSeqPrintf", "bpf_seq_printf", "5.7");

/** `bpf_seq_write`, Linux 5.7. @example asm.FnSeqWrite.Call(); // call 127 */
export const FnSeqWrite = new BuiltinFunc(127, "FnSeqWrite", "bpf_seq_write", "5.7");

/** `bpf_sk_cgroup_id`, Linux 5.7. @example asm.FnSkCgroupId.Call(); // call 128 */
export const FnSkCgroupId = new BuiltinFunc(128, "FnSkCgroupId", "bpf_sk_cgroup_id", "5.7");

/** `bpf_sk_ancestor_cgroup_id`, Linux 5.7. @example asm.FnSkAncestorCgroupId.Call(); // call 129 */
export const FnSkAncestorCgroupId = new BuiltinFunc(129, "FnSkAncestorCgroupId", "bpf_sk_ancestor_cgroup_id", "5.7");

/** `bpf_ringbuf_output`, Linux 5.8. @example asm.FnRingbufOutput.Call(); // call 130 */
export const FnRingbufOutput = new BuiltinFunc(130, "FnRingbufOutput", "bpf_ringbuf_output", "5.8");

/** `bpf_ringbuf_reserve`, Linux 5.8. @example asm.FnRingbufReserve.Call(); // call 131 */
export const FnRingbufReserve = new BuiltinFunc(131, "FnRingbufReserve", "bpf_ringbuf_reserve", "5.8");

/** `bpf_ringbuf_submit`, Linux 5.8. @example asm.FnRingbufSubmit.Call(); // call 132 */
export const FnRingbufSubmit = new BuiltinFunc(132, "FnRingbufSubmit", "bpf_ringbuf_submit", "5.8");

/** `bpf_ringbuf_discard`, Linux 5.8. @example asm.FnRingbufDiscard.Call(); // call 133 */
export const FnRingbufDiscard = new BuiltinFunc(133, "FnRingbufDiscard", "bpf_ringbuf_discard", "5.8");

/** `bpf_ringbuf_query`, Linux 5.8. @example asm.FnRingbufQuery.Call(); // call 134 */
export const FnRingbufQuery = new BuiltinFunc(134, "FnRingbufQuery", "bpf_ringbuf_query", "5.8");

/** `bpf_csum_level`, Linux 5.7. @example asm.FnCsumLevel.Call(); // call 135 */
export const FnCsumLevel = new BuiltinFunc(135, "FnCsumLevel", "bpf_csum_level", "5.7");

/** `bpf_skc_to_tcp6_sock`, Linux 5.9. @example asm.FnSkcToTcp6Sock.Call(); // call 136 */
export const FnSkcToTcp6Sock = new BuiltinFunc(136, "FnSkcToTcp6Sock", "bpf_skc_to_tcp6_sock", "5.9");

/** `bpf_skc_to_tcp_sock`, Linux 5.9. @example asm.FnSkcToTcpSock.Call(); // call 137 */
export const FnSkcToTcpSock = new BuiltinFunc(137, "FnSkcToTcpSock", "bpf_skc_to_tcp_sock", "5.9");

/** `bpf_skc_to_tcp_timewait_sock`, Linux 5.9. @example asm.FnSkcToTcpTimewaitSock.Call(); // call 138 */
export const FnSkcToTcpTimewaitSock = new BuiltinFunc(138, "FnSkcToTcpTimewaitSock", "bpf_skc_to_tcp_timewait_sock", "5.9");

/** `bpf_skc_to_tcp_request_sock`, Linux 5.9. @example asm.FnSkcToTcpRequestSock.Call(); // call 139 */
export const FnSkcToTcpRequestSock = new BuiltinFunc(139, "FnSkcToTcpRequestSock", "bpf_skc_to_tcp_request_sock", "5.9");

/** `bpf_skc_to_udp6_sock`, Linux 5.9. @example asm.FnSkcToUdp6Sock.Call(); // call 140 */
export const FnSkcToUdp6Sock = new BuiltinFunc(140, "FnSkcToUdp6Sock", "bpf_skc_to_udp6_sock", "5.9");

/** `bpf_get_task_stack`, Linux 5.9. @example asm.FnGetTaskStack.Call(); // call 141 */
export const FnGetTaskStack = new BuiltinFunc(141, "FnGetTaskStack", "bpf_get_task_stack", "5.9");

/** `bpf_load_hdr_opt`, Linux 5.10. @example asm.FnLoadHdrOpt.Call(); // call 142 */
export const FnLoadHdrOpt = new BuiltinFunc(142, "FnLoadHdrOpt", "bpf_load_hdr_opt", "5.10");

/** `bpf_store_hdr_opt`, Linux 5.10. @example asm.FnStoreHdrOpt.Call(); // call 143 */
export const FnStoreHdrOpt = new BuiltinFunc(143, "FnStoreHdrOpt", "bpf_store_hdr_opt", "5.10");

/** `bpf_reserve_hdr_opt`, Linux 5.10. @example asm.FnReserveHdrOpt.Call(); // call 144 */
export const FnReserveHdrOpt = new BuiltinFunc(144, "FnReserveHdrOpt", "bpf_reserve_hdr_opt", "5.10");

/** `bpf_inode_storage_get`, Linux 5.10. @example asm.FnInodeStorageGet.Call(); // call 145 */
export const FnInodeStorageGet = new BuiltinFunc(145, "FnInodeStorageGet", "bpf_inode_storage_get", "5.10");

/** `bpf_inode_storage_delete`, Linux 5.10. @example asm.FnInodeStorageDelete.Call(); // call 146 */
export const FnInodeStorageDelete = new BuiltinFunc(146, "FnInodeStorageDelete", "bpf_inode_storage_delete", "5.10");

/** `bpf_d_path`, Linux 5.10. @example asm.FnDPath.Call(); // call 147 */
export const FnDPath = new BuiltinFunc(147, "FnDPath", "bpf_d_path", "5.10");

/** `bpf_copy_from_user`, Linux 5.10. @example asm.FnCopyFromUser.Call(); // call 148 */
export const FnCopyFromUser = new BuiltinFunc(148, "FnCopyFromUser", "bpf_copy_from_user", "5.10");

/** `bpf_snprintf_btf`, Linux 5.10. @example asm.FnSnprintfBtf.Call(); // call 149 */
export const FnSnprintfBtf = new BuiltinFunc(149, "FnSnprintfBtf", "bpf_snprintf_btf", "5.10");

/** `bpf_seq_printf_btf`, Linux 5.10. @example asm.FnSeqPrintfBtf.Call(); // call 150 */
export const FnSeqPrintfBtf = new BuiltinFunc(150, "FnSeqPrintfBtf", "bpf_seq_printf_btf", "5.10");

/** `bpf_skb_cgroup_classid`, Linux 5.10. @example asm.FnSkbCgroupClassid.Call(); // call 151 */
export const FnSkbCgroupClassid = new BuiltinFunc(151, "FnSkbCgroupClassid", "bpf_skb_cgroup_classid", "5.10");

/** `bpf_redirect_neigh`, Linux 5.10. @example asm.FnRedirectNeigh.Call(); // call 152 */
export const FnRedirectNeigh = new BuiltinFunc(152, "FnRedirectNeigh", "bpf_redirect_neigh", "5.10");

/** `bpf_per_cpu_ptr`, Linux 5.10. @example asm.FnPerCpuPtr.Call(); // call 153 */
export const FnPerCpuPtr = new BuiltinFunc(153, "FnPerCpuPtr", "bpf_per_cpu_ptr", "5.10");

/** `bpf_this_cpu_ptr`, Linux 5.10. @example asm.FnThisCpuPtr.Call(); // call 154 */
export const FnThisCpuPtr = new BuiltinFunc(154, "FnThisCpuPtr", "bpf_this_cpu_ptr", "5.10");

/** `bpf_redirect_peer`, Linux 5.10. @example asm.FnRedirectPeer.Call(); // call 155 */
export const FnRedirectPeer = new BuiltinFunc(155, "FnRedirectPeer", "bpf_redirect_peer", "5.10");

/** `bpf_task_storage_get`, Linux 5.11. @example asm.FnTaskStorageGet.Call(); // call 156 */
export const FnTaskStorageGet = new BuiltinFunc(156, "FnTaskStorageGet", "bpf_task_storage_get", "5.11");

/** `bpf_task_storage_delete`, Linux 5.11. @example asm.FnTaskStorageDelete.Call(); // call 157 */
export const FnTaskStorageDelete = new BuiltinFunc(157, "FnTaskStorageDelete", "bpf_task_storage_delete", "5.11");

/** `bpf_get_current_task_btf`, Linux 5.11. @example asm.FnGetCurrentTaskBtf.Call(); // call 158 */
export const FnGetCurrentTaskBtf = new BuiltinFunc(158, "FnGetCurrentTaskBtf", "bpf_get_current_task_btf", "5.11");

/** `bpf_bprm_opts_set`, Linux 5.11. @example asm.FnBprmOptsSet.Call(); // call 159 */
export const FnBprmOptsSet = new BuiltinFunc(159, "FnBprmOptsSet", "bpf_bprm_opts_set", "5.11");

/** `bpf_ktime_get_coarse_ns`, Linux 5.11. @example asm.FnKtimeGetCoarseNs.Call(); // call 160 */
export const FnKtimeGetCoarseNs = new BuiltinFunc(160, "FnKtimeGetCoarseNs", "bpf_ktime_get_coarse_ns", "5.11");

/** `bpf_ima_inode_hash`, Linux 5.11. @example asm.FnImaInodeHash.Call(); // call 161 */
export const FnImaInodeHash = new BuiltinFunc(161, "FnImaInodeHash", "bpf_ima_inode_hash", "5.11");

/** `bpf_sock_from_file`, Linux 5.11. @example asm.FnSockFromFile.Call(); // call 162 */
export const FnSockFromFile = new BuiltinFunc(162, "FnSockFromFile", "bpf_sock_from_file", "5.11");

/** `bpf_check_mtu`, Linux 5.12. @example asm.FnCheckMtu.Call(); // call 163 */
export const FnCheckMtu = new BuiltinFunc(163, "FnCheckMtu", "bpf_check_mtu", "5.12");

/** `bpf_for_each_map_elem`, Linux 5.13. @example asm.FnForEachMapElem.Call(); // call 164 */
export const FnForEachMapElem = new BuiltinFunc(164, "FnForEachMapElem", "bpf_for_each_map_elem", "5.13");

/** `bpf_snprintf`, Linux 5.13. @example asm.FnSnprintf.Call(); // call 165 */
export const FnSnprintf = new BuiltinFunc(165, "FnSnprintf", "bpf_snprintf", "5.13");

/** `bpf_sys_bpf`, Linux 5.14. @example asm.FnSysBpf.Call(); // call 166 */
export const FnSysBpf = new BuiltinFunc(166, "FnSysBpf", "bpf_sys_bpf", "5.14");

/** `bpf_btf_find_by_name_kind`, Linux 5.14. @example asm.FnBtfFindByNameKind.Call(); // call 167 */
export const FnBtfFindByNameKind = new BuiltinFunc(167, "FnBtfFindByNameKind", "bpf_btf_find_by_name_kind", "5.14");

/** `bpf_sys_close`, Linux 5.14. @example asm.FnSysClose.Call(); // call 168 */
export const FnSysClose = new BuiltinFunc(168, "FnSysClose", "bpf_sys_close", "5.14");

/** `bpf_timer_init`, Linux 5.15. @example asm.FnTimerInit.Call(); // call 169 */
export const FnTimerInit = new BuiltinFunc(169, "FnTimerInit", "bpf_timer_init", "5.15");

/** `bpf_timer_set_callback`, Linux 5.15. @example asm.FnTimerSetCallback.Call(); // call 170 */
export const FnTimerSetCallback = new BuiltinFunc(170, "FnTimerSetCallback", "bpf_timer_set_callback", "5.15");

/** `bpf_timer_start`, Linux 5.15. @example asm.FnTimerStart.Call(); // call 171 */
export const FnTimerStart = new BuiltinFunc(171, "FnTimerStart", "bpf_timer_start", "5.15");

/** `bpf_timer_cancel`, Linux 5.15. @example asm.FnTimerCancel.Call(); // call 172 */
export const FnTimerCancel = new BuiltinFunc(172, "FnTimerCancel", "bpf_timer_cancel", "5.15");

/** `bpf_get_func_ip`, Linux 5.15. @example asm.FnGetFuncIp.Call(); // call 173 */
export const FnGetFuncIp = new BuiltinFunc(173, "FnGetFuncIp", "bpf_get_func_ip", "5.15");

/** `bpf_get_attach_cookie`, Linux 5.15. @example asm.FnGetAttachCookie.Call(); // call 174 */
export const FnGetAttachCookie = new BuiltinFunc(174, "FnGetAttachCookie", "bpf_get_attach_cookie", "5.15");

/** `bpf_task_pt_regs`, Linux 5.15. @example asm.FnTaskPtRegs.Call(); // call 175 */
export const FnTaskPtRegs = new BuiltinFunc(175, "FnTaskPtRegs", "bpf_task_pt_regs", "5.15");

/** `bpf_get_branch_snapshot`, Linux 5.16. @example asm.FnGetBranchSnapshot.Call(); // call 176 */
export const FnGetBranchSnapshot = new BuiltinFunc(176, "FnGetBranchSnapshot", "bpf_get_branch_snapshot", "5.16");

/** `bpf_trace_vprintk`, Linux 5.16. @example asm.FnTraceVprintk.Call(); // call 177 */
export const FnTraceVprintk = new BuiltinFunc(177, "FnTraceVprintk", "bpf_trace_vprintk", "5.16");

/** `bpf_skc_to_unix_sock`, Linux 5.16. @example asm.FnSkcToUnixSock.Call(); // call 178 */
export const FnSkcToUnixSock = new BuiltinFunc(178, "FnSkcToUnixSock", "bpf_skc_to_unix_sock", "5.16");

/** `bpf_kallsyms_lookup_name`, Linux 5.16. @example asm.FnKallsymsLookupName.Call(); // call 179 */
export const FnKallsymsLookupName = new BuiltinFunc(179, "FnKallsymsLookupName", "bpf_kallsyms_lookup_name", "5.16");

/** `bpf_find_vma`, Linux 5.17. @example asm.FnFindVma.Call(); // call 180 */
export const FnFindVma = new BuiltinFunc(180, "FnFindVma", "bpf_find_vma", "5.17");

/** `bpf_loop`, Linux 5.17. @example asm.FnLoop.Call(); // call 181 */
export const FnLoop = new BuiltinFunc(181, "FnLoop", "bpf_loop", "5.17");

/** `bpf_strncmp`, Linux 5.17. @example asm.FnStrncmp.Call(); // call 182 */
export const FnStrncmp = new BuiltinFunc(182, "FnStrncmp", "bpf_strncmp", "5.17");

/** `bpf_get_func_arg`, Linux 5.17. @example asm.FnGetFuncArg.Call(); // call 183 */
export const FnGetFuncArg = new BuiltinFunc(183, "FnGetFuncArg", "bpf_get_func_arg", "5.17");

/** `bpf_get_func_ret`, Linux 5.17. @example asm.FnGetFuncRet.Call(); // call 184 */
export const FnGetFuncRet = new BuiltinFunc(184, "FnGetFuncRet", "bpf_get_func_ret", "5.17");

/** `bpf_get_func_arg_cnt`, Linux 5.17. @example asm.FnGetFuncArgCnt.Call(); // call 185 */
export const FnGetFuncArgCnt = new BuiltinFunc(185, "FnGetFuncArgCnt", "bpf_get_func_arg_cnt", "5.17");

/** `bpf_get_retval`, Linux 5.18. @example asm.FnGetRetval.Call(); // call 186 */
export const FnGetRetval = new BuiltinFunc(186, "FnGetRetval", "bpf_get_retval", "5.18");

/** `bpf_set_retval`, Linux 5.18. @example asm.FnSetRetval.Call(); // call 187 */
export const FnSetRetval = new BuiltinFunc(187, "FnSetRetval", "bpf_set_retval", "5.18");

/** `bpf_xdp_get_buff_len`, Linux 5.18. @example asm.FnXdpGetBuffLen.Call(); // call 188 */
export const FnXdpGetBuffLen = new BuiltinFunc(188, "FnXdpGetBuffLen", "bpf_xdp_get_buff_len", "5.18");

/** `bpf_xdp_load_bytes`, Linux 5.18. @example asm.FnXdpLoadBytes.Call(); // call 189 */
export const FnXdpLoadBytes = new BuiltinFunc(189, "FnXdpLoadBytes", "bpf_xdp_load_bytes", "5.18");

/** `bpf_xdp_store_bytes`, Linux 5.18. @example asm.FnXdpStoreBytes.Call(); // call 190 */
export const FnXdpStoreBytes = new BuiltinFunc(190, "FnXdpStoreBytes", "bpf_xdp_store_bytes", "5.18");

/** `bpf_copy_from_user_task`, Linux 5.18. @example asm.FnCopyFromUserTask.Call(); // call 191 */
export const FnCopyFromUserTask = new BuiltinFunc(191, "FnCopyFromUserTask", "bpf_copy_from_user_task", "5.18");

/** `bpf_skb_set_tstamp`, Linux 5.18. @example asm.FnSkbSetTstamp.Call(); // call 192 */
export const FnSkbSetTstamp = new BuiltinFunc(192, "FnSkbSetTstamp", "bpf_skb_set_tstamp", "5.18");

/** `bpf_ima_file_hash`, Linux 5.18. @example asm.FnImaFileHash.Call(); // call 193 */
export const FnImaFileHash = new BuiltinFunc(193, "FnImaFileHash", "bpf_ima_file_hash", "5.18");

/** `bpf_kptr_xchg`, Linux 5.19. @example asm.FnKptrXchg.Call(); // call 194 */
export const FnKptrXchg = new BuiltinFunc(194, "FnKptrXchg", "bpf_kptr_xchg", "5.19");

/** `bpf_map_lookup_percpu_elem`, Linux 5.19. @example asm.FnMapLookupPercpuElem.Call(); // call 195 */
export const FnMapLookupPercpuElem = new BuiltinFunc(195, "FnMapLookupPercpuElem", "bpf_map_lookup_percpu_elem", "5.19");

/** `bpf_skc_to_mptcp_sock`, Linux 5.19. @example asm.FnSkcToMptcpSock.Call(); // call 196 */
export const FnSkcToMptcpSock = new BuiltinFunc(196, "FnSkcToMptcpSock", "bpf_skc_to_mptcp_sock", "5.19");

/** `bpf_dynptr_from_mem`, Linux 5.19. @example asm.FnDynptrFromMem.Call(); // call 197 */
export const FnDynptrFromMem = new BuiltinFunc(197, "FnDynptrFromMem", "bpf_dynptr_from_mem", "5.19");

/** `bpf_ringbuf_reserve_dynptr`, Linux 5.19. @example asm.FnRingbufReserveDynptr.Call(); // call 198 */
export const FnRingbufReserveDynptr = new BuiltinFunc(198, "FnRingbufReserveDynptr", "bpf_ringbuf_reserve_dynptr", "5.19");

/** `bpf_ringbuf_submit_dynptr`, Linux 5.19. @example asm.FnRingbufSubmitDynptr.Call(); // call 199 */
export const FnRingbufSubmitDynptr = new BuiltinFunc(199, "FnRingbufSubmitDynptr", "bpf_ringbuf_submit_dynptr", "5.19");

/** `bpf_ringbuf_discard_dynptr`, Linux 5.19. @example asm.FnRingbufDiscardDynptr.Call(); // call 200 */
export const FnRingbufDiscardDynptr = new BuiltinFunc(200, "FnRingbufDiscardDynptr", "bpf_ringbuf_discard_dynptr", "5.19");

/** `bpf_dynptr_read`, Linux 5.19. @example asm.FnDynptrRead.Call(); // call 201 */
export const FnDynptrRead = new BuiltinFunc(201, "FnDynptrRead", "bpf_dynptr_read", "5.19");

/** `bpf_dynptr_write`, Linux 5.19. @example asm.FnDynptrWrite.Call(); // call 202 */
export const FnDynptrWrite = new BuiltinFunc(202, "FnDynptrWrite", "bpf_dynptr_write", "5.19");

/** `bpf_dynptr_data`, Linux 5.19. @example asm.FnDynptrData.Call(); // call 203 */
export const FnDynptrData = new BuiltinFunc(203, "FnDynptrData", "bpf_dynptr_data", "5.19");

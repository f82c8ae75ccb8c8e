/**
 * Kernel helper functions added in Linux 3.19 to 4.20, as constants named the way cilium/ebpf names
 * them. Generated from `enum bpf_func_id` (`__BPF_FUNC_MAPPER`) in `linux/bpf.h`; kernel
 * versions from bcc's `docs/kernel-versions.md`.
 *
 * @module
 */
import { BuiltinFunc } from "./func.js";

/** Reserved id 0, no helper. @example asm.FnUnspec.Call(); // call 0 */
export const FnUnspec = new BuiltinFunc(0, "FnUnspec", "bpf_unspec", "3.19");

/** `bpf_map_lookup_elem`, Linux 3.19. @example asm.FnMapLookupElem.Call(); // call 1 */
export const FnMapLookupElem = new BuiltinFunc(1, "FnMapLookupElem", "bpf_map_lookup_elem", "3.19");

/** `bpf_map_update_elem`, Linux 3.19. @example asm.FnMapUpdateElem.Call(); // call 2 */
export const FnMapUpdateElem = new BuiltinFunc(2, "FnMapUpdateElem", "bpf_map_update_elem", "3.19");

/** `bpf_map_delete_elem`, Linux 3.19. @example asm.FnMapDeleteElem.Call(); // call 3 */
export const FnMapDeleteElem = new BuiltinFunc(3, "FnMapDeleteElem", "bpf_map_delete_elem", "3.19");

/** `bpf_probe_read`, Linux 4.1. @example asm.FnProbeRead.Call(); // call 4 */
export const FnProbeRead = new BuiltinFunc(4, "FnProbeRead", "bpf_probe_read", "4.1");

/** `bpf_ktime_get_ns`, Linux 4.1. @example asm.FnKtimeGetNs.Call(); // call 5 */
export const FnKtimeGetNs = new BuiltinFunc(5, "FnKtimeGetNs", "bpf_ktime_get_ns", "4.1");

/** `bpf_trace_printk`, Linux 4.1. @example asm.FnTracePrintk.Call(); // call 6 */
export const FnTracePrintk = new BuiltinFunc(6, "FnTracePrintk", "bpf_trace_printk", "4.1");

/** `bpf_get_prandom_u32`, Linux 4.1. @example asm.FnGetPrandomU32.Call(); // call 7 */
export const FnGetPrandomU32 = new BuiltinFunc(7, "FnGetPrandomU32", "bpf_get_prandom_u32", "4.1");

/** `bpf_get_smp_processor_id`, Linux 4.1. @example asm.FnGetSmpProcessorId.Call(); // call 8 */
export const FnGetSmpProcessorId = new BuiltinFunc(8, "FnGetSmpProcessorId", "bpf_get_smp_processor_id", "4.1");

/** `bpf_skb_store_bytes`, Linux 4.1. @example asm.FnSkbStoreBytes.Call(); // call 9 */
export const FnSkbStoreBytes = new BuiltinFunc(9, "FnSkbStoreBytes", "bpf_skb_store_bytes", "4.1");

/** `bpf_l3_csum_replace`, Linux 4.1. @example asm.FnL3CsumReplace.Call(); // call 10 */
export const FnL3CsumReplace = new BuiltinFunc(10, "FnL3CsumReplace", "bpf_l3_csum_replace", "4.1");

/** `bpf_l4_csum_replace`, Linux 4.1. @example asm.FnL4CsumReplace.Call(); // call 11 */
export const FnL4CsumReplace = new BuiltinFunc(11, "FnL4CsumReplace", "bpf_l4_csum_replace", "4.1");

/** `bpf_tail_call`, Linux 4.2. @example asm.FnTailCall.Call(); // call 12 */
export const FnTailCall = new BuiltinFunc(12, "FnTailCall", "bpf_tail_call", "4.2");

/** `bpf_clone_redirect`, Linux 4.2. @example asm.FnCloneRedirect.Call(); // call 13 */
export const FnCloneRedirect = new BuiltinFunc(13, "FnCloneRedirect", "bpf_clone_redirect", "4.2");

/** `bpf_get_current_pid_tgid`, Linux 4.2. @example asm.FnGetCurrentPidTgid.Call(); // call 14 */
export const FnGetCurrentPidTgid = new BuiltinFunc(14, "FnGetCurrentPidTgid", "bpf_get_current_pid_tgid", "4.2");

/** `bpf_get_current_uid_gid`, Linux 4.2. @example asm.FnGetCurrentUidGid.Call(); // call 15 */
export const FnGetCurrentUidGid = new BuiltinFunc(15, "FnGetCurrentUidGid", "bpf_get_current_uid_gid", "4.2");

/** `bpf_get_current_comm`, Linux 4.2. @example asm.FnGetCurrentComm.Call(); // call 16 */
export const FnGetCurrentComm = new BuiltinFunc(16, "FnGetCurrentComm", "bpf_get_current_comm", "4.2");

/** `bpf_get_cgroup_classid`, Linux 4.3. @example asm.FnGetCgroupClassid.Call(); // call 17 */
export const FnGetCgroupClassid = new BuiltinFunc(17, "FnGetCgroupClassid", "bpf_get_cgroup_classid", "4.3");

/** `bpf_skb_vlan_push`, Linux 4.3. @example asm.FnSkbVlanPush.Call(); // call 18 */
export const FnSkbVlanPush = new BuiltinFunc(18, "FnSkbVlanPush", "bpf_skb_vlan_push", "4.3");

/** `bpf_skb_vlan_pop`, Linux 4.3. @example asm.FnSkbVlanPop.Call(); // call 19 */
export const FnSkbVlanPop = new BuiltinFunc(19, "FnSkbVlanPop", "bpf_skb_vlan_pop", "4.3");

/** `bpf_skb_get_tunnel_key`, Linux 4.3. @example asm.FnSkbGetTunnelKey.Call(); // call 20 */
export const FnSkbGetTunnelKey = new BuiltinFunc(20, "FnSkbGetTunnelKey", "bpf_skb_get_tunnel_key", "4.3");

/** `bpf_skb_set_tunnel_key`, Linux 4.3. @example asm.FnSkbSetTunnelKey.Call(); // call 21 */
export const FnSkbSetTunnelKey = new BuiltinFunc(21, "FnSkbSetTunnelKey", "bpf_skb_set_tunnel_key", "4.3");

/** `bpf_perf_event_read`, Linux 4.3. @example asm.FnPerfEventRead.Call(); // call 22 */
export const FnPerfEventRead = new BuiltinFunc(22, "FnPerfEventRead", "bpf_perf_event_read", "4.3");

/** `bpf_redirect`, Linux 4.4. @example asm.FnRedirect.Call(); // call 23 */
export const FnRedirect = new BuiltinFunc(23, "FnRedirect", "bpf_redirect", "4.4");

/** `bpf_get_route_realm`, Linux 4.4. @example asm.FnGetRouteRealm.Call(); // call 24 */
export const FnGetRouteRealm = new BuiltinFunc(24, "FnGetRouteRealm", "bpf_get_route_realm", "4.4");

/** `bpf_perf_event_output`, Linux 4.4. @example asm.FnPerfEventOutput.Call(); // call 25 */
export const FnPerfEventOutput = new BuiltinFunc(25, "FnPerfEventOutput", "bpf_perf_event_output", "4.4");

/** `bpf_skb_load_bytes`, Linux 4.5. @example asm.FnSkbLoadBytes.Call(); // call 26 */
export const FnSkbLoadBytes = new BuiltinFunc(26, "FnSkbLoadBytes", "bpf_skb_load_bytes", "4.5");

/** `bpf_get_stackid`, Linux 4.6. @example asm.FnGetStackid.Call(); // call 27 */
export const FnGetStackid = new BuiltinFunc(27, "FnGetStackid", "bpf_get_stackid", "4.6");

/** `bpf_csum_diff`, Linux 4.6. @example asm.FnCsumDiff.Call(); // call 28 */
export const FnCsumDiff = new BuiltinFunc(28, "FnCsumDiff", "bpf_csum_diff", "4.6");

/** `bpf_skb_get_tunnel_opt`, Linux 4.6. @example asm.FnSkbGetTunnelOpt.Call(); // call 29 */
export const FnSkbGetTunnelOpt = new BuiltinFunc(29, "FnSkbGetTunnelOpt", "bpf_skb_get_tunnel_opt", "4.6");

/** `bpf_skb_set_tunnel_opt`, Linux 4.6. @example asm.FnSkbSetTunnelOpt.Call(); // call 30 */
export const FnSkbSetTunnelOpt = new BuiltinFunc(30, "FnSkbSetTunnelOpt", "bpf_skb_set_tunnel_opt", "4.6");

/** `bpf_skb_change_proto`, Linux 4.8. @example asm.FnSkbChangeProto.Call(); // call 31 */
export const FnSkbChangeProto = new BuiltinFunc(31, "FnSkbChangeProto", "bpf_skb_change_proto", "4.8");

/** `bpf_skb_change_type`, Linux 4.8. @example asm.FnSkbChangeType.Call(); // call 32 */
export const FnSkbChangeType = new BuiltinFunc(32, "FnSkbChangeType", "bpf_skb_change_type", "4.8");

/** `bpf_skb_under_cgroup`, Linux 4.8. @example asm.FnSkbUnderCgroup.Call(); // call 33 */
export const FnSkbUnderCgroup = new BuiltinFunc(33, "FnSkbUnderCgroup", "bpf_skb_under_cgroup", "4.8");

/** `bpf_get_hash_recalc`, Linux 4.8. @example asm.FnGetHashRecalc.Call(); // call 34 */
export const FnGetHashRecalc = new BuiltinFunc(34, "FnGetHashRecalc", "bpf_get_hash_recalc", "4.8");

/** `bpf_get_current_task`, Linux 4.8. @example asm.FnGetCurrentTask.Call(); // call 35 */
export const FnGetCurrentTask = new BuiltinFunc(35, "FnGetCurrentTask", "bpf_get_current_task", "4.8");

/** `bpf_probe_write_user`, Linux 4.8. @example asm.FnProbeWriteUser.Call(); // call 36 */
export const FnProbeWriteUser = new BuiltinFunc(36, "FnProbeWriteUser", "bpf_probe_write_user", "4.8");

/** `bpf_current_task_under_cgroup`, Linux 4.9. @example asm.FnCurrentTaskUnderCgroup.Call(); // call 37 */
export const FnCurrentTaskUnderCgroup = new BuiltinFunc(37, "FnCurrentTaskUnderCgroup", "bpf_current_task_under_cgroup", "4.9");

/** `bpf_skb_change_tail`, Linux 4.9. @example asm.FnSkbChangeTail.Call(); // call 38 */
export const FnSkbChangeTail = new BuiltinFunc(38, "FnSkbChangeTail", "bpf_skb_change_tail", "4.9");

/** `bpf_skb_pull_data`, Linux 4.9. @example asm.FnSkbPullData.Call(); // call 39 */
export const FnSkbPullData = new BuiltinFunc(39, "FnSkbPullData", "bpf_skb_pull_data", "4.9");

/** `bpf_csum_update`, Linux 4.9. @example asm.FnCsumUpdate.Call(); // call 40 */
export const FnCsumUpdate = new BuiltinFunc(40, "FnCsumUpdate", "bpf_csum_update", "4.9");

/** `bpf_set_hash_invalid`, Linux 4.9. @example asm.FnSetHashInvalid.Call(); // call 41 */
export const FnSetHashInvalid = new BuiltinFunc(41, "FnSetHashInvalid", "bpf_set_hash_invalid", "4.9");

/** `bpf_get_numa_node_id`, Linux 4.10. @example asm.FnGetNumaNodeId.Call(); // call 42 */
export const FnGetNumaNodeId = new BuiltinFunc(42, "FnGetNumaNodeId", "bpf_get_numa_node_id", "4.10");

/** `bpf_skb_change_head`, Linux 4.10. @example asm.FnSkbChangeHead.Call(); // call 43 */
export const FnSkbChangeHead = new BuiltinFunc(43, "FnSkbChangeHead", "bpf_skb_change_head", "4.10");

/** `bpf_xdp_adjust_head`, Linux 4.10. @example asm.FnXdpAdjustHead.Call(); // call 44 */
export const FnXdpAdjustHead = new BuiltinFunc(44, "FnXdpAdjustHead", "bpf_xdp_adjust_head", "4.10");

/** `bpf_probe_read_str`, Linux 4.11. @example asm.FnProbeReadStr.Call(); // call 45 */
export const FnProbeReadStr = new BuiltinFunc(45, "FnProbeReadStr", "bpf_probe_read_str", "4.11");

/** `bpf_get_socket_cookie`, Linux 4.12. @example asm.FnGetSocketCookie.Call(); // call 46 */
export const FnGetSocketCookie = new BuiltinFunc(46, "FnGetSocketCookie", "bpf_get_socket_cookie", "4.12");

/** `bpf_get_socket_uid`, Linux 4.12. @example asm.FnGetSocketUid.Call(); // call 47 */
export const FnGetSocketUid = new BuiltinFunc(47, "FnGetSocketUid", "bpf_get_socket_uid", "4.12");

/** `bpf_set_hash`, Linux 4.13. @example asm.FnSetHash.Call(); // call 48 */
export const FnSetHash = new BuiltinFunc(48, "FnSetHash", "bpf_set_hash", "4.13");

/** `bpf_setsockopt`, Linux 4.13. @example asm.FnSetsockopt.Call(); // call 49 */
export const FnSetsockopt = new BuiltinFunc(49, "FnSetsockopt", "bpf_setsockopt", "4.13");

/** `bpf_skb_adjust_room`, Linux 4.13. @example asm.FnSkbAdjustRoom.Call(); // call 50 */
export const FnSkbAdjustRoom = new BuiltinFunc(50, "FnSkbAdjustRoom", "bpf_skb_adjust_room", "4.13");

/** `bpf_redirect_map`, Linux 4.14. @example asm.FnRedirectMap.Call(); // call 51 */
export const FnRedirectMap = new BuiltinFunc(51, "FnRedirectMap", "bpf_redirect_map", "4.14");

/** `bpf_sk_redirect_map`, Linux 4.14. @example asm.FnSkRedirectMap.Call(); // call 52 */
export const FnSkRedirectMap = new BuiltinFunc(52, "FnSkRedirectMap", "bpf_sk_redirect_map", "4.14");

/** `bpf_sock_map_update`, Linux 4.14. @example asm.FnSockMapUpdate.Call(); // call 53 */
export const FnSockMapUpdate = new BuiltinFunc(53, "FnSockMapUpdate", "bpf_sock_map_update", "4.14");

/** `bpf_xdp_adjust_meta`, Linux 4.15. @example asm.FnXdpAdjustMeta.Call(); // call 54 */
export const FnXdpAdjustMeta = new BuiltinFunc(54, "FnXdpAdjustMeta", "bpf_xdp_adjust_meta", "4.15");

/** `bpf_perf_event_read_value`, Linux 4.15. @example asm.FnPerfEventReadValue.Call(); // call 55 */
export const FnPerfEventReadValue = new BuiltinFunc(55, "FnPerfEventReadValue", "bpf_perf_event_read_value", "4.15");

/** `bpf_perf_prog_read_value`, Linux 4.15. @example asm.FnPerfProgReadValue.Call(); // call 56 */
export const FnPerfProgReadValue = new BuiltinFunc(56, "FnPerfProgReadValue", "bpf_perf_prog_read_value", "4.15");

/** `bpf_getsockopt`, Linux 4.15. @example asm.FnGetsockopt.Call(); // call 57 */
export const FnGetsockopt = new BuiltinFunc(57, "FnGetsockopt", "bpf_getsockopt", "4.15");

/** `bpf_override_return`, Linux 4.16. @example asm.FnOverrideReturn.Call(); // call 58 */
export const FnOverrideReturn = new BuiltinFunc(58, "FnOverrideReturn", "bpf_override_return", "4.16");

/** `bpf_sock_ops_cb_flags_set`, Linux 4.16. @example asm.FnSockOpsCbFlagsSet.Call(); // call 59 */
export const FnSockOpsCbFlagsSet = new BuiltinFunc(59, "FnSockOpsCbFlagsSet", "bpf_sock_ops_cb_flags_set", "4.16");

/** `bpf_msg_redirect_map`, Linux 4.17. @example asm.FnMsgRedirectMap.Call(); // call 60 */
export const FnMsgRedirectMap = new BuiltinFunc(60, "FnMsgRedirectMap", "bpf_msg_redirect_map", "4.17");

/** `bpf_msg_apply_bytes`, Linux 4.17. @example asm.FnMsgApplyBytes.Call(); // call 61 */
export const FnMsgApplyBytes = new BuiltinFunc(61, "FnMsgApplyBytes", "bpf_msg_apply_bytes", "4.17");

/** `bpf_msg_cork_bytes`, Linux 4.17. @example asm.FnMsgCorkBytes.Call(); // call 62 */
export const FnMsgCorkBytes = new BuiltinFunc(62, "FnMsgCorkBytes", "bpf_msg_cork_bytes", "4.17");

/** `bpf_msg_pull_data`, Linux 4.17. @example asm.FnMsgPullData.Call(); // call 63 */
export const FnMsgPullData = new BuiltinFunc(63, "FnMsgPullData", "bpf_msg_pull_data", "4.17");

/** `bpf_bind`, Linux 4.17. @example asm.FnBind.Call(); // call 64 */
export const FnBind = new BuiltinFunc(64, "FnBind", "bpf_bind", "4.17");

/** `bpf_xdp_adjust_tail`, Linux 4.18. @example asm.FnXdpAdjustTail.Call(); // call 65 */
export const FnXdpAdjustTail = new BuiltinFunc(65, "FnXdpAdjustTail", "bpf_xdp_adjust_tail", "4.18");

/** `bpf_skb_get_xfrm_state`, Linux 4.18. @example asm.FnSkbGetXfrmState.Call(); // call 66 */
export const FnSkbGetXfrmState = new BuiltinFunc(66, "FnSkbGetXfrmState", "bpf_skb_get_xfrm_state", "4.18");

/** `bpf_get_stack`, Linux 4.18. @example asm.FnGetStack.Call(); // call 67 */
export const FnGetStack = new BuiltinFunc(67, "FnGetStack", "bpf_get_stack", "4.18");

/** `bpf_skb_load_bytes_relative`, Linux 4.18. @example asm.FnSkbLoadBytesRelative.Call(); // call 68 */
export const FnSkbLoadBytesRelative = new BuiltinFunc(68, "FnSkbLoadBytesRelative", "bpf_skb_load_bytes_relative", "4.18");

/** `bpf_fib_lookup`, Linux 4.18. @example asm.FnFibLookup.Call(); // call 69 */
export const FnFibLookup = new BuiltinFunc(69, "FnFibLookup", "bpf_fib_lookup", "4.18");

/** `bpf_sock_hash_update`, Linux 4.18. @example asm.FnSockHashUpdate.Call(); // call 70 */
export const FnSockHashUpdate = new BuiltinFunc(70, "FnSockHashUpdate", "bpf_sock_hash_update", "4.18");

/** `bpf_msg_redirect_hash`, Linux 4.18. @example asm.FnMsgRedirectHash.Call(); // call 71 */
export const FnMsgRedirectHash = new BuiltinFunc(71, "FnMsgRedirectHash", "bpf_msg_redirect_hash", "4.18");

/** `bpf_sk_redirect_hash`, Linux 4.18. @example asm.FnSkRedirectHash.Call(); // call 72 */
export const FnSkRedirectHash = new BuiltinFunc(72, "FnSkRedirectHash", "bpf_sk_redirect_hash", "4.18");

/** `bpf_lwt_push_encap`, Linux 4.18. @example asm.FnLwtPushEncap.Call(); // call 73 */
export const FnLwtPushEncap = new BuiltinFunc(73, "FnLwtPushEncap", "bpf_lwt_push_encap", "4.18");

/** `bpf_lwt_seg6_store_bytes`, Linux 4.18. @example asm.FnLwtSeg6StoreBytes.Call(); // call 74 */
export const FnLwtSeg6StoreBytes = new BuiltinFunc(74, "FnLwtSeg6StoreBytes", "bpf_lwt_seg6_store_bytes", "4.18");

/** `bpf_lwt_seg6_adjust_srh`, Linux 4.18. @example asm.FnLwtSeg6AdjustSrh.Call(); // call 75 */
export const FnLwtSeg6AdjustSrh = new BuiltinFunc(75, "FnLwtSeg6AdjustSrh", "bpf_lwt_seg6_adjust_srh", "4.18");

/** `bpf_lwt_seg6_action`, Linux 4.18. @example asm.FnLwtSeg6Action.Call(); // call 76 */
export const FnLwtSeg6Action = new BuiltinFunc(76, "FnLwtSeg6Action", "bpf_lwt_seg6_action", "4.18");

/** `bpf_rc_repeat`, Linux 4.18. @example asm.FnRcRepeat.Call(); // call 77 */
export const FnRcRepeat = new BuiltinFunc(77, "FnRcRepeat", "bpf_rc_repeat", "4.18");

/** `bpf_rc_keydown`, Linux 4.18. @example asm.FnRcKeydown.Call(); // call 78 */
export const FnRcKeydown = new BuiltinFunc(78, "FnRcKeydown", "bpf_rc_keydown", "4.18");

/** `bpf_skb_cgroup_id`, Linux 4.18. @example asm.FnSkbCgroupId.Call(); // call 79 */
export const FnSkbCgroupId = new BuiltinFunc(79, "FnSkbCgroupId", "bpf_skb_cgroup_id", "4.18");

/** `bpf_get_current_cgroup_id`, Linux 4.18. @example asm.FnGetCurrentCgroupId.Call(); // call 80 */
export const FnGetCurrentCgroupId = new BuiltinFunc(80, "FnGetCurrentCgroupId", "bpf_get_current_cgroup_id", "4.18");

/** `bpf_get_local_storage`, Linux 4.19. @example asm.FnGetLocalStorage.Call(); // call 81 */
export const FnGetLocalStorage = new BuiltinFunc(81, "FnGetLocalStorage", "bpf_get_local_storage", "4.19");

/** `bpf_sk_select_reuseport`, Linux 4.19. @example asm.FnSkSelectReuseport.Call(); // call 82 */
export const FnSkSelectReuseport = new BuiltinFunc(82, "FnSkSelectReuseport", "bpf_sk_select_reuseport", "4.19");

/** `bpf_skb_ancestor_cgroup_id`, Linux 4.19. @example asm.FnSkbAncestorCgroupId.Call(); // call 83 */
export const FnSkbAncestorCgroupId = new BuiltinFunc(83, "FnSkbAncestorCgroupId", "bpf_skb_ancestor_cgroup_id", "4.19");

/** `bpf_sk_lookup_tcp`, Linux 4.20. @example asm.FnSkLookupTcp.Call(); // call 84 */
export const FnSkLookupTcp = new BuiltinFunc(84, "FnSkLookupTcp", "bpf_sk_lookup_tcp", "4.20");

/** `bpf_sk_lookup_udp`, Linux 4.20. @example asm.FnSkLookupUdp.Call(); // call 85 */
export const FnSkLookupUdp = new BuiltinFunc(85, "FnSkLookupUdp", "bpf_sk_lookup_udp", "4.20");

/** `bpf_sk_release`, Linux 4.20. @example asm.FnSkRelease.Call(); // call 86 */
export const FnSkRelease = new BuiltinFunc(86, "FnSkRelease", "bpf_sk_release", "4.20");

/** `bpf_map_push_elem`, Linux 4.20. @example asm.FnMapPushElem.Call(); // call 87 */
export const FnMapPushElem = new BuiltinFunc(87, "FnMapPushElem", "bpf_map_push_elem", "4.20");

/** `bpf_map_pop_elem`, Linux 4.20. @example asm.FnMapPopElem.Call(); // call 88 */
export const FnMapPopElem = new BuiltinFunc(88, "FnMapPopElem", "bpf_map_pop_elem", "4.20");

/** `bpf_map_peek_elem`, Linux 4.20. @example asm.FnMapPeekElem.Call(); // call 89 */
export const FnMapPeekElem = new BuiltinFunc(89, "FnMapPeekElem", "bpf_map_peek_elem", "4.20");

/** `bpf_msg_push_data`, Linux 4.20. @example asm.FnMsgPushData.Call(); // call 90 */
export const FnMsgPushData = new BuiltinFunc(90, "FnMsgPushData", "bpf_msg_push_data", "4.20");

/**
 * Kernel helper functions added in Linux 6.x, as constants named the way cilium/ebpf names
 * them. Generated from `enum bpf_func_id` (`__BPF_FUNC_MAPPER`) in the Linux 6.1 `linux/bpf.h`,
 * plus `cgrp_storage_get` and `cgrp_storage_delete` of Linux 6.2, after which no helper was
 * added (new kernel functionality comes as kfuncs); kernel versions from bcc's
 * `docs/kernel-versions.md`.
 *
 * @module
 */
import { BuiltinFunc } from "./func.js";

/** `bpf_tcp_raw_gen_syncookie_ipv4`, Linux 6.0. @example asm.FnTcpRawGenSyncookieIpv4.Call(); // call 204 */
export const FnTcpRawGenSyncookieIpv4 = new BuiltinFunc(204, "FnTcpRawGenSyncookieIpv4", "bpf_tcp_raw_gen_syncookie_ipv4", "6.0");

/** `bpf_tcp_raw_gen_syncookie_ipv6`, Linux 6.0. @example asm.FnTcpRawGenSyncookieIpv6.Call(); // call 205 */
export const FnTcpRawGenSyncookieIpv6 = new BuiltinFunc(205, "FnTcpRawGenSyncookieIpv6", "bpf_tcp_raw_gen_syncookie_ipv6", "6.0");

/** `bpf_tcp_raw_check_syncookie_ipv4`, Linux 6.0. @example asm.FnTcpRawCheckSyncookieIpv4.Call(); // call 206 */
export const FnTcpRawCheckSyncookieIpv4 = new BuiltinFunc(206, "FnTcpRawCheckSyncookieIpv4", "bpf_tcp_raw_check_syncookie_ipv4", "6.0");

/** `bpf_tcp_raw_check_syncookie_ipv6`, Linux 6.0. @example asm.FnTcpRawCheckSyncookieIpv6.Call(); // call 207 */
export const FnTcpRawCheckSyncookieIpv6 = new BuiltinFunc(207, "FnTcpRawCheckSyncookieIpv6", "bpf_tcp_raw_check_syncookie_ipv6", "6.0");

/** `bpf_ktime_get_tai_ns`, Linux 6.1. @example asm.FnKtimeGetTaiNs.Call(); // call 208 */
export const FnKtimeGetTaiNs = new BuiltinFunc(208, "FnKtimeGetTaiNs", "bpf_ktime_get_tai_ns", "6.1");

/** `bpf_user_ringbuf_drain`, Linux 6.1. @example asm.FnUserRingbufDrain.Call(); // call 209 */
export const FnUserRingbufDrain = new BuiltinFunc(209, "FnUserRingbufDrain", "bpf_user_ringbuf_drain", "6.1");

/** `bpf_cgrp_storage_get`, Linux 6.2. @example asm.FnCgrpStorageGet.Call(); // call 210 */
export const FnCgrpStorageGet = new BuiltinFunc(210, "FnCgrpStorageGet", "bpf_cgrp_storage_get", "6.2");

/** `bpf_cgrp_storage_delete`, Linux 6.2. @example asm.FnCgrpStorageDelete.Call(); // call 211 */
export const FnCgrpStorageDelete = new BuiltinFunc(211, "FnCgrpStorageDelete", "bpf_cgrp_storage_delete", "6.2");

// SPDX-License-Identifier: MIT
// `npm run bench` links topic: one do-nothing program per link kind, attached and detached in a
// loop by both sides, and the fentry / kprobe programs whose cost per getpgid call is measured.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint/syscalls/sys_enter_getpgid")
int bench_tracepoint(void *ctx)
{
	return 0;
}

SEC("raw_tp/sys_enter")
int bench_raw_tp(void *ctx)
{
	return 0;
}

SEC("tp_btf/sys_enter")
int bench_tp_btf(void *ctx)
{
	return 0;
}

SEC("fentry/__x64_sys_getpgid")
int bench_fentry(void *ctx)
{
	return 0;
}

SEC("kprobe/__x64_sys_getpgid")
int bench_kprobe(void *ctx)
{
	return 0;
}

SEC("uprobe")
int bench_uprobe(void *ctx)
{
	return 0;
}

SEC("xdp")
int bench_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tcx/ingress")
int bench_tcx(struct __sk_buff *skb)
{
	return -1; /* TCX_NEXT */
}

SEC("cgroup_skb/egress")
int bench_cgroup(struct __sk_buff *skb)
{
	return 1;
}

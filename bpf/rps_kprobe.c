// SPDX-License-Identifier: MIT
// Counts RPS steering decisions with a kprobe / kretprobe pair on get_rps_cpu() (net/core/dev.c):
// a kretprobe sees only the return value, so the entry probe keeps the device's ifindex for the
// return probe to pick up. Works wherever kprobes do (no BTF needed for attaching; the ifindex
// read is CO-RE).
#include "rps.h"
#include <linux/ptrace.h>
#include <bpf/bpf_core_read.h>

// The object is built for the machine running `make` (pt_regs differ per architecture).
#if !defined(__TARGET_ARCH_x86) && !defined(__TARGET_ARCH_arm64)
#define __TARGET_ARCH_x86
#endif
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct net_device {
	int ifindex;
} __attribute__((preserve_access_index));

// The ifindex seen on entry, by thread and CPU. The thread alone is not enough: in softirq context
// the current task may be an idle task, and every CPU's idle task has pid 0. A call does not move
// between CPUs (get_rps_cpu runs under rcu_read_lock with bottom halves off).
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} entries SEC(".maps");

static __always_inline __u64 call_key(void)
{
	return ((__u64)bpf_get_smp_processor_id() << 32) | (__u32)bpf_get_current_pid_tgid();
}

SEC("kprobe/get_rps_cpu")
int BPF_KPROBE(rps_kprobe, struct net_device *dev)
{
	__u32 ifindex = BPF_CORE_READ(dev, ifindex);
	if (!wanted(ifindex))
		return 0;
	__u64 key = call_key();
	bpf_map_update_elem(&entries, &key, &ifindex, BPF_ANY);
	return 0;
}

SEC("kretprobe/get_rps_cpu")
int BPF_KRETPROBE(rps_kretprobe, int ret)
{
	__u64 key = call_key();
	__u32 *ifindex = bpf_map_lookup_elem(&entries, &key);
	if (!ifindex)
		return 0;
	count_decision(*ifindex, ret);
	bpf_map_delete_elem(&entries, &key);
	return 0;
}

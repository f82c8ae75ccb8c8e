// SPDX-License-Identifier: MIT
// Shared by rps_fexit.c and rps_kprobe.c (examples/rps.ts): the steering table both methods fill,
// so the example prints the same table twice and compares what each way of tracing costs.
#ifndef RPS_H
#define RPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

// One RPS decision: the device the packet arrived on, where the decision ran (NUMA node and CPU)
// and the CPU get_rps_cpu() chose (-1: no RPS map on the queue, or no valid CPU in it). Packed so
// the user-space decoder reads four fields at fixed offsets, whatever the compiler would pad.
struct rps_key {
	__u32 ifindex;
	__u32 numa_node;
	__u32 cpu;
	__s32 target_cpu;
} __attribute__((packed));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct rps_key);
	__type(value, __u64);
} decisions SEC(".maps");

// Only count packets arriving on this device (0: every device); set before load.
const volatile __u32 target_ifindex = 0;

static __always_inline int wanted(__u32 ifindex)
{
	return target_ifindex == 0 || ifindex == target_ifindex;
}

static __always_inline void count_decision(__u32 ifindex, int target_cpu)
{
	struct rps_key key = {
		.ifindex = ifindex,
		.numa_node = bpf_get_numa_node_id(),
		.cpu = bpf_get_smp_processor_id(),
		.target_cpu = target_cpu,
	};
	__u64 one = 1, *n = bpf_map_lookup_elem(&decisions, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&decisions, &key, &one, BPF_NOEXIST);
}

#endif

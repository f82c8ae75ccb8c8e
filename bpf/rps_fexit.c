// SPDX-License-Identifier: MIT
// Counts RPS steering decisions with one fexit program on get_rps_cpu() (net/core/dev.c), which
// sees the arguments and the return value at once. `struct net_device` is declared as the subset
// we read, with preserve_access_index: the ifindex offset comes from the running kernel's BTF
// (CO-RE), and the attach target is resolved there too. Tracing programs need Linux 5.5.
#include "rps.h"
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct net_device {
	int ifindex;
} __attribute__((preserve_access_index));

struct sk_buff;
struct rps_dev_flow;

// int get_rps_cpu(struct net_device *dev, struct sk_buff *skb, struct rps_dev_flow **rflowp)
SEC("fexit/get_rps_cpu")
int BPF_PROG(rps_fexit, struct net_device *dev, struct sk_buff *skb, struct rps_dev_flow **rflowp, int ret)
{
	// fexit arguments are typed kernel pointers: the verifier allows the direct read.
	__u32 ifindex = dev->ifindex;
	if (wanted(ifindex))
		count_decision(ifindex, ret);
	return 0;
}

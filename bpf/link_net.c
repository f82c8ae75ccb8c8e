// SPDX-License-Identifier: MIT
// Link tests, networking side: XDP, TCX and cgroup_skb programs count IPv4 UDP packets in
// `counts[tag]`; the XDP pair differs only in passing or dropping them.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

enum { TAG_XDP_PASS = 0, TAG_XDP_DROP = 1, TAG_TCX = 2, TAG_CGROUP = 3, TAG_TCX_B = 4, TAG_NETKIT_PRIMARY = 5, TAG_NETKIT_PEER = 6 };

static __always_inline void bump(__u32 tag)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &tag);
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline int is_udp(void *data, void *end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return 0;
	return ip->protocol == IPPROTO_UDP;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	if (is_udp((void *)(long)ctx->data, (void *)(long)ctx->data_end))
		bump(TAG_XDP_PASS);
	return XDP_PASS;
}

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	if (is_udp((void *)(long)ctx->data, (void *)(long)ctx->data_end)) {
		bump(TAG_XDP_DROP);
		return XDP_DROP;
	}
	return XDP_PASS;
}

SEC("tcx/ingress")
int tcx_count(struct __sk_buff *skb)
{
	if (is_udp((void *)(long)skb->data, (void *)(long)skb->data_end))
		bump(TAG_TCX);
	return -1; /* TCX_NEXT */
}

SEC("tcx/ingress")
int tcx_count_b(struct __sk_buff *skb)
{
	if (is_udp((void *)(long)skb->data, (void *)(long)skb->data_end))
		bump(TAG_TCX_B);
	return -1; /* TCX_NEXT */
}

SEC("cgroup_skb/egress")
int cgroup_egress_count(struct __sk_buff *skb)
{
	__u8 proto = 0;
	if (skb->protocol == bpf_htons(ETH_P_IP) && bpf_skb_load_bytes(skb, 9, &proto, 1) == 0 && proto == IPPROTO_UDP)
		bump(TAG_CGROUP);
	return 1;
}

// What a netkit program sees first depends on the kernel's netkit version and mode: an Ethernet
// header (ether_setup devices) or, without one, the IP header.
static __always_inline int netkit_is_udp(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	if (is_udp(data, end))
		return 1;
	struct iphdr *ip = data;
	if ((void *)(ip + 1) > end)
		return 0;
	return skb->protocol == bpf_htons(ETH_P_IP) && ip->version == 4 && ip->protocol == IPPROTO_UDP;
}

SEC("netkit/primary")
int netkit_primary_count(struct __sk_buff *skb)
{
	if (netkit_is_udp(skb))
		bump(TAG_NETKIT_PRIMARY);
	return -1; /* NETKIT_NEXT */
}

SEC("netkit/peer")
int netkit_peer_count(struct __sk_buff *skb)
{
	if (netkit_is_udp(skb))
		bump(TAG_NETKIT_PEER);
	return -1; /* NETKIT_NEXT */
}

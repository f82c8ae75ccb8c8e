// SPDX-License-Identifier: MIT
// The plain object of the `load` bench topic (bench/c/load.c, bench/ts/load.ts): five packet
// programs (socket filter, two XDP, two tc) of the size the loader issue sets its target at
// (libbpf opens and loads it in about 2.5 ms here), over five BTF-defined maps, no CO-RE and no
// global data. Each parses Ethernet, up to two VLAN tags, IPv4 with options or IPv6 with
// one extension header, and TCP/UDP ports, so the verifier walks the branches a real parser has
// (each more VLAN tag or extension header the loops allow multiplies the verifier's work).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#include "bench_load_maps.h"

#define MAX_VLANS 2
#define MAX_EXT_HEADERS 1

struct flow {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 vlans;
	__u8 ext_headers;
	__u8 ipv6;
};

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct ipv4_hdr {
	__u8 ihl_version;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
};

struct ipv6_hdr {
	__be32 vtc_flow;
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__be32 saddr[4];
	__be32 daddr[4];
};

struct ext_hdr {
	__u8 nexthdr;
	__u8 len;
};

struct ports {
	__be16 source;
	__be16 dest;
};

/* Parses the packet in [data, end); returns 0 when it is not one we count. */
static __always_inline int parse(void *data, void *end, struct flow *f)
{
	struct ethhdr *eth = data;
	void *p = eth + 1;
	if (p > end)
		return 0;
	__u16 proto = eth->h_proto;
#pragma unroll
	for (int i = 0; i < MAX_VLANS; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		struct vlan_hdr *vlan = p;
		if ((void *)(vlan + 1) > end)
			return 0;
		proto = vlan->proto;
		p = vlan + 1;
		f->vlans++;
	}
	__u8 l4;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct ipv4_hdr *ip = p;
		if ((void *)(ip + 1) > end)
			return 0;
		__u32 ihl = (ip->ihl_version & 0xf) * 4;
		if (ihl < sizeof(*ip))
			return 0;
		if (ip->frag_off & bpf_htons(0x1fff))
			return 0;
		p = (void *)ip + ihl;
		f->saddr = ip->saddr;
		f->daddr = ip->daddr;
		l4 = ip->protocol;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6_hdr *ip6 = p;
		if ((void *)(ip6 + 1) > end)
			return 0;
		f->ipv6 = 1;
		f->saddr = ip6->saddr[3];
		f->daddr = ip6->daddr[3];
		l4 = ip6->nexthdr;
		p = ip6 + 1;
#pragma unroll
		for (int i = 0; i < MAX_EXT_HEADERS; i++) {
			if (l4 != IPPROTO_HOPOPTS && l4 != IPPROTO_ROUTING && l4 != IPPROTO_DSTOPTS && l4 != IPPROTO_FRAGMENT)
				break;
			struct ext_hdr *ext = p;
			if ((void *)(ext + 1) > end)
				return 0;
			p += l4 == IPPROTO_FRAGMENT ? 8 : (ext->len + 1) * 8;
			l4 = ext->nexthdr;
			f->ext_headers++;
		}
	} else {
		return 0;
	}
	f->proto = l4;
	if (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP) {
		struct ports *ports = p;
		if ((void *)(ports + 1) > end)
			return 0;
		f->sport = bpf_ntohs(ports->source);
		f->dport = bpf_ntohs(ports->dest);
	}
	return 1;
}

static __always_inline void bump(void *map, __u32 key)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline __u32 flow_hash(const struct flow *f)
{
	__u32 h = f->saddr ^ (f->daddr * 31) ^ ((__u32)f->sport << 16 | f->dport) ^ f->proto;
	return h ^ (h >> 13);
}

/* Socket filters have no direct packet access: the same parse, each header copied to the stack. */
static __always_inline int parse_skb(struct __sk_buff *skb, struct flow *f)
{
	struct ethhdr eth;
	if (bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)) < 0)
		return 0;
	__u32 off = sizeof(eth);
	__u16 proto = eth.h_proto;
#pragma unroll
	for (int i = 0; i < MAX_VLANS; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		struct vlan_hdr vlan;
		if (bpf_skb_load_bytes(skb, off, &vlan, sizeof(vlan)) < 0)
			return 0;
		proto = vlan.proto;
		off += sizeof(vlan);
		f->vlans++;
	}
	__u8 l4;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct ipv4_hdr ip;
		if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)) < 0)
			return 0;
		__u32 ihl = (ip.ihl_version & 0xf) * 4;
		if (ihl < sizeof(ip) || ip.frag_off & bpf_htons(0x1fff))
			return 0;
		off += ihl;
		f->saddr = ip.saddr;
		f->daddr = ip.daddr;
		l4 = ip.protocol;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6_hdr ip6;
		if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)) < 0)
			return 0;
		f->ipv6 = 1;
		f->saddr = ip6.saddr[3];
		f->daddr = ip6.daddr[3];
		l4 = ip6.nexthdr;
		off += sizeof(ip6);
#pragma unroll
		for (int i = 0; i < MAX_EXT_HEADERS; i++) {
			if (l4 != IPPROTO_HOPOPTS && l4 != IPPROTO_ROUTING && l4 != IPPROTO_DSTOPTS && l4 != IPPROTO_FRAGMENT)
				break;
			struct ext_hdr ext;
			if (bpf_skb_load_bytes(skb, off, &ext, sizeof(ext)) < 0)
				return 0;
			off += l4 == IPPROTO_FRAGMENT ? 8 : (ext.len + 1) * 8;
			l4 = ext.nexthdr;
			f->ext_headers++;
		}
	} else {
		return 0;
	}
	f->proto = l4;
	if (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP) {
		struct ports ports;
		if (bpf_skb_load_bytes(skb, off, &ports, sizeof(ports)) < 0)
			return 0;
		f->sport = bpf_ntohs(ports.source);
		f->dport = bpf_ntohs(ports.dest);
	}
	return 1;
}

SEC("socket")
int sock_count(struct __sk_buff *skb)
{
	struct flow f = {};
	if (!parse_skb(skb, &f))
		return 0;
	__u32 key = f.dport & 1023;
	__u64 one = 1, *v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	bump(&totals, 0);
	return 0;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	struct flow f = {};
	if (!parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &f))
		return XDP_PASS;
	bump(&totals, 1);
	bump(&scratch, f.proto & 3);
	bump(&counts, f.dport & 1023);
	return XDP_PASS;
}

SEC("xdp")
int xdp_track(struct xdp_md *ctx)
{
	struct flow f = {};
	if (!parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &f))
		return XDP_PASS;
	__u64 key = (__u64)flow_hash(&f) << 32 | ctx->ingress_ifindex;
	__u32 val = ctx->rx_queue_index;
	bpf_map_update_elem(&recent, &key, &val, BPF_ANY);
	bump(&totals, 2);
	return XDP_PASS;
}

SEC("tc")
int tc_event(struct __sk_buff *skb)
{
	struct flow f = {};
	if (!parse((void *)(long)skb->data, (void *)(long)skb->data_end, &f))
		return 0;
	struct flow *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		*e = f;
		bpf_ringbuf_submit(e, 0);
	}
	bump(&totals, 3);
	return 0;
}

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	struct flow f = {};
	if (!parse((void *)(long)skb->data, (void *)(long)skb->data_end, &f))
		return 0;
	__u32 key = flow_hash(&f) & 1023;
	bump(&counts, key);
	bump(&scratch, f.vlans);
	skb->mark = key;
	return 0;
}

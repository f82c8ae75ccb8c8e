// SPDX-License-Identifier: MIT
// The small object of the `load` bench topic (bench/c/load.c, bench/ts/load.ts): five programs of simple
// loadable types (socket filter, XDP, tc) over five BTF-defined maps of different types, no CO-RE
// and no global data, so opening and loading it costs what parsing, map creation and verification
// cost, not kernel BTF.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#include "bench_load_maps.h"

static __always_inline void bump(void *map, __u32 key)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("socket")
int sock_count(struct __sk_buff *skb)
{
	__u32 key = skb->len & 1023;
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
	__u32 len = ctx->data_end - ctx->data;
	bump(&totals, 1);
	bump(&scratch, len & 3);
	return XDP_PASS;
}

SEC("xdp")
int xdp_track(struct xdp_md *ctx)
{
	__u64 key = ctx->ingress_ifindex;
	__u32 val = ctx->rx_queue_index;
	bpf_map_update_elem(&recent, &key, &val, BPF_ANY);
	bump(&totals, 2);
	return XDP_PASS;
}

SEC("tc")
int tc_event(struct __sk_buff *skb)
{
	__u32 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		*e = skb->len;
		bpf_ringbuf_submit(e, 0);
	}
	bump(&totals, 3);
	return 0;
}

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	__u32 key = skb->mark & 1023;
	bump(&counts, key);
	bump(&scratch, 0);
	skb->mark = key;
	return 0;
}

// SPDX-License-Identifier: MIT
// The `ebpf` CLI's test object. An XDP program whose work grows with a .rodata knob, so
// `ebpf bench --compare` meets a real regression when the knob is raised, and which counts
// packets in a hash map keyed by a struct, with an enum, a union and a char array in the value,
// so `ebpf gen` has every kind of type to generate.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

// Rounds of busy work per packet; the verifier bounds the loop by MAX_LOOPS.
#define MAX_LOOPS 4096
const volatile __u32 work_loops = 1;
__u64 packets_seen;
char greeting[8] = "hello";

enum verdict {
	VERDICT_DROP = 1,
	VERDICT_PASS = 2,
};

struct flow_key {
	__u32 ifindex;
	__u16 proto;
	__u8 pad[2];
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
	enum verdict last;
	char tag[8];
	union {
		__u32 word;
		__u8 octets[4];
	} mark;
	__s32 delta;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
	__uint(max_entries, 16);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} hits SEC(".maps");

// Passes every packet of at least an Ethernet header and records it under (ifindex, EtherType);
// the busy work's result lands in the value's mark so the compiler keeps the loop.
SEC("xdp")
int xdp_work(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct flow_key key = { .ifindex = ctx->ingress_ifindex };
	struct flow_stats *stats;
	__u32 zero = 0, h = 0, i;
	__u64 *hit;

	if (data + 14 > end)
		return XDP_DROP;
	key.proto = *(__u16 *)(data + 12);
	for (i = 0; i < work_loops && i < MAX_LOOPS; i++)
		h = h * 31 + i;
	hit = bpf_map_lookup_elem(&hits, &zero);
	if (hit)
		*hit += 1;
	__sync_fetch_and_add(&packets_seen, 1);
	stats = bpf_map_lookup_elem(&flows, &key);
	if (!stats) {
		struct flow_stats init = {
			.packets = 1,
			.bytes = end - data,
			.last = VERDICT_PASS,
			.tag = "new",
			.mark = { .word = h },
			.delta = -1,
		};
		bpf_map_update_elem(&flows, &key, &init, BPF_NOEXIST);
		return XDP_PASS;
	}
	__sync_fetch_and_add(&stats->packets, 1);
	__sync_fetch_and_add(&stats->bytes, end - data);
	stats->last = VERDICT_PASS;
	stats->mark.word = h;
	return XDP_PASS;
}

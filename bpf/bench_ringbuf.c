// SPDX-License-Identifier: MIT
// The producer of the `ringbuf` bench topic (bench/c/ringbuf.c, bench/ts/ringbuf.ts): each
// BPF_PROG_TEST_RUN of `produce` writes RECORDS_PER_RUN 64-byte records into `events` with
// bpf_ringbuf_output from a bpf_loop (Linux 5.17), without waking readers, and adds what it wrote
// and what did not fit to `stats` (key 0: written, key 1: lost), so readers can check they got
// every record written.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define RECORDS_PER_RUN 1024

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} stats SEC(".maps");

struct record {
	__u64 seq;
	__u64 payload[7];
};

struct loop_state {
	__u64 written;
	__u64 lost;
};

static long emit_one(__u32 i, struct loop_state *s)
{
	struct record r = {};
	r.seq = i;
	r.payload[6] = ~(__u64)i;
	if (bpf_ringbuf_output(&events, &r, sizeof(r), BPF_RB_NO_WAKEUP))
		s->lost++;
	else
		s->written++;
	return 0;
}

static __always_inline void add(__u32 key, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &key);
	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("xdp")
int produce(struct xdp_md *ctx)
{
	struct loop_state s = {};
	bpf_loop(RECORDS_PER_RUN, emit_one, &s, 0);
	add(0, s.written);
	add(1, s.lost);
	return XDP_PASS;
}

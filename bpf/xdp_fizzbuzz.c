// SPDX-License-Identifier: MIT
// The XDP FizzBuzzFibonacci example (examples/xdp-fizzbuzz.ts, `npm run demo`). For every IPv4
// packet it takes n = the last byte of the source address (saddr % 256 in host order) and pushes
// a message {saddr, kind} into `messages`: FIBONACCI when n is a Fibonacci number (0, 1, 2, 3, 5,
// 8, 13, 21, 34, 55, 89, 144, 233), else FIZZBUZZ / FIZZ / BUZZ when 15 / 3 / 5 divide n, else
// nothing. Other packets push nothing. `counters` counts, per CPU, the actions returned (indexed
// by XDP action) and what was parsed (IPv4 / other). Every packet passes, except a frame whose
// EtherType says IPv4 but which is too short for an IPv4 header (or whose header length is below
// 20 bytes): the stack would discard it anyway, so it is dropped here.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

enum kind { KIND_FIZZ = 1, KIND_BUZZ = 2, KIND_FIZZBUZZ = 3, KIND_FIBONACCI = 4 };

struct message {
	__u32 saddr; /* network byte order, as in the header */
	__u32 kind;  /* enum kind */
};

/* Slots of `counters`: 0..4 are XDP actions (XDP_ABORTED .. XDP_REDIRECT). */
enum { SLOT_IPV4 = 5, SLOT_OTHER = 6, SLOT_COUNT = 7 };

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 1024);
	__type(value, struct message);
} messages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLOT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &slot);
	if (v)
		*v += 1; /* per-CPU: no other writer */
}

static __always_inline int is_fibonacci(__u32 n)
{
	__u32 a = 0, b = 1;
#pragma unroll
	for (int i = 0; i < 14; i++) {
		if (a == n)
			return 1;
		__u32 next = a + b;
		a = b;
		b = next;
	}
	return 0;
}

static __always_inline __u32 kind_of(__u32 n)
{
	if (is_fibonacci(n))
		return KIND_FIBONACCI;
	if (n % 15 == 0)
		return KIND_FIZZBUZZ;
	if (n % 3 == 0)
		return KIND_FIZZ;
	if (n % 5 == 0)
		return KIND_BUZZ;
	return 0;
}

static __always_inline int verdict(void *data, void *end)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) {
		bump(SLOT_OTHER);
		return XDP_PASS;
	}
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->ihl < 5)
		return XDP_DROP;
	struct message msg = { .saddr = ip->saddr, .kind = kind_of(bpf_ntohl(ip->saddr) & 0xff) };
	/* BPF_EXIST: a full queue drops its oldest message to make room for this one. */
	if (msg.kind != 0)
		bpf_map_push_elem(&messages, &msg, BPF_EXIST);
	/* Counted after the push, so a reader that sees the count also finds the message. */
	bump(SLOT_IPV4);
	return XDP_PASS;
}

SEC("xdp")
int xdp_fizzbuzz(struct xdp_md *ctx)
{
	int action = verdict((void *)(long)ctx->data, (void *)(long)ctx->data_end);
	bump(action);
	return action;
}

// SPDX-License-Identifier: MIT
// Loader coverage for calls: static and global (separately verified) subprograms linked into
// every caller, two programs sharing one section, callbacks passed by function pointer to
// bpf_loop and bpf_for_each_map_elem, and a tail call through a statically initialised prog
// array.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} values SEC(".maps");

static __attribute__((noinline)) int twice(int x)
{
	return x * 2;
}

__attribute__((noinline)) int add_global(int a, int b)
{
	return a + b + twice(1);
}

// twice(5) + add_global(3, 4) = 10 + 9.
SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	return twice(5) + add_global(3, 4);
}

// add_global(10, 20) = 32.
SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	return add_global(10, 20);
}

static int loop_cb(__u32 index, void *ctx)
{
	__u64 *sum = ctx;

	*sum += index;
	return 0;
}

// sum of 0..9 = 45.
SEC("socket")
int with_loop(struct __sk_buff *skb)
{
	__u64 sum = 0;

	bpf_loop(10, loop_cb, &sum, 0);
	return sum;
}

struct bpf_map;

static __u64 each_cb(struct bpf_map *map, __u32 *key, __u64 *val, __u64 *sum)
{
	*sum += *val + *key;
	return 0;
}

static __always_inline void put(__u32 k, __u64 v)
{
	bpf_map_update_elem(&values, &k, &v, BPF_ANY);
}

// Fills values[i] = i * 10 and sums value + key over the map: 0+10+20+30 + 0+1+2+3 = 66.
SEC("socket")
int with_for_each(struct __sk_buff *skb)
{
	__u64 sum = 0;

	put(0, 0);
	put(1, 10);
	put(2, 20);
	put(3, 30);
	bpf_for_each_map_elem(&values, each_cb, &sum, 0);
	return sum;
}

int tail_1(struct __sk_buff *skb);
int tail_2(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, 4);
	__array(values, int(struct __sk_buff *));
} progs SEC(".maps") = {
	.values = { [1] = (void *)&tail_1, [3] = (void *)&tail_2 },
};

// Tail calls slot skb->len % 4; falls through with 99 when the slot is empty.
SEC("socket")
int tail_main(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &progs, skb->len & 3);
	return 99;
}

SEC("socket/tail")
int tail_1(struct __sk_buff *skb)
{
	return twice(21);
}

SEC("socket/tail")
int tail_2(struct __sk_buff *skb)
{
	return add_global(1, 1);
}

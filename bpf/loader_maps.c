// SPDX-License-Identifier: MIT
// Loader coverage for map definitions: a legacy `maps` section and BTF `.maps` in one object
// (clang and the loader allow both), every BTF attribute (type, key/value types or sizes,
// max_entries, map_flags, numa_node, pinning, map_extra), a map-in-map with an inner
// definition and a statically initialised slot, a prog array with a static slot, and a map value
// holding a struct bpf_spin_lock. Every program runs under BPF_PROG_TEST_RUN.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

// libbpf 1.0 dropped struct bpf_map_def; the legacy layout is five u32s.
struct legacy_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct legacy_map_def legacy_hash SEC("maps") = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 16,
	.map_flags = BPF_F_NO_PREALLOC,
};

struct legacy_map_def legacy_array SEC("maps") = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = 4,
	.value_size = 4,
	.max_entries = 2,
};

struct pair {
	__u32 a;
	__u64 b;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct pair);
	__uint(max_entries, 8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} btf_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 4);
} sized_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} percpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u64);
	__type(value, __u32);
	__uint(max_entries, 32);
	__uint(map_flags, BPF_F_NUMA_NODE);
	__uint(numa_node, 0);
} numa_lru SEC(".maps");

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_key);
	__type(value, __u32);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, __u32);
	__uint(max_entries, 4);
} queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__type(value, __u64);
	__uint(max_entries, 4);
} stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, __u32);
	__uint(max_entries, 64);
	__uint(map_extra, 3);
} bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
} perf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_hash SEC(".maps");

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__type(key, __u32);
	__uint(max_entries, 3);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__type(key, __u32);
	__uint(max_entries, 2);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__type(key, __u32);
		__type(value, __u64);
		__uint(max_entries, 4);
	});
} outer_hash SEC(".maps");

struct locked {
	struct bpf_spin_lock lock;
	__u32 count;
	__u32 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct locked);
	__uint(max_entries, 1);
} lock_map SEC(".maps");

int tail_target(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(key_size, 4);
	__uint(max_entries, 2);
	__array(values, int(struct __sk_buff *));
} jump SEC(".maps") = {
	.values = { [1] = (void *)&tail_target },
};

// Writes through every data map and returns the sum of what it read back: 1 + 2 + 3 + 4 + 5.
SEC("socket")
int use_maps(struct __sk_buff *skb)
{
	__u32 k0 = 0, k1 = 1;
	__u64 v8 = 1, *p8;
	__u32 v4 = 2, *p4;
	struct pair pv = { .a = 3, .b = 30 }, *pp;
	__u64 ret = 0;

	bpf_map_update_elem(&legacy_hash, &k1, &v8, BPF_ANY);
	p8 = bpf_map_lookup_elem(&legacy_hash, &k1);
	if (p8)
		ret += *p8;
	bpf_map_update_elem(&legacy_array, &k1, &v4, BPF_ANY);
	p4 = bpf_map_lookup_elem(&legacy_array, &k1);
	if (p4)
		ret += *p4;
	bpf_map_update_elem(&btf_hash, &k0, &pv, BPF_ANY);
	pp = bpf_map_lookup_elem(&btf_hash, &k0);
	if (pp)
		ret += pp->a;
	v4 = 4;
	bpf_map_push_elem(&queue, &v4, 0);
	bpf_map_push_elem(&bloom, &v4, 0);
	v8 = 5;
	bpf_map_push_elem(&stack, &v8, 0);
	v4 = 0;
	if (bpf_map_pop_elem(&queue, &v4) == 0)
		ret += v4;
	if (bpf_map_peek_elem(&stack, &v8) == 0)
		ret += v8;
	v8 = ret;
	bpf_map_update_elem(&sized_array, &k1, &v8, BPF_ANY);
	return ret;
}

// Writes 77 into slot 0 of whichever inner map sits at outer[index]; returns 1 when found.
SEC("socket")
int use_outer(struct __sk_buff *skb)
{
	__u32 k = 2, zero = 0, v = 77;
	void *inner = bpf_map_lookup_elem(&outer, &k);

	if (!inner)
		return 0;
	bpf_map_update_elem(inner, &zero, &v, BPF_ANY);
	return 1;
}

// Increments the counter under the lock and records the packet length; returns the new count.
// Socket filters may not take spin locks; tc programs may.
SEC("tc")
int use_lock(struct __sk_buff *skb)
{
	__u32 zero = 0, n;
	struct locked *l = bpf_map_lookup_elem(&lock_map, &zero);

	if (!l)
		return 0;
	bpf_spin_lock(&l->lock);
	n = ++l->count;
	l->last = skb->len;
	bpf_spin_unlock(&l->lock);
	return n;
}

SEC("socket")
int use_jump(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jump, 1);
	return 1;
}

SEC("socket")
int tail_target(struct __sk_buff *skb)
{
	return 42;
}

// SPDX-License-Identifier: MIT
// Memory coverage for the disassembler: loads and stores of each size (register and immediate
// sources), atomic operations with and without fetch, 64-bit immediates, map references (BTF
// maps and global data), helper calls and legacy packet loads.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct pair {
	__u8 b;
	__u16 h;
	__u32 w;
	__u64 dw;
};

struct pair pairs[2];
__u64 atomics64[8];
__u32 atomics32[8];
volatile __u64 big = 0x1122334455667788ULL;
const volatile __u32 config = 3;

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

SEC("socket")
int loads_stores(struct __sk_buff *skb)
{
	volatile struct pair local = {};
	struct pair *p = &pairs[0];

	local.b = 1;
	local.h = 2;
	local.w = 3;
	local.dw = 0x1234;
	p->b = local.b + 1;
	p->h = local.h + 2;
	p->w = local.w + 3;
	p->dw = local.dw + big;
	pairs[1].b = 0x7f;
	pairs[1].h = 0x7fff;
	pairs[1].w = 0xffffffff;
	pairs[1].dw = 0x123456789abcdefULL;
	return p->b + p->h + config;
}

SEC("socket")
int atomics(void *ctx)
{
	__u64 v = atomics64[7];
	__u32 w = atomics32[7];

	__sync_fetch_and_add(&atomics64[0], v);
	__sync_fetch_and_add(&atomics32[0], w);
	atomics64[1] = __sync_fetch_and_add(&atomics64[2], 5);
	atomics32[1] = __sync_fetch_and_add(&atomics32[2], 5);
	__sync_fetch_and_or(&atomics64[3], v);
	__sync_fetch_and_and(&atomics64[4], v);
	__sync_fetch_and_xor(&atomics64[5], v);
	atomics64[6] = __sync_fetch_and_or(&atomics64[3], 2);
	atomics32[6] = __sync_fetch_and_and(&atomics32[3], 2);
	atomics64[6] += __sync_fetch_and_xor(&atomics64[5], 3);
	atomics64[6] += __sync_lock_test_and_set(&atomics64[4], v);
	atomics32[6] += __sync_lock_test_and_set(&atomics32[4], w);
	atomics64[6] += __sync_val_compare_and_swap(&atomics64[2], v, 9);
	atomics32[6] += __sync_val_compare_and_swap(&atomics32[2], w, 9);
	__sync_fetch_and_or(&atomics32[5], w);
	__sync_fetch_and_and(&atomics32[5], w);
	__sync_fetch_and_xor(&atomics32[5], w);
	return 0;
}

SEC("socket")
int helpers(void *ctx)
{
	__u32 key = 2;
	__u64 *value, now = bpf_ktime_get_ns();

	value = bpf_map_lookup_elem(&counters, &key);
	if (!value)
		return 0;
	*value += now;
	key = bpf_get_smp_processor_id() & 3;
	bpf_map_update_elem(&counters, &key, &now, BPF_ANY);
	return (int)bpf_get_prandom_u32();
}

SEC("socket")
int legacy_packet(struct __sk_buff *skb)
{
	__u64 proto = load_half(skb, 12);
	__u64 off = load_byte(skb, 14) & 0xf;

	return load_word(skb, off * 4 + 14) + proto;
}

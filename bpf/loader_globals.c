// SPDX-License-Identifier: MIT
// Loader coverage for global data: .rodata (const volatile, settable before load), a named
// .rodata.cfg section, .data, a named .data.counters section, .bss, structs and arrays, and the
// license and version sections.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";
__u32 VERSION SEC("version") = 0x060c00;

const volatile __u32 cfg_multiplier = 3;
const volatile __s64 cfg_offset = -10;
const volatile __u8 cfg_table[4] SEC(".rodata.cfg") = { 1, 2, 4, 8 };

__u64 data_base = 100;
__u32 counter SEC(".data.counters") = 7;

struct result {
	__u64 product;
	__s64 sum;
	__u32 runs;
	__u32 table_sum;
};

struct result result;
__u32 zeroed[2];

// result.product = len * cfg_multiplier; result.sum = data_base + cfg_offset; returns the product.
SEC("socket")
int compute(struct __sk_buff *skb)
{
	__u32 i, t = 0;

	result.product = (__u64)skb->len * cfg_multiplier;
	result.sum = data_base + cfg_offset;
	result.runs++;
	for (i = 0; i < 4; i++)
		t += cfg_table[i];
	result.table_sum = t;
	counter += 1;
	zeroed[1] = counter;
	return result.product;
}

// SPDX-License-Identifier: MIT
// Control-flow coverage for the disassembler: conditional jumps of every comparison in 64- and
// 32-bit form against registers and immediates, unconditional jumps, and bpf-to-bpf calls.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

volatile __u64 u64s[4];
volatile __s64 s64s[4];
volatile __u32 u32s[4];
volatile __s32 s32s[4];
volatile __u64 result;

static __attribute__((noinline)) __u64 weigh(__u64 x, __u64 y)
{
	if (x > y)
		return x - y;
	return y - x + 1;
}

static __attribute__((noinline)) int classify(__s64 v)
{
	if (v < -5)
		return -1;
	if (v > 1000)
		return 2;
	return v == 0 ? 0 : 1;
}

SEC("socket")
int jumps64(void *ctx)
{
	__u64 a = u64s[0], b = u64s[1];
	__s64 c = s64s[0], d = s64s[1];
	__u64 r = 0;

	if (a == b) r += 1;
	if (a != 7) r += 2;
	if (a > b) r += 3;
	if (a >= 100) r += 4;
	if (a < b) r += 5;
	if (a <= 3) r += 6;
	if (c > d) r += 7;
	if (c >= -2) r += 8;
	if (c < d) r += 9;
	if (c <= 40) r += 10;
	if (a & b) r += 11;
	if (a & 0x10) r += 12;
	if (b > 0xffff) r += 13;
	result = r;
	return 0;
}

SEC("socket")
int jumps32(void *ctx)
{
	__u32 a = u32s[0], b = u32s[1];
	__s32 c = s32s[0], d = s32s[1];
	__u32 r = 0;

	if (a == b) r += 1;
	if (a != 7) r += 2;
	if (a > b) r += 3;
	if (a >= 100) r += 4;
	if (a < b) r += 5;
	if (a <= 3) r += 6;
	if (c > d) r += 7;
	if (c >= -2) r += 8;
	if (c < d) r += 9;
	if (c <= 40) r += 10;
	if (a & b) r += 11;
	if (a & 0x10) r += 12;
	result = r;
	return 0;
}

SEC("socket")
int calls(void *ctx)
{
	__u64 total = 0;

	for (int i = 0; i < 4; i++)
		total += weigh(u64s[i], u64s[(i + 1) & 3]);
	total += classify(s64s[2]);
	result = total;
	return classify(s64s[3]) > 0;
}

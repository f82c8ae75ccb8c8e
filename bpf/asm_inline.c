// SPDX-License-Identifier: MIT
// Instruction forms clang does not choose on its own at -O2, written as inline assembly so the
// disassembler sees each of them: unconditional jumps, every comparison of both jump classes
// against registers and immediates, negation, explicit-endian conversions, legacy packet loads
// of each size and 64-bit immediates at the edges of their range.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

SEC("socket")
int jump_forms(void *ctx)
{
	asm volatile(
		"r1 = 1\n"
		"r2 = 2\n"
		"goto +0\n"
		"if r1 == r2 goto +1\n"
		"if r1 != r2 goto +1\n"
		"if r1 > r2 goto +1\n"
		"if r1 >= r2 goto +1\n"
		"if r1 < r2 goto +1\n"
		"if r1 <= r2 goto +1\n"
		"if r1 s> r2 goto +1\n"
		"if r1 s>= r2 goto +1\n"
		"if r1 s< r2 goto +1\n"
		"if r1 s<= r2 goto +1\n"
		"if r1 == -1 goto +1\n"
		"if r1 != 0 goto +1\n"
		"if r1 > 2147483647 goto +1\n"
		"if r1 >= -2147483648 goto +1\n"
		"if r1 < 1 goto +1\n"
		"if r1 <= 2 goto +1\n"
		"if r1 s> -3 goto +1\n"
		"if r1 s>= 4 goto +1\n"
		"if r1 s< -5 goto +1\n"
		"if r1 s<= 6 goto +1\n"
		"if w1 == w2 goto +1\n"
		"if w1 != w2 goto +1\n"
		"if w1 > w2 goto +1\n"
		"if w1 >= w2 goto +1\n"
		"if w1 < w2 goto +1\n"
		"if w1 <= w2 goto +1\n"
		"if w1 s> w2 goto +1\n"
		"if w1 s>= w2 goto +1\n"
		"if w1 s< w2 goto +1\n"
		"if w1 s<= w2 goto +1\n"
		"if w1 == -1 goto +1\n"
		"if w1 != 0 goto +1\n"
		"if w1 > 7 goto +1\n"
		"if w1 >= 8 goto +1\n"
		"if w1 < 9 goto +1\n"
		"if w1 <= 10 goto +1\n"
		"if w1 s> -11 goto +1\n"
		"if w1 s>= 12 goto +1\n"
		"if w1 s< -13 goto +1\n"
		"if w1 s<= 14 goto -2\n"
		"goto -3\n"
		::: "r1", "r2");
	return 0;
}

SEC("socket")
int alu_forms(void *ctx)
{
	asm volatile(
		"r1 = -r1\n"
		"w1 = -w1\n"
		"r1 = le16 r1\n"
		"r1 = le32 r1\n"
		"r1 = le64 r1\n"
		"r1 = be16 r1\n"
		"r1 = be32 r1\n"
		"r1 = be64 r1\n"
		"r1 = 0xfedcba9876543210 ll\n"
		"r1 = -1 ll\n"
		"r1 = 0x7fffffffffffffff ll\n"
		"r1 = 0x8000000000000000 ll\n"
		"r1 = 2147483647\n"
		"r1 = -2147483648\n"
		"w1 = -1\n"
		"r1 ^= -1\n"
		"r1 <<= 63\n"
		"w1 >>= 31\n"
		"w1 s>>= 3\n"
		"r1 s>>= r2\n"
		"r1 -= 3\n"
		"w1 -= 3\n"
		"r1 >>= 7\n"
		"r9 = r10\n"
		"r0 = r9\n"
		"call 0\n"
		"call 211\n"
		::: "r0", "r1", "r2", "r3", "r4", "r5", "r9");
	return 0;
}

SEC("socket")
int packet_forms(struct __sk_buff *skb)
{
	asm volatile(
		"r6 = r1\n"
		"r0 = *(u8 *)skb[0]\n"
		"r0 = *(u16 *)skb[12]\n"
		"r0 = *(u32 *)skb[-8]\n"
		"r7 = 14\n"
		"r0 = *(u8 *)skb[r7]\n"
		"r0 = *(u16 *)skb[r7]\n"
		"r0 = *(u32 *)skb[r7]\n"
		::: "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
	return 0;
}

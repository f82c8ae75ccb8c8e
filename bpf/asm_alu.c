// SPDX-License-Identifier: MIT
// ALU coverage for the disassembler: 64- and 32-bit arithmetic with register and immediate
// operands, shifts, negation, division and modulo, and byte swaps. `volatile` reads keep clang
// from folding the operands so each operation survives as its own instruction.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

volatile __u64 in64[4];
volatile __u32 in32[4];
volatile __u64 out64[16];
volatile __u32 out32[16];
volatile __s64 sin64[2];
volatile __s32 sin32[2];

SEC("socket")
int alu64(void *ctx)
{
	__u64 a = in64[0], b = in64[1];

	out64[0] = a + b;
	out64[1] = a - b;
	out64[2] = a * b;
	out64[3] = a / b;
	out64[4] = a % b;
	out64[5] = a | b;
	out64[6] = a & b;
	out64[7] = a ^ b;
	out64[8] = a << (b & 63);
	out64[9] = a >> (b & 63);
	out64[10] = sin64[0] >> (b & 63);
	out64[11] = -a;
	out64[12] = (a + 7) * 3 - 100;
	out64[13] = (a << 5) >> 3;
	out64[14] = (__u64)(sin64[1] >> 9) | 0xff00;
	out64[15] = a / 10 + b % 7;
	return 0;
}

SEC("socket")
int alu32(void *ctx)
{
	__u32 a = in32[0], b = in32[1];

	out32[0] = a + b;
	out32[1] = a - b;
	out32[2] = a * b;
	out32[3] = a / b;
	out32[4] = a % b;
	out32[5] = a | b;
	out32[6] = a & b;
	out32[7] = a ^ b;
	out32[8] = a << (b & 31);
	out32[9] = a >> (b & 31);
	out32[10] = (__u32)(sin32[0] >> (b & 31));
	out32[11] = -a;
	out32[12] = (a + 7) * 3 - 100;
	out32[13] = (a ^ 0x5a5a) & 0xfff0;
	out32[14] = (__u32)(sin32[1] >> 3);
	out32[15] = a / 10 + b % 7;
	return 0;
}

SEC("socket")
int byteswap(void *ctx)
{
	out64[0] = __builtin_bswap64(in64[0]);
	out32[0] = __builtin_bswap32(in32[0]);
	out32[1] = __builtin_bswap16((__u16)in32[1]);
	out32[2] = bpf_htonl(in32[2]);
	out32[3] = bpf_ntohs((__u16)in32[3]);
	out64[1] = bpf_cpu_to_be64(in64[1]);
	return 0;
}

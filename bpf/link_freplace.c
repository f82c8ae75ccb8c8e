// SPDX-License-Identifier: MIT
// Link tests, freplace: `freplace_target` (XDP) returns what its global function `answer` returns;
// `new_answer` is an extension program that replaces `answer` once attached.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

// Global (not static) and not inlined: only a global function of a program loaded with BTF can
// be replaced.
__attribute__((noinline)) int answer(struct xdp_md *ctx)
{
	return ctx->data_end == ctx->data ? 0 : 1; /* XDP_DROP for any packet */
}

SEC("xdp")
int freplace_target(struct xdp_md *ctx)
{
	return answer(ctx);
}

SEC("freplace/answer")
int new_answer(struct xdp_md *ctx)
{
	return 2; /* XDP_PASS */
}

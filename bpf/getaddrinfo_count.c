// SPDX-License-Identifier: MIT
// Companion of getaddrinfo.c for the uprobe link tests (test/integration/link-uprobe.test.ts):
// programs that count their runs in `counts`, indexed by the attach cookie, so one program
// attached several times tells the attachments apart.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SLOTS 16

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SLOTS);
} counts SEC(".maps");

static __always_inline int count_cookie(void *ctx)
{
	__u32 slot = bpf_get_attach_cookie(ctx) % SLOTS;
	__u64 *n = bpf_map_lookup_elem(&counts, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

SEC("uprobe")
int count_uprobe(void *ctx)
{
	return count_cookie(ctx);
}

SEC("uprobe.multi")
int count_uprobe_multi(void *ctx)
{
	return count_cookie(ctx);
}

// Not a uprobe program: attaching it must fail with a clear error.
SEC("socket")
int not_a_probe(struct __sk_buff *skb)
{
	return 0;
}

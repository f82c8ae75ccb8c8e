// SPDX-License-Identifier: MIT
// The CO-RE object of the `load` bench topic: the shape of bench_load.c (five programs, five
// BTF-defined maps) with CO-RE field reads of kernel types declared locally, so loading it parses
// the running kernel's BTF and relocates against it. bpf_get_current_task and
// bpf_probe_read_kernel are allowed in any program type for a CAP_PERFMON loader.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct mm_struct {
	unsigned long total_vm;
	unsigned long start_stack;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	unsigned int flags;
	struct task_struct *real_parent;
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct sk_buff {
	unsigned int len;
	__u32 mark;
} __attribute__((preserve_access_index));

#include "bench_load_maps.h"

static __always_inline struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

static __always_inline void add(void *map, __u32 key, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);
	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("socket")
int sock_pid(struct __sk_buff *skb)
{
	struct task_struct *t = current_task();
	__u32 key = BPF_CORE_READ(t, pid) & 1023;
	__u64 one = 1;
	if (bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST))
		add(&counts, key, 1);
	return 0;
}

SEC("xdp")
int xdp_parent(struct xdp_md *ctx)
{
	struct task_struct *t = current_task();
	add(&totals, 1, BPF_CORE_READ(t, real_parent, tgid));
	add(&scratch, 0, BPF_CORE_READ(t, flags));
	return XDP_PASS;
}

SEC("xdp")
int xdp_mm(struct xdp_md *ctx)
{
	struct task_struct *t = current_task();
	__u64 key = BPF_CORE_READ(t, tgid);
	__u32 val = 0;
	if (bpf_core_field_exists(t->mm))
		val = BPF_CORE_READ(t, mm, total_vm);
	bpf_map_update_elem(&recent, &key, &val, BPF_ANY);
	return XDP_PASS;
}

SEC("tc")
int tc_event(struct __sk_buff *skb)
{
	struct task_struct *t = current_task();
	__u64 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		*e = BPF_CORE_READ(t, mm, start_stack);
		bpf_ringbuf_submit(e, 0);
	}
	add(&totals, 3, 1);
	return 0;
}

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	struct task_struct *t = current_task();
	__u32 key = BPF_CORE_READ(t, real_parent, pid) & 1023;
	add(&counts, key, skb->len);
	add(&scratch, 1, bpf_core_field_size(t->flags));
	return 0;
}

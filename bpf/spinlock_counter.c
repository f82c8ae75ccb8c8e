// SPDX-License-Identifier: MIT
// The bpf_spin_lock example (examples/spinlock-counter.ts): every process fork increments
// `forks[0].cnt` under the value's spin lock, and user space reads the value with BPF_F_LOCK, so
// it never sees a half-written one. Spin locks are allowed in BTF-enabled tracing programs
// (tp_btf, fentry) but not in kprobe, classic tracepoint, raw_tp or perf_event programs: the
// verifier refuses `count_fork_tracepoint` with "tracing progs cannot use bpf_spin_lock yet".
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct counter {
	__u64 cnt;
	struct bpf_spin_lock lock;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counter);
} forks SEC(".maps");

static __always_inline void count(void)
{
	__u32 zero = 0;
	struct counter *c = bpf_map_lookup_elem(&forks, &zero);
	if (!c)
		return;
	bpf_spin_lock(&c->lock);
	c->cnt++;
	bpf_spin_unlock(&c->lock);
}

/* sched_process_fork(struct task_struct *parent, struct task_struct *child); the arguments are unused. */
SEC("tp_btf/sched_process_fork")
int count_fork(__u64 *ctx)
{
	count();
	return 0;
}

/* The same body as a classic tracepoint program, which the verifier refuses; "?" keeps
 * newCollection() from loading it (load it by name with loadAndAssign to see the refusal). */
SEC("?tracepoint/sched/sched_process_fork")
int count_fork_tracepoint(void *ctx)
{
	count();
	return 0;
}

// SPDX-License-Identifier: MIT
// examples/getaddrinfo.ts: libc's getaddrinfo(node, service, hints, res) traced by a uprobe on
// entry and a uretprobe on return, with one return program per channel so that the example
// attaches one channel at a time and can compare what each costs:
//   ret_perf_stack: bpf_perf_event_output of an event built on the BPF stack (168 bytes);
//   ret_perf_heap:  bpf_perf_event_output of an event built in a per-CPU array used as a heap,
//                   because at 1064 bytes it is larger than the 512-byte BPF stack;
//   ret_ringbuf:    the same 1064-byte event written in place with bpf_ringbuf_reserve/submit
//                   (Linux 5.8+): no heap and no copy;
//   ret_none:       the same bookkeeping without emitting anything, the baseline.
// Failed outputs (a full buffer) are counted per channel in `drops`.
#include "getaddrinfo.h"

char LICENSE[] SEC("license") = "GPL";

enum channel { CH_PERF_STACK, CH_PERF_HEAP, CH_RINGBUF, CH_COUNT };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct call);
	__uint(max_entries, 4096);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct event_large);
	__uint(max_entries, 1);
} heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, CH_COUNT);
} drops SEC(".maps");

SEC("uprobe")
int gai_entry(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call c = {
		.host = (__u64)PT_REGS_PARM1(ctx),
		.start_ns = bpf_ktime_get_ns(),
	};
	bpf_map_update_elem(&calls, &tid, &c, BPF_ANY);
	return 0;
}

static __always_inline void dropped(__u32 channel)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &channel);
	if (n)
		__sync_fetch_and_add(n, 1);
}

// The entry's record of this thread's call, removed from `calls`; copied out because the map
// slot is freed by the delete.
static __always_inline int take_call(struct call *out, __u64 pid_tgid)
{
	__u32 tid = (__u32)pid_tgid;
	struct call *c = bpf_map_lookup_elem(&calls, &tid);
	if (!c)
		return 0;
	*out = *c;
	bpf_map_delete_elem(&calls, &tid);
	return 1;
}

#define FILL(e, c, pid_tgid, ctx)                                                                  \
	do {                                                                                       \
		(e)->pid = (pid_tgid) >> 32;                                                       \
		(e)->tid = (__u32)(pid_tgid);                                                      \
		(e)->ret = (int)PT_REGS_RC(ctx);                                                   \
		(e)->latency_ns = bpf_ktime_get_ns() - (c).start_ns;                               \
		bpf_get_current_comm((e)->comm, sizeof((e)->comm));                                \
		long n = bpf_probe_read_user_str((e)->host, sizeof((e)->host), (const void *)(c).host); \
		(e)->host_len = n < 0 ? 0 : (__u32)n;                                              \
	} while (0)

SEC("uretprobe")
int gai_ret_perf_stack(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct call c;
	if (!take_call(&c, pid_tgid))
		return 0;
	struct event_small e = {};
	FILL(&e, c, pid_tgid, ctx);
	if (bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e)) < 0)
		dropped(CH_PERF_STACK);
	return 0;
}

SEC("uretprobe")
int gai_ret_perf_heap(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct call c;
	if (!take_call(&c, pid_tgid))
		return 0;
	__u32 zero = 0;
	struct event_large *e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		return 0;
	FILL(e, c, pid_tgid, ctx);
	if (bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, e, sizeof(*e)) < 0)
		dropped(CH_PERF_HEAP);
	return 0;
}

SEC("uretprobe")
int gai_ret_ringbuf(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct call c;
	if (!take_call(&c, pid_tgid))
		return 0;
	struct event_large *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (!e) {
		dropped(CH_RINGBUF);
		return 0;
	}
	FILL(e, c, pid_tgid, ctx);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("uretprobe")
int gai_ret_none(struct pt_regs *ctx)
{
	struct call c;
	take_call(&c, bpf_get_current_pid_tgid());
	return 0;
}

// SPDX-License-Identifier: MIT
// Traces libc's getaddrinfo(node, service, hints, res) with a uprobe on entry and a uretprobe on
// return, and reports each call three ways so the event readers can be tested against one real
// producer (test/integration/events-getaddrinfo.test.ts):
//   perf_small: bpf_perf_event_output of a struct built on the stack (168 bytes, under 512);
//   perf_large: bpf_perf_event_output of a struct built in a per-CPU array used as a heap
//               (1064 bytes, more than the 512-byte BPF stack could hold);
//   rb:         bpf_ringbuf_reserve / bpf_ringbuf_submit (296 bytes).
// Every event starts with the same header; only the size of the host buffer differs.
#include "getaddrinfo.h"

#define HOST_RINGBUF 256

char LICENSE[] SEC("license") = "GPL";

struct event_ringbuf {
	EVENT_HEADER
	char host[HOST_RINGBUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct call);
	__uint(max_entries, 1024);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_small SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_large SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct event_large);
	__uint(max_entries, 1);
} heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} rb SEC(".maps");

SEC("uprobe")
int getaddrinfo_entry(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call c = {
		.host = (__u64)PT_REGS_PARM1(ctx),
		.start_ns = bpf_ktime_get_ns(),
	};
	bpf_map_update_elem(&calls, &tid, &c, BPF_ANY);
	return 0;
}

// Fill the header shared by the three events; `e` points at any of them.
#define FILL_HEADER(e, c, pid_tgid, rc, now)                                                       \
	do {                                                                                       \
		(e)->pid = (pid_tgid) >> 32;                                                       \
		(e)->tid = (__u32)(pid_tgid);                                                      \
		(e)->ret = (rc);                                                                   \
		(e)->latency_ns = (now) - (c)->start_ns;                                           \
		bpf_get_current_comm((e)->comm, sizeof((e)->comm));                                \
	} while (0)

static __always_inline __u32 read_host(char *dst, __u32 size, __u64 src)
{
	long n = bpf_probe_read_user_str(dst, size, (const void *)src);
	return n < 0 ? 0 : (__u32)n;
}

SEC("uretprobe")
int getaddrinfo_return(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct call *c = bpf_map_lookup_elem(&calls, &tid);
	if (!c)
		return 0;
	__u64 now = bpf_ktime_get_ns();
	int rc = (int)PT_REGS_RC(ctx);

	// (a) perf buffer, event on the stack.
	struct event_small small = {};
	FILL_HEADER(&small, c, pid_tgid, rc, now);
	small.host_len = read_host(small.host, sizeof(small.host), c->host);
	bpf_perf_event_output(ctx, &perf_small, BPF_F_CURRENT_CPU, &small, sizeof(small));

	// (b) perf buffer, event in the per-CPU heap.
	__u32 zero = 0;
	struct event_large *large = bpf_map_lookup_elem(&heap, &zero);
	if (large) {
		FILL_HEADER(large, c, pid_tgid, rc, now);
		large->host_len = read_host(large->host, sizeof(large->host), c->host);
		bpf_perf_event_output(ctx, &perf_large, BPF_F_CURRENT_CPU, large, sizeof(*large));
	}

	// (c) ring buffer.
	struct event_ringbuf *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (e) {
		FILL_HEADER(e, c, pid_tgid, rc, now);
		e->host_len = read_host(e->host, sizeof(e->host), c->host);
		bpf_ringbuf_submit(e, 0);
	}

	bpf_map_delete_elem(&calls, &tid);
	return 0;
}

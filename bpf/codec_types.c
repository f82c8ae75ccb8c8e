// SPDX-License-Identifier: MIT
// Codec tests: a type of every BTF kind in map keys and values, events and global variables. The
// tp_btf program fills them from the current task when the test's process makes the trigger
// syscall (named in `cfg`), so each field has a value the test can predict.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

enum color { RED = 1, GREEN = 2, BLUE = 4 };
enum level { LOW = -1, MID = 0, HIGH = 1 };

typedef __u32 ipv4_t;

struct point {
	__s32 x;
	__s32 y;
};

// 16 bytes with 3 of implicit tail padding.
struct flow_key {
	ipv4_t saddr;
	ipv4_t daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
};

struct flow_stats {
	__u64 packets;
	__s64 delta;
	enum color color;
	enum level level;
	__s8 s8;
	__u8 u8;
	__s16 s16;
	__u16 u16;
	__s32 s32;
	unsigned int kind : 3;
	int offset : 5;
	unsigned long long big : 40;
	_Bool ok;
	char name[12];
	__u8 mac[6];
	__u32 ports[4];
	struct {
		__u16 lo;
		__u16 hi;
	} range;
	union {
		__u32 word;
		__u8 bytes[4];
	} u;
	union {
		__u64 as_u64;
		double as_double;
	};
	void *ptr;
	float f32;
	double f64;
	volatile __u32 cv;
	struct point pts[2];
};

// 64 bytes: what the program sends through the ring buffer and the perf event array.
struct event {
	__u32 pid;
	__u32 tgid;
	__u64 ts;
	char comm[16];
	__u64 syscall;
	enum color color;
	__u32 seq;
	struct task_struct *task;
	__u64 cookie;
};

struct config {
	__u32 target_tgid;
	__u32 trigger;
	enum color color;
	char tag[8];
};

struct counters {
	__u64 hits;
	__u32 last_pid;
	char last_comm[16];
};

struct locked {
	struct bpf_spin_lock lock;
	__u64 n;
};

const volatile struct config cfg = { .color = GREEN, .tag = "codec" };
// Bytes of the running kernel's task_struct, set by the test from kernel BTF.
const volatile __u32 task_size = 0;
struct counters totals;
// The last event sent, which also puts `struct event` into the object's BTF.
struct event last_event;
struct point origin = { .x = -3, .y = 7 };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct point);
} points SEC(".maps");

// No BTF: the test sizes the value to the kernel's task_struct and brings the codec.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, 4);
	__uint(value_size, 8);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct locked);
} locks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
} perf_events SEC(".maps");

SEC("tp_btf/sys_enter")
int codec_sys_enter(__u64 *ctx)
{
	__u64 id = ctx[1];
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	if (tgid != cfg.target_tgid || id != cfg.trigger)
		return 0;

	struct task_struct *task = bpf_get_current_task_btf();
	__u32 zero = 0;
	void *slot = bpf_map_lookup_elem(&tasks, &zero);
	if (slot && task_size > 0)
		bpf_probe_read_kernel(slot, task_size, task);

	__u64 seq = __sync_fetch_and_add(&totals.hits, 1) + 1;
	totals.last_pid = (__u32)pid_tgid;
	bpf_get_current_comm(totals.last_comm, sizeof(totals.last_comm));

	struct event ev;
	__builtin_memset(&ev, 0, sizeof(ev));
	ev.pid = (__u32)pid_tgid;
	ev.tgid = tgid;
	ev.ts = bpf_ktime_get_ns();
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	ev.syscall = id;
	ev.color = cfg.color;
	ev.seq = seq;
	ev.task = task;
	ev.cookie = 0xc0dec0dec0dec0deULL;
	last_event = ev;
	bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));

	struct flow_key key;
	__builtin_memset(&key, 0, sizeof(key));
	key.saddr = tgid;
	key.daddr = (__u32)pid_tgid;
	key.sport = 1;
	key.dport = 2;
	key.proto = 17;
	struct flow_stats v;
	__builtin_memset(&v, 0, sizeof(v));
	v.packets = seq;
	v.delta = -5;
	v.color = BLUE;
	v.level = LOW;
	v.s8 = -8;
	v.u8 = 200;
	v.s16 = -16;
	v.u16 = 60000;
	v.s32 = -32;
	v.kind = 5;
	v.offset = -9;
	v.big = 0xabcdef1234ULL;
	v.ok = 1;
	__builtin_memcpy(v.name, ev.comm, 11);
	v.mac[0] = 0xde;
	v.mac[5] = 0xad;
	v.ports[3] = 443;
	v.range.lo = 10;
	v.range.hi = 20;
	v.u.word = 0x01020304;
	v.as_double = 1.5;
	v.ptr = task;
	v.f32 = 0.25f;
	v.f64 = -2.5;
	v.cv = 7;
	v.pts[1].x = -1;
	v.pts[1].y = 2;
	bpf_map_update_elem(&flows, &key, &v, BPF_ANY);

	struct point *p = bpf_map_lookup_elem(&points, &zero);
	if (p) {
		p->x = bpf_get_smp_processor_id();
		p->y = -(int)seq;
	}
	return 0;
}

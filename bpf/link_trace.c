// SPDX-License-Identifier: MIT
// Link tests, tracing side: every program counts its hits in `counts` under {tag, tgid, id}, so a
// test finds the events of the child it spawned (its pid) and nothing else; `cookies[tag]` holds
// the last bpf_get_attach_cookie() of the *_cookie variants. System-wide hooks (raw_tp, tp_btf) only count processes
// named "perl", the trigger the tests spawn, to keep the map small.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct key {
	__u32 tag;
	__u32 tgid;
	__u64 id;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} cookies SEC(".maps");

enum {
	TAG_TRACEPOINT = 1,
	TAG_RAW_TP = 2,
	TAG_TP_BTF = 3,
	TAG_FENTRY = 4,
	TAG_FEXIT = 5,
	TAG_KPROBE = 6,
	TAG_KRETPROBE = 7,
	TAG_KPROBE_MULTI = 8,
	TAG_TRACEPOINT_B = 9,
};

static __always_inline void count(__u32 tag, __u64 id)
{
	struct key k = { .tag = tag, .tgid = bpf_get_current_pid_tgid() >> 32, .id = id };
	__u64 one = 1, *v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &k, &one, BPF_NOEXIST);
}

/* The *_cookie programs also record bpf_get_attach_cookie(), which kernels know per program
 * type from different versions (kprobe/tracepoint 5.15, fentry 6.0, kprobe.multi 5.18,
 * raw_tp/tp_btf 6.10); tests load them only where the helper exists. */
static __always_inline void count_cookie(__u32 tag, __u64 id, void *ctx)
{
	count(tag, id);
	__u64 cookie = bpf_get_attach_cookie(ctx);
	bpf_map_update_elem(&cookies, &tag, &cookie, BPF_ANY);
}

static __always_inline int is_perl(void)
{
	char comm[16];
	bpf_get_current_comm(comm, sizeof(comm));
	return comm[0] == 'p' && comm[1] == 'e' && comm[2] == 'r' && comm[3] == 'l' && comm[4] == 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int tp_getpgid(void *ctx)
{
	count(TAG_TRACEPOINT, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int tp_getpgid_cookie(void *ctx)
{
	count_cookie(TAG_TRACEPOINT, 0, ctx);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int tp_getpgid_b(void *ctx)
{
	count(TAG_TRACEPOINT_B, 0);
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	if (is_perl())
		count(TAG_RAW_TP, ctx->args[1]);
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_sys_enter_cookie(struct bpf_raw_tracepoint_args *ctx)
{
	if (is_perl())
		count_cookie(TAG_RAW_TP, ctx->args[1], ctx);
	return 0;
}

SEC("tp_btf/sys_enter")
int btf_sys_enter(__u64 *ctx)
{
	if (is_perl())
		count(TAG_TP_BTF, ctx[1]);
	return 0;
}

SEC("tp_btf/sys_enter")
int btf_sys_enter_cookie(__u64 *ctx)
{
	if (is_perl())
		count_cookie(TAG_TP_BTF, ctx[1], ctx);
	return 0;
}

SEC("fentry/__x64_sys_getpgid")
int fentry_getpgid(void *ctx)
{
	count(TAG_FENTRY, 0);
	return 0;
}

SEC("fentry/__x64_sys_getpgid")
int fentry_getpgid_cookie(void *ctx)
{
	count_cookie(TAG_FENTRY, 0, ctx);
	return 0;
}

SEC("fexit/__x64_sys_getpgid")
int fexit_getpgid(void *ctx)
{
	count(TAG_FEXIT, 0);
	return 0;
}

SEC("kprobe/sys_getpgid")
int kprobe_getpgid(void *ctx)
{
	count(TAG_KPROBE, 0);
	return 0;
}

SEC("kprobe/sys_getpgid")
int kprobe_getpgid_cookie(void *ctx)
{
	count_cookie(TAG_KPROBE, 0, ctx);
	return 0;
}

SEC("kretprobe/sys_getpgid")
int kretprobe_getpgid(void *ctx)
{
	count(TAG_KRETPROBE, 0);
	return 0;
}

SEC("kprobe.multi/__*_sys_getpgid")
int kprobe_multi_getpgid(void *ctx)
{
	count(TAG_KPROBE_MULTI, 0);
	return 0;
}

SEC("kprobe.multi/__*_sys_getpgid")
int kprobe_multi_cookie(void *ctx)
{
	count_cookie(TAG_KPROBE_MULTI, 0, ctx);
	return 0;
}

// SPDX-License-Identifier: MIT
// Loader coverage for what a spec takes from BTF by id: the key and value types of BTF-defined
// maps, decl tags on map definitions (btf_decl_tag, clang 14+), and CO-RE relocation records
// (local type id, access string, kind) of reads of a locally declared kernel struct. The unit
// test asserts the exact ids `bpftool btf dump file bpf/loader_btf.o` shows.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
	__uint(max_entries, 128);
} flows SEC(".maps") __attribute__((btf_decl_tag("owner:net"), btf_decl_tag("export")));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} untagged SEC(".maps");

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

SEC("socket")
int count_flow(struct __sk_buff *skb)
{
	struct flow_key key = { .saddr = skb->protocol, .daddr = skb->ifindex };
	struct flow_stats *s = bpf_map_lookup_elem(&flows, &key);
	if (s) {
		__sync_fetch_and_add(&s->packets, 1);
		__sync_fetch_and_add(&s->bytes, skb->len);
	}
	return 0;
}

SEC("socket")
int parent_tgid(struct __sk_buff *skb)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 k = 0;
	__u64 v = BPF_CORE_READ(t, real_parent, tgid);
	if (bpf_core_field_exists(t->pid))
		v += BPF_CORE_READ(t, pid);
	bpf_map_update_elem(&untagged, &k, &v, BPF_ANY);
	return 0;
}

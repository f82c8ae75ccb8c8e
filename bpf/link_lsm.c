// SPDX-License-Identifier: MIT
// Link tests, LSM and fmod_ret: both refuse BPF_MAP_CREATE of an array with exactly
// DENIED_ENTRIES entries (and nothing else), the LSM program through the bpf LSM's `bpf` hook with
// EPERM, the fmod_ret program by returning ENOMSG from security_bpf() in place of its body.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define DENIED_ENTRIES 7331
#define EPERM 1
#define ENOMSG 42

static __always_inline int denied(int cmd, union bpf_attr *attr)
{
	return cmd == BPF_MAP_CREATE && attr->map_type == BPF_MAP_TYPE_ARRAY && attr->max_entries == DENIED_ENTRIES;
}

// Only the first two arguments are read: later kernels added a fourth (`bool kernel`), which
// moves the slot of the previous return value.
SEC("lsm/bpf")
int lsm_deny_map(unsigned long long *ctx)
{
	return denied((int)ctx[0], (union bpf_attr *)ctx[1]) ? -EPERM : 0;
}

SEC("fmod_ret/security_bpf")
int fmod_deny_map(unsigned long long *ctx)
{
	return denied((int)ctx[0], (union bpf_attr *)ctx[1]) ? -ENOMSG : 0;
}

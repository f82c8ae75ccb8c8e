// SPDX-License-Identifier: MIT
// CO-RE coverage: every relocation kind against kernel types declared locally as subsets with
// preserve_access_index (no vmlinux.h), so the relocations only resolve against the running
// kernel's BTF. Field offset, size, existence and signedness; bitfield byte offset, size and
// shifts; type existence, size and ids; enum value existence and value; a flavoured
// struct (task_struct___old); loads whose size changes (unsigned long -> unsigned int) or must
// be poisoned (signed long -> int); and relocations that cannot resolve, guarded so that their
// poisoned instructions are dead code.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct list_head {
	struct list_head *next, *prev;
} __attribute__((preserve_access_index));

// The kernel's has these members at other offsets; `flags` is an unsigned int and `prio` an
// int there, and `no_such_field` does not exist.
struct task_struct {
	unsigned long flags;
	long prio;
	int pid;
	int tgid;
	char comm[16];
	unsigned int sched_reset_on_fork : 1;
	unsigned int sched_migrated : 1;
	int no_such_field;
} __attribute__((preserve_access_index));

// Before Linux 5.14 the task state was `long state`; now it is `unsigned int __state`.
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

struct task_struct___new {
	unsigned int __state;
} __attribute__((preserve_access_index));

struct no_such_type {
	int x;
} __attribute__((preserve_access_index));

// Kernel values: PIDTYPE_PID 0, TGID 1, PGID 2, SID 3, MAX 4. PIDTYPE_NO_SUCH does not exist.
enum pid_type {
	PIDTYPE_MAX = 10,
	PIDTYPE_SID = 11,
	PIDTYPE_NO_SUCH = 12,
};

#define N_RESULTS 24
__u64 results[N_RESULTS];

SEC("socket")
int core_values(void *ctx)
{
	struct task_struct *t = 0;

	results[0] = bpf_core_field_offset(struct task_struct, pid);
	results[1] = bpf_core_field_size(struct task_struct, comm);
	results[2] = bpf_core_field_exists(struct task_struct, pid);
	results[3] = bpf_core_field_exists(struct task_struct, no_such_field);
	results[4] = __builtin_preserve_field_info(t->pid, BPF_FIELD_SIGNED);
	results[5] = __builtin_preserve_field_info(t->flags, BPF_FIELD_SIGNED);
	results[6] = __builtin_preserve_field_info(t->sched_migrated, BPF_FIELD_LSHIFT_U64);
	results[7] = __builtin_preserve_field_info(t->sched_migrated, BPF_FIELD_RSHIFT_U64);
	results[8] = __builtin_preserve_field_info(t->sched_migrated, BPF_FIELD_BYTE_OFFSET);
	results[9] = __builtin_preserve_field_info(t->sched_migrated, BPF_FIELD_BYTE_SIZE);
	results[10] = bpf_core_type_exists(struct task_struct);
	results[11] = bpf_core_type_size(struct task_struct);
	results[12] = bpf_core_type_id_kernel(struct task_struct);
	results[13] = bpf_core_type_exists(struct no_such_type);
	// bpf_core_type_matches needs clang 15; btf/relocs in the peer test data covers it.
	results[14] = bpf_core_type_exists(struct list_head);
	results[15] = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_SID);
	results[16] = bpf_core_enum_value(enum pid_type, PIDTYPE_SID);
	results[17] = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_NO_SUCH);
	if (bpf_core_enum_value_exists(enum pid_type, PIDTYPE_NO_SUCH))
		results[18] = bpf_core_enum_value(enum pid_type, PIDTYPE_NO_SUCH);
	results[19] = bpf_core_field_exists(struct task_struct___old, state);
	results[20] = bpf_core_field_exists(struct task_struct___new, __state);
	results[21] = bpf_core_field_offset(struct task_struct___new, __state);
	results[22] = bpf_core_type_id_local(struct task_struct);
	results[23] = bpf_core_type_size(struct task_struct___old);
	return 0;
}

__u64 reads[6];

// Direct loads through a BTF pointer (tracing programs, Linux 5.5).
SEC("tp_btf/sched_switch")
int core_loads(__u64 *ctx)
{
	struct task_struct *next = (void *)ctx[2];

	reads[0] = next->pid;
	reads[1] = next->flags;
	reads[2] = BPF_CORE_READ_BITFIELD(next, sched_migrated);
	if (bpf_core_field_size(next->prio) == sizeof(long))
		reads[3] = next->prio;
	if (bpf_core_field_exists(next->no_such_field))
		reads[4] = next->no_such_field;
	if (bpf_core_field_exists(((struct task_struct___old *)next)->state))
		reads[5] = ((struct task_struct___old *)next)->state;
	else
		reads[5] = ((struct task_struct___new *)next)->__state;
	return 0;
}

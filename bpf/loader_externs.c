// SPDX-License-Identifier: MIT
// Loader coverage for externs: .kconfig (LINUX_KERNEL_VERSION, bool / tristate / int / string
// CONFIG_*, a weak missing one), an untyped .ksyms address, and kfunc calls
// (bpf_task_from_pid / bpf_task_acquire / bpf_task_release).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;
extern int CONFIG_HZ __kconfig;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig;
extern int CONFIG_NO_SUCH_OPTION __kconfig __weak;

extern const void bpf_init __ksym;

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

__u64 kversion;
__u64 bpf_syscall;
__u64 bpf_jit;
__u64 hz;
__u64 missing;
char hostname[16];
__u64 addr_init;

SEC("socket")
int read_kconfig(struct __sk_buff *skb)
{
	int i;

	kversion = LINUX_KERNEL_VERSION;
	bpf_syscall = CONFIG_BPF_SYSCALL;
	bpf_jit = CONFIG_BPF_JIT;
	hz = CONFIG_HZ;
	missing = CONFIG_NO_SUCH_OPTION;
	for (i = 0; i < 16; i++)
		hostname[i] = CONFIG_DEFAULT_HOSTNAME[i];
	return 0;
}

SEC("socket")
int read_ksyms(struct __sk_buff *skb)
{
	addr_init = (__u64)&bpf_init;
	return 0;
}

const volatile int target_pid = 1;

// Returns the pid of task target_pid, found and released through kfuncs, or -1.
SEC("syscall")
int task_kfunc(void *ctx)
{
	struct task_struct *t = bpf_task_from_pid(target_pid);
	int pid;

	if (!t)
		return -1;
	pid = t->pid;
	bpf_task_release(t);
	return pid;
}

__u32 acquired;

SEC("tp_btf/sched_switch")
int BPF_PROG(switch_kfunc, _Bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t = bpf_task_acquire(next);

	if (!t)
		return 0;
	acquired++;
	bpf_task_release(t);
	return 0;
}

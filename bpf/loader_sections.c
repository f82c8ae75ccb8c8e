// SPDX-License-Identifier: MIT
// Loader coverage for section names: each program returns its own number so a test run shows
// which one ran. Several programs share `socket`; `?xdp/optional` is not autoloaded; fentry,
// fexit, kprobe and uprobe sections are parsed (this kernel refuses or lacks some of them).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("socket") int sock_a(void *ctx) { return 1; }
SEC("socket") int sock_b(void *ctx) { return 2; }
SEC("socket") int sock_c(void *ctx) { return 3; }
SEC("xdp") int xdp_prog(void *ctx) { return 4; }
SEC("?xdp/optional") int xdp_optional(void *ctx) { return 5; }
SEC("xdp.frags") int xdp_frags(void *ctx) { return 6; }
SEC("tc") int tc_prog(void *ctx) { return 7; }
SEC("tc/ingress") int tc_ingress(void *ctx) { return 8; }
SEC("classifier") int classifier_prog(void *ctx) { return 9; }
SEC("cgroup_skb/ingress") int cgroup_ingress(void *ctx) { return 1; }
SEC("cgroup_skb/egress") int cgroup_egress(void *ctx) { return 0; }
SEC("raw_tp/sys_enter") int raw_tp_prog(void *ctx) { return 11; }
SEC("raw_tracepoint/sched_switch") int raw_tracepoint_prog(void *ctx) { return 12; }
SEC("tracepoint/syscalls/sys_enter_getpid") int tracepoint_prog(void *ctx) { return 13; }
SEC("tp/sched/sched_switch") int tp_prog(void *ctx) { return 14; }
SEC("tp_btf/sched_switch") int tp_btf_prog(void *ctx) { return 0; }
SEC("kprobe/do_sys_openat2") int kprobe_prog(void *ctx) { return 16; }
SEC("kretprobe/do_sys_openat2") int kretprobe_prog(void *ctx) { return 17; }
SEC("uprobe//bin/sh:main") int uprobe_prog(void *ctx) { return 18; }
SEC("fentry/bpf_fentry_test1") int fentry_prog(void *ctx) { return 0; }
SEC("fexit/bpf_fentry_test1") int fexit_prog(void *ctx) { return 0; }
SEC("sk_lookup") int sk_lookup_prog(void *ctx) { return 1; }
SEC("syscall") int syscall_prog(void *ctx) { return 21; }
SEC("flow_dissector") int flow_dissector_prog(void *ctx) { return 1; }
SEC("cgroup/sock_create") int cgroup_sock(void *ctx) { return 1; }
SEC("sk_msg") int sk_msg_prog(void *ctx) { return 1; }
SEC("perf_event") int perf_event_prog(void *ctx) { return 0; }

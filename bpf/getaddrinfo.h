// SPDX-License-Identifier: MIT
// What bpf/getaddrinfo.c and bpf/getaddrinfo_channels.c share: the events they emit and what the
// entry probe keeps by thread until getaddrinfo returns.
#ifndef GETADDRINFO_H
#define GETADDRINFO_H

#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

// The objects are built for the machine running `make` (pt_regs differ per architecture).
#if !defined(__TARGET_ARCH_x86) && !defined(__TARGET_ARCH_arm64)
#define __TARGET_ARCH_x86
#endif
#include <bpf/bpf_tracing.h>

#define COMM_LEN 16
#define HOST_SMALL 128
#define HOST_LARGE 1024

// Every event: a 40-byte header, then the host name (NUL-terminated, host_len bytes with the NUL).
#define EVENT_HEADER                                                                               \
	__u32 pid;                                                                                 \
	__u32 tid;                                                                                 \
	__s32 ret;                                                                                 \
	__u32 host_len;                                                                            \
	__u64 latency_ns;                                                                          \
	char comm[COMM_LEN];

struct event_small {
	EVENT_HEADER
	char host[HOST_SMALL];
};

struct event_large {
	EVENT_HEADER
	char host[HOST_LARGE];
};

// What the entry probe saw, by thread.
struct call {
	__u64 host;
	__u64 start_ns;
};

#endif

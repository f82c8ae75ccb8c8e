/*
 * Shared by the C sides of the `ringbuf` and `perf` topics of `npm run bench`: loading the producer
 * object (bpf/bench_ringbuf.o or bpf/bench_perf.o) through libbpf, running its `produce` program
 * with BPF_PROG_TEST_RUN (1024 64-byte records per run), reading its counters of records written
 * and lost, and a CPU-time clock.
 */
#ifndef BENCH_EVENTS_H
#define BENCH_EVENTS_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdint.h>

#include "common.h"

/* Records `produce` writes per run (RECORDS_PER_RUN in bpf/bench_ringbuf.c, bpf/bench_perf.c). */
#define RECORDS_PER_RUN 1024
#define RECORD_SIZE 64

struct producer {
	struct bpf_object *obj;
	int prog_fd;
	int events_fd;
	int stats_fd;
};

static inline double cpu_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Open `path`, set the events map's max_entries when `ring_bytes` > 0, load. */
static inline struct producer producer_open(const char *path, long ring_bytes)
{
	struct producer p;
	p.obj = bpf_object__open_file(path, NULL);
	long err = libbpf_get_error(p.obj);
	if (err)
		die("bpf_object__open_file(%s): %s", path, strerror((int)-err));
	struct bpf_map *events = bpf_object__find_map_by_name(p.obj, "events");
	struct bpf_map *stats = bpf_object__find_map_by_name(p.obj, "stats");
	struct bpf_program *prog = bpf_object__find_program_by_name(p.obj, "produce");
	if (!events || !stats || !prog)
		die("%s: expected maps events, stats and program produce", path);
	if (ring_bytes > 0 && bpf_map__set_max_entries(events, (uint32_t)ring_bytes))
		die("%s: setting events max_entries to %ld failed", path, ring_bytes);
	err = bpf_object__load(p.obj);
	if (err)
		die("bpf_object__load(%s): %s", path, strerror((int)-err));
	p.prog_fd = bpf_program__fd(prog);
	p.events_fd = bpf_map__fd(events);
	p.stats_fd = bpf_map__fd(stats);
	return p;
}

/* Run `produce` `runs` times (one BPF_PROG_TEST_RUN with repeat = runs). */
static inline void producer_run(struct producer *p, long runs)
{
	static char packet[64];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet, .data_size_in = sizeof(packet), .repeat = (int)runs);
	if (bpf_prog_test_run_opts(p->prog_fd, &opts))
		die("BPF_PROG_TEST_RUN: %s", strerror(errno));
}

/* Counter `key` of the stats map: 0 records written, 1 records that did not fit. */
static inline uint64_t producer_stat(struct producer *p, uint32_t key)
{
	uint64_t v;
	if (bpf_map_lookup_elem(p->stats_fd, &key, &v))
		die("reading stats[%u]: %s", key, strerror(errno));
	return v;
}

#endif

/*
 * The C side of the map figures of `npm run bench`: per-op lookup and update on a pre-filled hash
 * and array map (u32 key, u64 value, keys 0..N-1 in order, several passes) and a batch lookup over
 * the whole map, each measured twice: through raw syscall(__NR_bpf) with one attribute built
 * beforehand ("c-raw", the figure our ratios are against) and through libbpf ("libbpf").
 * Raw and libbpf passes alternate, each going first every other time, so drift hits both alike.
 *
 * Usage: maps [--entries N] [--passes P] [--batch-passes B] [--chunk C]
 * The maps are made and filled once; each line read from stdin names one figure to run (see
 * run_repetitions in common.h), so bench/run.ts can interleave it with our side.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

/* The attribute size libbpf passes for element and batch commands (offsetofend of the member). */
#define ELEM_ATTR_SIZE (offsetof(union bpf_attr, flags) + sizeof(((union bpf_attr *)0)->flags))
#define BATCH_ATTR_SIZE (offsetof(union bpf_attr, batch) + sizeof(((union bpf_attr *)0)->batch))

static long entries, passes, batch_passes, chunk;

static inline long sys_bpf(int cmd, union bpf_attr *attr, size_t size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static int create(enum bpf_map_type type, const char *name)
{
	int fd = bpf_map_create(type, name, sizeof(uint32_t), sizeof(uint64_t), (uint32_t)entries, NULL);
	if (fd < 0)
		die("bpf_map_create(%s, %ld entries): %s", name, entries, strerror(-fd));
	return fd;
}

/* Keys 0..N-1 with values equal to the key, written with batch updates `chunk` at a time. */
static void fill(int fd, const char *what)
{
	uint32_t *keys = calloc((size_t)chunk, sizeof(*keys));
	uint64_t *values = calloc((size_t)chunk, sizeof(*values));
	if (!keys || !values)
		die("%s: out of memory for %ld-entry buffers", what, chunk);
	for (long start = 0; start < entries; start += chunk) {
		uint32_t n = (uint32_t)(entries - start < chunk ? entries - start : chunk);
		for (uint32_t i = 0; i < n; i++) {
			keys[i] = (uint32_t)start + i;
			values[i] = (uint64_t)start + i;
		}
		int err = bpf_map_update_batch(fd, keys, values, &n, NULL);
		if (err)
			die("%s: fill at key %ld: %s", what, start, strerror(-err));
	}
	free(keys);
	free(values);
}

/* One pass of raw lookups (update when `cmd` is BPF_MAP_UPDATE_ELEM) over keys 0..N-1; ns taken. */
static double raw_pass(int fd, int cmd, const char *what)
{
	uint32_t key;
	uint64_t value = 0;
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = (uint64_t)(uintptr_t)&key;
	attr.value = (uint64_t)(uintptr_t)&value;
	attr.flags = BPF_ANY;
	double t0 = now_ns();
	for (key = 0; key < (uint32_t)entries; key++) {
		if (cmd == BPF_MAP_UPDATE_ELEM)
			value = key;
		if (sys_bpf(cmd, &attr, ELEM_ATTR_SIZE) < 0)
			die("%s: raw bpf(%d) at key %u: %s", what, cmd, key, strerror(errno));
	}
	double t = now_ns() - t0;
	if (cmd == BPF_MAP_LOOKUP_ELEM && value != (uint64_t)entries - 1)
		die("%s: last lookup read %llu, expected %ld", what, (unsigned long long)value, entries - 1);
	return t;
}

/* The same pass through libbpf's bpf_map_lookup_elem / bpf_map_update_elem. */
static double libbpf_pass(int fd, int cmd, const char *what)
{
	uint64_t value = 0;
	double t0 = now_ns();
	for (uint32_t key = 0; key < (uint32_t)entries; key++) {
		int err;
		if (cmd == BPF_MAP_UPDATE_ELEM) {
			value = key;
			err = bpf_map_update_elem(fd, &key, &value, BPF_ANY);
		} else {
			err = bpf_map_lookup_elem(fd, &key, &value);
		}
		if (err)
			die("%s: libbpf op %d at key %u: %s", what, cmd, key, strerror(-err));
	}
	double t = now_ns() - t0;
	if (cmd == BPF_MAP_LOOKUP_ELEM && value != (uint64_t)entries - 1)
		die("%s: last lookup read %llu, expected %ld", what, (unsigned long long)value, entries - 1);
	return t;
}

static void per_op(int fd, const char *kind, int cmd, const char *op)
{
	char name[64], what[96];
	snprintf(name, sizeof(name), "map.%s.%s", kind, op);
	snprintf(what, sizeof(what), "%s (fd %d)", name, fd);
	static unsigned flip;
	double raw = 0, lib = 0;
	for (long p = 0; p < passes; p++) {
		if (flip++ & 1) {
			lib += libbpf_pass(fd, cmd, what);
			raw += raw_pass(fd, cmd, what);
		} else {
			raw += raw_pass(fd, cmd, what);
			lib += libbpf_pass(fd, cmd, what);
		}
	}
	double ops = (double)entries * (double)passes;
	emit(name, "c-raw", raw / ops, "ns/op");
	emit(name, "libbpf", lib / ops, "ns/op");
}

/* One raw walk of BPF_MAP_LOOKUP_BATCH over the whole map; ns taken. */
static double raw_batch_walk(int fd, uint32_t *keys, uint64_t *values, const char *what)
{
	uint64_t token = 0;
	long total = 0;
	union bpf_attr attr;
	double t0 = now_ns();
	for (int first = 1;; first = 0) {
		memset(&attr, 0, BATCH_ATTR_SIZE);
		attr.batch.in_batch = first ? 0 : (uint64_t)(uintptr_t)&token;
		attr.batch.out_batch = (uint64_t)(uintptr_t)&token;
		attr.batch.keys = (uint64_t)(uintptr_t)keys;
		attr.batch.values = (uint64_t)(uintptr_t)values;
		attr.batch.count = (uint32_t)chunk;
		attr.batch.map_fd = fd;
		long r = sys_bpf(BPF_MAP_LOOKUP_BATCH, &attr, BATCH_ATTR_SIZE);
		total += attr.batch.count;
		if (r < 0) {
			if (errno == ENOENT)
				break;
			die("%s: raw BPF_MAP_LOOKUP_BATCH: %s", what, strerror(errno));
		}
	}
	double t = now_ns() - t0;
	if (total != entries)
		die("%s: raw batch walk returned %ld entries, expected %ld", what, total, entries);
	return t;
}

/* The same walk through libbpf's bpf_map_lookup_batch. */
static double libbpf_batch_walk(int fd, uint32_t *keys, uint64_t *values, const char *what)
{
	uint64_t token = 0;
	long total = 0;
	double t0 = now_ns();
	for (int first = 1;; first = 0) {
		uint32_t count = (uint32_t)chunk;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys, values, &count, NULL);
		total += count;
		if (err) {
			if (err == -ENOENT)
				break;
			die("%s: bpf_map_lookup_batch: %s", what, strerror(-err));
		}
	}
	double t = now_ns() - t0;
	if (total != entries)
		die("%s: libbpf batch walk returned %ld entries, expected %ld", what, total, entries);
	return t;
}

static void batch(int fd, const char *kind)
{
	char name[64], what[96];
	snprintf(name, sizeof(name), "map.%s.batch_lookup", kind);
	snprintf(what, sizeof(what), "%s (fd %d)", name, fd);
	uint32_t *keys = calloc((size_t)chunk, sizeof(*keys));
	uint64_t *values = calloc((size_t)chunk, sizeof(*values));
	if (!keys || !values)
		die("%s: out of memory for %ld-entry buffers", what, chunk);
	static unsigned flip;
	double raw = 0, lib = 0;
	for (long p = 0; p < batch_passes; p++) {
		if (flip++ & 1) {
			lib += libbpf_batch_walk(fd, keys, values, what);
			raw += raw_batch_walk(fd, keys, values, what);
		} else {
			raw += raw_batch_walk(fd, keys, values, what);
			lib += libbpf_batch_walk(fd, keys, values, what);
		}
	}
	double n = (double)entries * (double)batch_passes;
	emit(name, "c-raw", n / raw * 1e9, "entries/s");
	emit(name, "libbpf", n / lib * 1e9, "entries/s");
	free(keys);
	free(values);
}

struct map {
	int fd;
	const char *kind;
};

static struct map setup(enum bpf_map_type type, const char *kind)
{
	struct map m = { create(type, kind), kind };
	fill(m.fd, kind);
	raw_pass(m.fd, BPF_MAP_LOOKUP_ELEM, kind); /* warm-up, untimed */
	return m;
}

static struct map maps[2];

/* Run one figure, "map.<kind>.<op>", both variants. */
static void one_figure(const char *figure)
{
	for (int i = 0; i < 2; i++) {
		const struct map *m = &maps[i];
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "map.%s.", m->kind);
		if (strncmp(figure, prefix, strlen(prefix)) != 0)
			continue;
		const char *op = figure + strlen(prefix);
		if (strcmp(op, "lookup") == 0)
			per_op(m->fd, m->kind, BPF_MAP_LOOKUP_ELEM, "lookup");
		else if (strcmp(op, "update") == 0)
			per_op(m->fd, m->kind, BPF_MAP_UPDATE_ELEM, "update");
		else if (strcmp(op, "batch_lookup") == 0)
			batch(m->fd, m->kind);
		else
			break;
		return;
	}
	die("unknown figure '%s'", figure);
}

int main(int argc, char **argv)
{
	entries = arg_long(argc, argv, "--entries", 1L << 20);
	passes = arg_long(argc, argv, "--passes", 1);
	batch_passes = arg_long(argc, argv, "--batch-passes", 1);
	chunk = arg_long(argc, argv, "--chunk", 65536);
	if (entries > UINT32_MAX)
		die("--entries: at most %u", UINT32_MAX);
	maps[0] = setup(BPF_MAP_TYPE_HASH, "hash");
	maps[1] = setup(BPF_MAP_TYPE_ARRAY, "array");
	run_repetitions(one_figure);
	close(maps[0].fd);
	close(maps[1].fd);
	return 0;
}

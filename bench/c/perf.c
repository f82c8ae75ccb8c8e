/*
 * The C side of the perf event array figures of `npm run bench`, in samples/s consumed through
 * libbpf's perf_buffer__consume from a BPF_MAP_TYPE_PERF_EVENT_ARRAY (one ring of `--ring-bytes`
 * per possible CPU, made by perf_buffer__new) that bpf/bench_perf.o fills with 64-byte samples
 * (bpf_perf_event_output with BPF_F_CURRENT_CPU, BPF_PROG_TEST_RUN, 1024 samples per run).
 *
 * - "perf.burst": fill with `--records` samples (untimed), then time draining them all.
 *   "perf.burst_view" is the same measurement (libbpf has one way to consume; our side differs).
 *   "perf.burst_cpu" is "perf.burst" in CPU time (user + system) of the process.
 * - "perf.live": produce `--live-records` samples `--chunk` at a time in this thread, draining after
 *   each chunk; samples delivered per second of the whole loop (producing included).
 *
 * Every figure checks that the samples consumed are exactly those the program wrote and that none
 * were lost (each CPU's ring is sized to hold a whole burst).
 *
 * Usage: perf [--records N] [--live-records N] [--chunk N] [--ring-bytes N] [--obj FILE]
 */
#include <unistd.h>

#include "events.h"

/* Sum of the `seq` fields (0..1023) of one run's records. */
#define SEQ_SUM_PER_RUN ((uint64_t)RECORDS_PER_RUN * (RECORDS_PER_RUN - 1) / 2)

static long records, live_records, chunk;
static struct producer prod;
static struct perf_buffer *pb;
static uint64_t seen, lost_seen, checksum;

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	(void)ctx;
	(void)cpu;
	/* The kernel pads raw samples to 8 bytes with their u32 size: 64 bytes arrive as 68. */
	if (size < RECORD_SIZE || size > RECORD_SIZE + 7)
		die("sample of %u bytes, expected %d", size, RECORD_SIZE);
	checksum += *(uint64_t *)data;
	seen++;
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	(void)ctx;
	(void)cpu;
	lost_seen += n;
}

static void consume_all(void)
{
	if (perf_buffer__consume(pb) < 0)
		die("perf_buffer__consume: %s", strerror(errno));
}

/*
 * Check that the samples seen since `written0`/`lost0` are exactly the `expected` written, none
 * lost, with the contents written (the sum of their seq fields).
 */
static void check(uint64_t written0, uint64_t lost0, long expected)
{
	uint64_t written = producer_stat(&prod, 0) - written0, lost = producer_stat(&prod, 1) - lost0;
	if (lost != 0 || lost_seen != 0 || written != (uint64_t)expected || seen != written)
		die("perf: consumed %lu of %lu written, %lu lost (%lu loss records; expected %ld written, none lost)",
		    (unsigned long)seen, (unsigned long)written, (unsigned long)lost, (unsigned long)lost_seen, expected);
	if (checksum != (uint64_t)expected / RECORDS_PER_RUN * SEQ_SUM_PER_RUN)
		die("perf: samples' seq fields sum to %lu, expected %lu", (unsigned long)checksum,
		    (unsigned long)((uint64_t)expected / RECORDS_PER_RUN * SEQ_SUM_PER_RUN));
}

static void one_figure(const char *figure)
{
	uint64_t w0 = producer_stat(&prod, 0), l0 = producer_stat(&prod, 1);
	seen = lost_seen = checksum = 0;
	if (strcmp(figure, "perf.live") == 0) {
		double t0 = now_ns();
		for (long done = 0; done < live_records; done += chunk) {
			producer_run(&prod, chunk / RECORDS_PER_RUN);
			consume_all();
		}
		double t = now_ns() - t0;
		check(w0, l0, live_records);
		emit(figure, "libbpf", (double)seen / (t / 1e9), "entries/s");
		return;
	}
	int cpu = strcmp(figure, "perf.burst_cpu") == 0;
	if (!cpu && strcmp(figure, "perf.burst") != 0 && strcmp(figure, "perf.burst_view") != 0)
		die("unknown figure '%s'", figure);
	producer_run(&prod, records / RECORDS_PER_RUN);
	double t0 = cpu ? cpu_now_ns() : now_ns();
	consume_all();
	double t = (cpu ? cpu_now_ns() : now_ns()) - t0;
	check(w0, l0, records);
	emit(figure, "libbpf", (double)seen / (t / 1e9), "entries/s");
}

int main(int argc, char **argv)
{
	records = arg_long(argc, argv, "--records", 1 << 18);
	live_records = arg_long(argc, argv, "--live-records", records);
	chunk = arg_long(argc, argv, "--chunk", 1 << 14);
	long ring_bytes = arg_long(argc, argv, "--ring-bytes", 1 << 25);
	const char *obj = arg_str(argc, argv, "--obj", "bpf/bench_perf.o");
	if (records % chunk != 0 || live_records % chunk != 0 || chunk % RECORDS_PER_RUN != 0)
		die("--records and --live-records must be multiples of --chunk, and --chunk of %d", RECORDS_PER_RUN);
	long page = sysconf(_SC_PAGESIZE);
	if (ring_bytes % page != 0 || ((ring_bytes / page) & (ring_bytes / page - 1)) != 0)
		die("--ring-bytes must be a power-of-two number of pages");
	prod = producer_open(obj, 0);
	pb = perf_buffer__new(prod.events_fd, (size_t)(ring_bytes / page), on_sample, on_lost, NULL, NULL);
	if (!pb)
		die("perf_buffer__new: %s", strerror(errno));
	/* Warm up: one full burst. */
	uint64_t w0 = producer_stat(&prod, 0), l0 = producer_stat(&prod, 1);
	producer_run(&prod, records / RECORDS_PER_RUN);
	consume_all();
	check(w0, l0, records);
	run_repetitions(one_figure);
	perf_buffer__free(pb);
	bpf_object__close(prod.obj);
	return 0;
}

/*
 * The C side of the ring buffer figures of `npm run bench`, in records/s consumed through libbpf's
 * ring_buffer__consume from a BPF_MAP_TYPE_RINGBUF of `--ring-bytes` that bpf/bench_ringbuf.o
 * fills with 64-byte records (BPF_PROG_TEST_RUN, 1024 records per run, no wakeups).
 *
 * - "ringbuf.burst": fill with `--records` records (untimed), then time draining them all.
 *   "ringbuf.burst_view" is the same measurement (libbpf has one way to consume; our side
 *   differs). "ringbuf.burst_cpu" is "ringbuf.burst" in CPU time (user + system) of the process.
 * - "ringbuf.live": produce `--live-records` records `--chunk` at a time in this thread, draining after
 *   each chunk; records delivered per second of the whole loop (producing included).
 *
 * Every figure checks that the records consumed are exactly those the program wrote and that none
 * were lost (the ring is sized to hold a burst).
 *
 * Usage: ringbuf [--records N] [--live-records N] [--chunk N] [--ring-bytes N] [--obj FILE]
 */
#include "events.h"

/* Sum of the `seq` fields (0..1023) of one run's records. */
#define SEQ_SUM_PER_RUN ((uint64_t)RECORDS_PER_RUN * (RECORDS_PER_RUN - 1) / 2)

static long records, live_records, chunk;
static struct producer prod;
static struct ring_buffer *rb;
static uint64_t seen, checksum;

static int on_sample(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size != RECORD_SIZE)
		die("record of %zu bytes, expected %d", size, RECORD_SIZE);
	checksum += *(uint64_t *)data;
	seen++;
	return 0;
}

static void consume_all(void)
{
	if (ring_buffer__consume(rb) < 0)
		die("ring_buffer__consume: %s", strerror(errno));
}

/*
 * Check that the records seen since `written0`/`lost0` are exactly the `expected` written, none
 * lost, with the contents written (the sum of their seq fields).
 */
static void check(uint64_t n, uint64_t written0, uint64_t lost0, long expected)
{
	uint64_t written = producer_stat(&prod, 0) - written0, lost = producer_stat(&prod, 1) - lost0;
	if (lost != 0 || written != (uint64_t)expected || n != written)
		die("ringbuf: consumed %lu of %lu written, %lu lost (expected %ld written, none lost)", (unsigned long)n,
		    (unsigned long)written, (unsigned long)lost, expected);
	if (checksum != (uint64_t)expected / RECORDS_PER_RUN * SEQ_SUM_PER_RUN)
		die("ringbuf: records' seq fields sum to %lu, expected %lu", (unsigned long)checksum,
		    (unsigned long)((uint64_t)expected / RECORDS_PER_RUN * SEQ_SUM_PER_RUN));
}

static void one_figure(const char *figure)
{
	uint64_t w0 = producer_stat(&prod, 0), l0 = producer_stat(&prod, 1);
	seen = checksum = 0;
	if (strcmp(figure, "ringbuf.live") == 0) {
		double t0 = now_ns();
		for (long done = 0; done < live_records; done += chunk) {
			producer_run(&prod, chunk / RECORDS_PER_RUN);
			consume_all();
		}
		double t = now_ns() - t0;
		check(seen, w0, l0, live_records);
		emit(figure, "libbpf", (double)seen / (t / 1e9), "entries/s");
		return;
	}
	int cpu = strcmp(figure, "ringbuf.burst_cpu") == 0;
	if (!cpu && strcmp(figure, "ringbuf.burst") != 0 && strcmp(figure, "ringbuf.burst_view") != 0)
		die("unknown figure '%s'", figure);
	producer_run(&prod, records / RECORDS_PER_RUN);
	double t0 = cpu ? cpu_now_ns() : now_ns();
	consume_all();
	double t = (cpu ? cpu_now_ns() : now_ns()) - t0;
	check(seen, w0, l0, records);
	emit(figure, "libbpf", (double)seen / (t / 1e9), "entries/s");
}

int main(int argc, char **argv)
{
	records = arg_long(argc, argv, "--records", 1 << 18);
	live_records = arg_long(argc, argv, "--live-records", records);
	chunk = arg_long(argc, argv, "--chunk", 1 << 14);
	long ring_bytes = arg_long(argc, argv, "--ring-bytes", 1 << 25);
	const char *obj = arg_str(argc, argv, "--obj", "bpf/bench_ringbuf.o");
	if (records % chunk != 0 || live_records % chunk != 0 || chunk % RECORDS_PER_RUN != 0)
		die("--records and --live-records must be multiples of --chunk, and --chunk of %d", RECORDS_PER_RUN);
	prod = producer_open(obj, ring_bytes);
	rb = ring_buffer__new(prod.events_fd, on_sample, NULL, NULL);
	if (!rb)
		die("ring_buffer__new: %s", strerror(errno));
	/* Warm up: one full burst. */
	uint64_t w0 = producer_stat(&prod, 0), l0 = producer_stat(&prod, 1);
	producer_run(&prod, records / RECORDS_PER_RUN);
	consume_all();
	check(seen, w0, l0, records);
	run_repetitions(one_figure);
	ring_buffer__free(rb);
	bpf_object__close(prod.obj);
	return 0;
}

/*
 * Shared by the C sides of `npm run bench`: a monotonic clock, argument parsing and the JSON line
 * every figure is printed as ({"name", "variant", "value", "unit"}), which bench/run.ts reads, and
 * the repetition protocol.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline void emit(const char *name, const char *variant, double value, const char *unit)
{
	printf("{\"name\": \"%s\", \"variant\": \"%s\", \"value\": %.6g, \"unit\": \"%s\"}\n", name, variant, value,
	       unit);
	fflush(stdout);
}

/* Fail with a message bench/run.ts shows verbatim (it reads stderr on a non-zero exit). */
#define die(...)                                                                                           \
	do {                                                                                               \
		fprintf(stderr, __VA_ARGS__);                                                              \
		fprintf(stderr, "\n");                                                                     \
		exit(1);                                                                                   \
	} while (0)

/* Value of `--flag N` in argv, or `dflt`. */
static inline long arg_long(int argc, char **argv, const char *flag, long dflt)
{
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], flag) == 0) {
			char *end;
			long v = strtol(argv[i + 1], &end, 10);
			if (*end != '\0' || v <= 0)
				die("%s: expected a positive integer, got '%s'", flag, argv[i + 1]);
			return v;
		}
	}
	return dflt;
}

/* Value of `--flag STR` in argv, or `dflt`. */
static inline const char *arg_str(int argc, char **argv, const char *flag, const char *dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return argv[i + 1];
	return dflt;
}

/*
 * The protocol with bench/run.ts: print {"ready": true} once set up, then for each line read from
 * stdin (a figure's name) run `one` on it, closing its output with {"done": true}; return at end
 * of input. One figure at a time lets the runner interleave both sides figure by figure.
 */
static inline void run_repetitions(void (*one)(const char *figure))
{
	char line[128];
	printf("{\"ready\": true}\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		one(line);
		printf("{\"done\": true}\n");
		fflush(stdout);
	}
}

#endif

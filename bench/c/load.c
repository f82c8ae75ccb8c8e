/*
 * The C side of the load figures of `npm run bench`, in ms per open + load + close of a 5-program,
 * 5-map object through libbpf: bpf_object__open_file + bpf_object__load + bpf_object__close.
 * "load.plain.*" loads bpf/bench_load.o (no CO-RE, packet parsers: about 2.5 ms, the scale the loader
 * issue sets its target at), "load.small.*" bpf/bench_load_small.o (no CO-RE, a few instructions per
 * program, so the loader's own cost shows), "load.core.*" bpf/bench_load_core.o (CO-RE
 * reads, so libbpf parses the kernel's BTF and relocates on every load: libbpf keeps nothing
 * between bpf_object instances). "*.warm" loads `--loads` times in this process, one sample each;
 * "*.cold" runs this program again (`--cold FILE`) for one load that is the first of its process.
 * "load.core.warm_fresh" is the same measurement as "load.core.warm": only our side differs
 * (a fresh kernel BTF cache per load), and so is "load.plain.serial" as "load.plain.warm" (ours
 * without worker threads). "*.warm_cpu" is "*.warm" in CPU time of the process (user + system,
 * CLOCK_PROCESS_CPUTIME_ID) instead of wall time, for a busy machine.
 *
 * Usage: load [--loads N] [--dir BPF_DIR]
 *        load --cold FILE   (prints the ms of one load)
 */
#include <bpf/libbpf.h>
#include <unistd.h>

#include "common.h"

static long loads;
static char plain[4096], small[4096], core[4096];

static int silent(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

static double cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double last_cpu_ms;

/* ms of one open + load + close of `path`; its CPU time (user + system) in last_cpu_ms. */
static double load_once(const char *path)
{
	double c0 = cpu_ns();
	double t0 = now_ns();
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	long err = libbpf_get_error(obj);
	if (err)
		die("bpf_object__open_file(%s): %s", path, strerror((int)-err));
	int n = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) n++;
	if (n != 5)
		die("%s: %d programs, expected 5", path, n);
	err = bpf_object__load(obj);
	if (err)
		die("bpf_object__load(%s): %s", path, strerror((int)-err));
	bpf_object__close(obj);
	double t = now_ns() - t0;
	last_cpu_ms = (cpu_ns() - c0) / 1e6;
	return t / 1e6;
}

/* ms of the first load of a fresh process (this program with --cold). */
static double cold_once(const char *path)
{
	char cmd[8300];
	snprintf(cmd, sizeof(cmd), "/proc/%d/exe --cold '%s'", (int)getpid(), path);
	FILE *p = popen(cmd, "r");
	if (!p)
		die("popen(%s): %s", cmd, strerror(errno));
	double ms = -1;
	if (fscanf(p, "%lf", &ms) != 1)
		ms = -1;
	int status = pclose(p);
	if (status != 0 || ms < 0)
		die("%s failed (status %d)", cmd, status);
	return ms;
}

static void one_figure(const char *figure)
{
	const char *path = strncmp(figure, "load.core.", 10) == 0	 ? core
			   : strncmp(figure, "load.plain.", 11) == 0 ? plain
			   : strncmp(figure, "load.small.", 11) == 0 ? small
								     : NULL;
	if (!path)
		die("unknown figure '%s'", figure);
	const char *what = strchr(figure + 5, '.') + 1;
	if (strcmp(what, "cold") == 0) {
		emit(figure, "libbpf", cold_once(path), "ms");
	} else if (strcmp(what, "warm") == 0 || (path == core && strcmp(what, "warm_fresh") == 0) ||
		   (path == plain && strcmp(what, "serial") == 0)) {
		for (long i = 0; i < loads; i++)
			emit(figure, "libbpf", load_once(path), "ms");
	} else if (strcmp(what, "warm_cpu") == 0) {
		for (long i = 0; i < loads; i++) {
			load_once(path);
			emit(figure, "libbpf", last_cpu_ms, "ms");
		}
	} else {
		die("unknown figure '%s'", figure);
	}
}

int main(int argc, char **argv)
{
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(silent);
	const char *cold = arg_str(argc, argv, "--cold", NULL);
	if (cold) {
		printf("%.6f\n", load_once(cold));
		return 0;
	}
	loads = arg_long(argc, argv, "--loads", 20);
	const char *dir = arg_str(argc, argv, "--dir", "bpf");
	snprintf(plain, sizeof(plain), "%s/bench_load.o", dir);
	snprintf(small, sizeof(small), "%s/bench_load_small.o", dir);
	snprintf(core, sizeof(core), "%s/bench_load_core.o", dir);
	load_once(plain);
	load_once(small);
	load_once(core);
	run_repetitions(one_figure);
	return 0;
}

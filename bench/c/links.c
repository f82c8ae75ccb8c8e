/*
 * The C side of the links figures of `npm run bench`, through libbpf 1.1 (Debian bookworm):
 *   links.attach.<kind>: ns per attach + detach (bpf_program__attach_* + bpf_link__destroy) of a
 *     do-nothing program of bpf/bench_links.o, median of `--attaches` per repetition;
 *   links.getpgid.none: ns per getpgid(0) syscall in a tight loop of `--calls` with nothing
 *     attached; links.getpgid.<fentry|kprobe>_added: the ns per call the fentry or kprobe program
 *     on __x64_sys_getpgid adds over a baseline loop measured just before.
 * Kinds the kernel (or libbpf 1.1: no TCX) lacks print their reason on stderr once and no figure.
 *
 * Usage: links [--attaches N] [--calls N] [--obj bench_links.o]
 *        links --loop N   (prints the ns per getpgid call of N calls: our side's measurement)
 */
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"

/* The uprobe target: a function of this program that nothing calls. */
__attribute__((noinline, used)) int links_uprobe_target(int x)
{
	return x + 1;
}

static long attaches, calls;
static char self[4096], cgroup_dir[256], veth[IFNAMSIZ];
static int cgroup_fd = -1, ifindex;

enum kind { TRACEPOINT, RAW_TP, TP_BTF, KPROBE, FENTRY, UPROBE, XDP, CGROUP, NKINDS };
static const char *kind_names[NKINDS] = { "tracepoint", "raw_tp", "tp_btf", "kprobe", "fentry", "uprobe", "xdp", "cgroup" };
static const char *prog_names[NKINDS] = { "bench_tracepoint", "bench_raw_tp", "bench_tp_btf", "bench_kprobe",
					  "bench_fentry", "bench_uprobe", "bench_xdp", "bench_cgroup" };
static struct bpf_object *objs[NKINDS];
static struct bpf_program *progs[NKINDS];

static int silent(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

static double loop_ns(long n)
{
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpgid, 0);
	return (now_ns() - t0) / (double)n;
}

static struct bpf_link *attach(enum kind k)
{
	struct bpf_program *p = progs[k];
	switch (k) {
	case TRACEPOINT:
		return bpf_program__attach_tracepoint(p, "syscalls", "sys_enter_getpgid");
	case RAW_TP:
		return bpf_program__attach_raw_tracepoint(p, "sys_enter");
	case TP_BTF:
	case FENTRY:
		return bpf_program__attach_trace(p);
	case KPROBE:
		return bpf_program__attach_kprobe(p, false, "__x64_sys_getpgid");
	case UPROBE: {
		LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = "links_uprobe_target");
		return bpf_program__attach_uprobe_opts(p, -1, self, 0, &opts);
	}
	case XDP:
		return bpf_program__attach_xdp(p, ifindex);
	case CGROUP:
		return bpf_program__attach_cgroup(p, cgroup_fd);
	default:
		return NULL;
	}
}

/* Load the one program of kind k from its own copy of the object; false (reason printed) if not. */
static bool load(const char *obj_path, enum kind k)
{
	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	if (!obj)
		die("open %s: %s", obj_path, strerror(errno));
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, strcmp(bpf_program__name(p), prog_names[k]) == 0);
	int err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "links: C side: %s skipped: load failed: %s\n", kind_names[k], strerror(-err));
		bpf_object__close(obj);
		return false;
	}
	if (k == CGROUP && cgroup_fd < 0) {
		fprintf(stderr, "links: C side: cgroup skipped: no cgroup2 mount\n");
		bpf_object__close(obj);
		return false;
	}
	progs[k] = bpf_object__find_program_by_name(obj, prog_names[k]);
	struct bpf_link *l = attach(k);
	if (!l) {
		fprintf(stderr, "links: C side: %s skipped: attach failed: %s\n", kind_names[k], strerror(errno));
		bpf_object__close(obj);
		progs[k] = NULL;
		return false;
	}
	bpf_link__destroy(l);
	objs[k] = obj;
	return true;
}

static void attach_figure(enum kind k)
{
	char name[64];
	snprintf(name, sizeof(name), "links.attach.%s", kind_names[k]);
	if (!progs[k])
		return;
	double *samples = malloc(sizeof(double) * attaches);
	for (long i = 0; i < attaches; i++) {
		double t0 = now_ns();
		struct bpf_link *l = attach(k);
		if (!l)
			die("%s: attach failed: %s", name, strerror(errno));
		bpf_link__destroy(l);
		samples[i] = now_ns() - t0;
	}
	/* Median of the attaches: one figure per repetition. */
	for (long i = 1; i < attaches; i++)
		for (long j = i; j > 0 && samples[j - 1] > samples[j]; j--) {
			double t = samples[j];
			samples[j] = samples[j - 1];
			samples[j - 1] = t;
		}
	double median = samples[attaches / 2];
	free(samples);
	emit(name, "libbpf", median, "ns/op");
}

/* ns per getpgid with nothing attached, or the ns program k adds per call over that baseline. */
static void syscall_figure(const char *figure, enum kind k)
{
	loop_ns(calls / 10);
	double baseline = loop_ns(calls);
	if (k == NKINDS) {
		emit(figure, "libbpf", baseline, "ns/op");
		return;
	}
	if (!progs[k])
		return;
	struct bpf_link *l = attach(k);
	if (!l)
		die("%s: attach failed: %s", figure, strerror(errno));
	double attached = loop_ns(calls);
	bpf_link__destroy(l);
	emit(figure, "libbpf", attached - baseline, "ns/op");
}

static void one(const char *figure)
{
	for (int k = 0; k < NKINDS; k++) {
		char name[64];
		snprintf(name, sizeof(name), "links.attach.%s", kind_names[k]);
		if (strcmp(figure, name) == 0) {
			attach_figure(k);
			return;
		}
	}
	if (strcmp(figure, "links.getpgid.none") == 0)
		syscall_figure(figure, NKINDS);
	else if (strcmp(figure, "links.getpgid.fentry_added") == 0)
		syscall_figure(figure, FENTRY);
	else if (strcmp(figure, "links.getpgid.kprobe_added") == 0)
		syscall_figure(figure, KPROBE);
	/* links.attach.tcx: libbpf 1.1 has no TCX attach; no C figure. */
}

/* The first cgroup2 mount in /proc/mounts, into root; false when there is none. */
static bool cgroup2_root(char *root, size_t size)
{
	FILE *f = fopen("/proc/mounts", "r");
	char dev[64], dir[200], type[32];
	bool found = false;
	if (!f)
		return false;
	while (!found && fscanf(f, "%63s %199s %31s %*[^\n]", dev, dir, type) == 3)
		found = strcmp(type, "cgroup2") == 0;
	fclose(f);
	if (found)
		snprintf(root, size, "%s", dir);
	return found;
}

static void cleanup(void)
{
	for (int k = 0; k < NKINDS; k++)
		bpf_object__close(objs[k]);
	if (cgroup_fd >= 0)
		close(cgroup_fd);
	if (cgroup_dir[0])
		rmdir(cgroup_dir);
	if (veth[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "ip link del %s 2>/dev/null", veth);
		if (system(cmd) != 0) { /* already gone */ }
	}
}

int main(int argc, char **argv)
{
	long loop = arg_long(argc, argv, "--loop", 0);
	if (loop > 0) {
		loop_ns(loop / 10);
		printf("%.3f\n", loop_ns(loop));
		return 0;
	}
	attaches = arg_long(argc, argv, "--attaches", 200);
	calls = arg_long(argc, argv, "--calls", 1000000);
	const char *obj = arg_str(argc, argv, "--obj", "bpf/bench_links.o");
	libbpf_set_print(silent);
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		die("readlink /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';

	snprintf(veth, sizeof(veth), "lkbc%d", getpid() % 100000);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "ip link add %s type veth peer name %sp && ip link set %s up", veth, veth, veth);
	if (system(cmd) != 0)
		die("links: %s failed", cmd);
	ifindex = if_nametoindex(veth);
	char root[200];
	if (cgroup2_root(root, sizeof(root))) {
		snprintf(cgroup_dir, sizeof(cgroup_dir), "%s/lkbench-c-%d", root, getpid());
		if (mkdir(cgroup_dir, 0755) != 0)
			die("mkdir %s: %s", cgroup_dir, strerror(errno));
		cgroup_fd = open(cgroup_dir, O_RDONLY | O_DIRECTORY);
	}
	atexit(cleanup);

	for (int k = 0; k < NKINDS; k++)
		load(obj, k);
	run_repetitions(one);
	return 0;
}

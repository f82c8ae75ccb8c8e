/*
 * The C side of the BTF figures of `npm run bench`, in ms per parse of the running kernel's BTF
 * (/sys/kernel/btf/vmlinux): "btf.parse_vmlinux" is libbpf's btf__parse, file read included;
 * "btf.parse_vmlinux_mem" is btf__new on the bytes already in memory. Each request for a figure
 * (a line on stdin, see run_repetitions in common.h) parses `--parses` times and prints one sample
 * per parse.
 *
 * Usage: btf [--parses N] [--path FILE]
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "common.h"

static long parses;
static const char *path;
static void *data;
static size_t size;

static void read_file(void)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	size_t cap = 1 << 20;
	data = malloc(cap);
	for (size_t n; data && (n = fread((char *)data + size, 1, cap - size, f)) > 0;) {
		size += n;
		if (size == cap)
			data = realloc(data, cap *= 2);
	}
	if (!data)
		die("%s: out of memory", path);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
}

static void check(struct btf *btf, const char *how)
{
	long err = libbpf_get_error(btf);
	if (err)
		die("%s(%s): %s", how, path, strerror((int)-err));
	if (btf__type_cnt(btf) < 2)
		die("%s(%s): no types", how, path);
	btf__free(btf);
}

static void one_figure(const char *figure)
{
	int mem = strcmp(figure, "btf.parse_vmlinux_mem") == 0;
	if (!mem && strcmp(figure, "btf.parse_vmlinux") != 0)
		die("unknown figure '%s'", figure);
	for (long i = 0; i < parses; i++) {
		double t0 = now_ns();
		struct btf *btf = mem ? btf__new(data, (uint32_t)size) : btf__parse(path, NULL);
		double t = now_ns() - t0;
		check(btf, mem ? "btf__new" : "btf__parse");
		emit(figure, "libbpf", t / 1e6, "ms");
	}
}

int main(int argc, char **argv)
{
	parses = arg_long(argc, argv, "--parses", 4);
	path = arg_str(argc, argv, "--path", "/sys/kernel/btf/vmlinux");
	read_file();
	run_repetitions(one_figure);
	free(data);
	return 0;
}

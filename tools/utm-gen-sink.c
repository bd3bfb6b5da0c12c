// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-gen sink: a counting XDP drop program on the receiving interface.
 * attach pins its link and counter under --pin DIR and exits, so that the
 * program stays attached; read sums the counter at any moment (scripts read
 * it before and after a run); detach removes the pins, which detaches it.
 *
 * attach must run in the interface's network namespace and, because the
 * pins live in bpffs, under `nsenter --net` rather than `ip netns exec`.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sink.skel.h"
#include "utm-gen.h"

static void sink_usage(FILE *out)
{
	fprintf(out, "usage: utm-gen sink attach --dev IF --pin DIR\n"
		     "       utm-gen sink read --pin DIR [--json]\n"
		     "       utm-gen sink detach --pin DIR\n"
		     "\n"
		     "attach counts and drops every frame arriving on IF (native XDP);\n"
		     "read prints \"PACKETS BYTES\" received so far; detach removes it.\n");
}

static void pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static int sink_attach(const char *dev, const char *dir)
{
	char path[PATH_MAX];
	struct sink_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	int ifindex = if_nametoindex(dev), rc = 1;

	if (!ifindex) {
		fprintf(stderr, "utm-gen sink: %s: no such interface here\n", dev);
		return 1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "utm-gen sink: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	skel = sink_bpf__open_and_load();
	if (!skel)
		goto out;
	link = bpf_program__attach_xdp(skel->progs.utm_sink, ifindex);
	if (!link) {
		fprintf(stderr, "utm-gen sink: attaching XDP to %s: %s\n", dev, strerror(errno));
		goto out;
	}
	pin_path(path, sizeof(path), dir, "sink_count");
	if (bpf_map__pin(skel->maps.sink_count, path))
		goto out;
	pin_path(path, sizeof(path), dir, "sink_link");
	if (bpf_link__pin(link, path)) {
		pin_path(path, sizeof(path), dir, "sink_count");
		unlink(path);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "utm-gen sink: attach to %s under %s failed\n", dev, dir);
	bpf_link__destroy(link); /* a pinned link outlives its fd */
	sink_bpf__destroy(skel);
	return rc;
}

static int sink_read(const char *dir, int json)
{
	int ncpu = libbpf_num_possible_cpus(), fd, i;
	struct gen_sink_count *v, sum = { 0 };
	char path[PATH_MAX];
	__u32 zero = 0;

	pin_path(path, sizeof(path), dir, "sink_count");
	fd = bpf_obj_get(path);
	if (fd < 0 || ncpu <= 0) {
		fprintf(stderr, "utm-gen sink: %s: %s (is the sink attached?)\n", path,
			strerror(errno));
		return 1;
	}
	v = calloc(ncpu, sizeof(*v));
	if (!v || bpf_map_lookup_elem(fd, &zero, v)) {
		fprintf(stderr, "utm-gen sink: reading %s: %s\n", path, strerror(errno));
		free(v);
		close(fd);
		return 1;
	}
	for (i = 0; i < ncpu; i++) {
		sum.packets += v[i].packets;
		sum.bytes += v[i].bytes;
	}
	free(v);
	close(fd);
	if (json)
		printf("{\"packets\":%llu,\"bytes\":%llu}\n", (unsigned long long)sum.packets,
		       (unsigned long long)sum.bytes);
	else
		printf("%llu %llu\n", (unsigned long long)sum.packets,
		       (unsigned long long)sum.bytes);
	return 0;
}

static int sink_detach(const char *dir)
{
	static const char *const names[] = { "sink_link", "sink_count" };
	char path[PATH_MAX];
	int rc = 0;
	size_t i;

	for (i = 0; i < 2; i++) {
		pin_path(path, sizeof(path), dir, names[i]);
		if (unlink(path) && errno != ENOENT) {
			fprintf(stderr, "utm-gen sink: %s: %s\n", path, strerror(errno));
			rc = 1;
		}
	}
	if (rmdir(dir) && errno != ENOENT && errno != ENOTEMPTY)
		fprintf(stderr, "utm-gen sink: %s: %s\n", dir, strerror(errno));
	return rc;
}

int cmd_sink(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "pin", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dev = NULL, *dir = NULL, *op = argc > 1 ? argv[1] : "";
	int c, json = 0;

	if (!strcmp(op, "--help") || !strcmp(op, "-h")) {
		sink_usage(stdout);
		return 0;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'p': dir = optarg; break;
		case 'j': json = 1; break;
		case 'h': sink_usage(stdout); return 0;
		default: sink_usage(stderr); return 2;
		}
	}
	if (optind < argc || !dir) {
		sink_usage(stderr);
		return 2;
	}
	if (!strcmp(op, "attach") && dev)
		return sink_attach(dev, dir);
	if (!strcmp(op, "read"))
		return sink_read(dir, json);
	if (!strcmp(op, "detach"))
		return sink_detach(dir);
	sink_usage(stderr);
	return 2;
}

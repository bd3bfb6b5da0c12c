// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-gen cost / progstat: what the UTM's XDP program costs per packet.
 *
 * Both work on the program that is really running: the one behind the pinned
 * link <pin-root>/link_<port> (or any pinned XDP link, --link), with the maps
 * utm-load filled. cost runs it with BPF_PROG_TEST_RUN (not live: the verdict
 * is returned, nothing is sent) on one frame repeated N times; the kernel
 * reports the mean time per run. The frame is the same every time, so this
 * is the warm-cache cost.
 * progstat instead switches on the kernel's run-time statistics for a while
 * and divides run time by runs over whatever traffic passes meanwhile: the
 * cost with real address variety (cold hash buckets, deeper trie walks), plus
 * the statistics' own overhead of two clock reads per run (measure a trivial
 * program the same way, e.g. utm-gen's sink, to see how much that is).
 *
 * The context names the port's ifindex, which the kernel resolves in the
 * caller's namespace: run inside the box (nsenter --net).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "lib/utmmaps.h"
#include "utm-gen.h"

struct cost_opts {
	const char *pin_root, *port, *link;
	struct gen_frame f;
	unsigned long long repeat, runs;
	double seconds;
	int json, have_dst;
};

static void cost_usage(FILE *out)
{
	fprintf(out,
		"usage: utm-gen cost (--pin-root DIR [--port lan|wan] | --link PIN) --dst IP\n"
		"                    [--src IP] [--size BYTES] [--repeat N] [--runs R] [--json]\n"
		"       utm-gen progstat (--pin-root DIR [--port lan|wan] | --link PIN)\n"
		"                    [--seconds S] [--json]\n"
		"\n"
		"cost: BPF_PROG_TEST_RUN of the XDP program attached through DIR/link_PORT\n"
		"  [lan] (the UTM) or the pinned link PIN, N times [1e6] per run, R runs [5];\n"
		"  prints the verdict and the min and median ns per packet. Run it in the\n"
		"  namespace of the program's interface.\n"
		"progstat: the same program's mean run time over S seconds [3] of live traffic\n"
		"  (kernel BPF statistics, switched on only meanwhile).\n");
}

static int parse_cost(struct cost_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pin-root", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' },
		{ "link", required_argument, NULL, 'l' },
		{ "dst", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "runs", required_argument, NULL, 'R' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	char *end;
	int c, bad = 0;

	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->pin_root = optarg; break;
		case 'P': o->port = optarg; break;
		case 'l': o->link = optarg; break;
		case 'd': o->have_dst = 1; bad = gen_parse_ip4(optarg, &o->f.daddr); break;
		case 's': bad = gen_parse_ip4(optarg, &o->f.saddr); break;
		case 'z':
			bad = gen_parse_u64(optarg, GEN_MIN_FRAME, GEN_MAX_FRAME, &v);
			o->f.size = v;
			break;
		case 'r': bad = gen_parse_u64(optarg, 1, 1U << 30, &o->repeat); break;
		case 'R': bad = gen_parse_u64(optarg, 1, 1000, &o->runs); break;
		case 'S':
			o->seconds = strtod(optarg, &end);
			bad = *end || !(o->seconds > 0);
			break;
		case 'j': o->json = 1; break;
		case 'h': cost_usage(stdout); exit(0);
		default: bad = 1;
		}
	}
	if (bad || optind < argc || (!o->pin_root && !o->link) ||
	    (strcmp(o->port, "lan") && strcmp(o->port, "wan"))) {
		cost_usage(stderr);
		return -1;
	}
	return 0;
}

/* fd of the program behind the link (--link, or <pin_root>/link_<port>); its ifindex too. */
static int link_prog_fd(const struct cost_opts *o, __u32 *ifindex)
{
	char path[PATH_MAX];

	if (o->link)
		snprintf(path, sizeof(path), "%s", o->link);
	else
		snprintf(path, sizeof(path), "%s/link_%s", o->pin_root, o->port);
	return utm_link_prog_fd("utm-gen", path, ifindex);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

int cmd_cost(int argc, char **argv)
{
	struct cost_opts o = { .port = "lan", .repeat = 1000000, .runs = 5,
			       .f = { .saddr = htonl(0x0a63000a), .sport = 40000, .dport = 443,
				      .size = 60, .src_mac = { 2, 0, 0, 0, 0, 1 },
				      .dst_mac = { 2, 0, 0, 0, 0, 2 } } };
	__u32 ifindex, ns[1000], retval = 0;
	char ifname[IF_NAMESIZE], dst[16];
	uint8_t frame[GEN_MAX_FRAME];
	unsigned long long r;
	size_t len;
	int fd, rc;

	if (parse_cost(&o, argc, argv) || !o.have_dst)
		return 2;
	len = gen_build_frame(&o.f, frame, sizeof(frame));
	fd = link_prog_fd(&o, &ifindex);
	if (fd < 0 || !len)
		return 1;
	if (!if_indextoname(ifindex, ifname)) {
		fprintf(stderr, "utm-gen cost: ifindex %u is not in this namespace; run it in the "
				"box's (nsenter --net=/run/netns/BOX)\n", ifindex);
		return 1;
	}
	for (r = 0; r < o.runs; r++) {
		struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = o.repeat);

		rc = bpf_prog_test_run_opts(fd, &t);
		if (rc) {
			fprintf(stderr, "utm-gen cost: BPF_PROG_TEST_RUN: %s\n", strerror(-rc));
			close(fd);
			return 1;
		}
		ns[r] = t.duration;
		retval = t.retval;
	}
	close(fd);
	qsort(ns, o.runs, sizeof(ns[0]), cmp_u32);
	inet_ntop(AF_INET, &o.f.daddr, dst, sizeof(dst));
	if (o.json)
		printf("{\"dst\":\"%s\",\"port\":\"%s\",\"verdict\":\"%s\",\"ns_min\":%u,"
		       "\"ns_median\":%u,\"repeat\":%llu,\"runs\":%llu}\n",
		       dst, ifname, utm_xdp_action_name(retval), ns[0], ns[o.runs / 2], o.repeat, o.runs);
	else
		printf("%s on %s: %s, %u ns/packet (min of %llu runs of %llu; median %u)\n", dst,
		       ifname, utm_xdp_action_name(retval), ns[0], o.runs, o.repeat, ns[o.runs / 2]);
	return 0;
}

int cmd_progstat(int argc, char **argv)
{
	struct cost_opts o = { .port = "lan", .seconds = 3 };
	__u64 t0, n0, t1, n1;
	__u32 ifindex;
	int fd, stats_fd;

	if (parse_cost(&o, argc, argv))
		return 2;
	fd = link_prog_fd(&o, &ifindex);
	if (fd < 0)
		return 1;
	/* Held open, the fd keeps statistics on; closing it restores the previous state. */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0 || utm_prog_run_stats(fd, &t0, &n0)) {
		fprintf(stderr, "utm-gen progstat: enabling BPF statistics: %s\n", strerror(errno));
		return 1;
	}
	usleep((useconds_t)(o.seconds * 1e6));
	if (utm_prog_run_stats(fd, &t1, &n1)) {
		fprintf(stderr, "utm-gen progstat: reading program info: %s\n", strerror(errno));
		return 1;
	}
	close(stats_fd);
	close(fd);
	if (o.json)
		printf("{\"runs\":%llu,\"ns_per_run\":%.1f,\"seconds\":%.3f}\n",
		       (unsigned long long)(n1 - n0), n1 > n0 ? (double)(t1 - t0) / (n1 - n0) : 0,
		       o.seconds);
	else
		printf("%llu runs in %.3f s: %.1f ns per run\n", (unsigned long long)(n1 - n0),
		       o.seconds, n1 > n0 ? (double)(t1 - t0) / (n1 - n0) : 0);
	return 0;
}

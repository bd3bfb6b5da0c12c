// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-gen send: options, the template frame and the generator program; the
 * sending itself is in utm-gen-pace.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "gen.skel.h"
#include "utm-gen.h"

struct send_opts {
	const char *dev, *dst_file;
	struct gen_frame f;
	unsigned long long src_count, sport_count, dst_count, count, rate, batch;
	double duration;
	unsigned long long threads;
	int cpu, json, have_dst_mac, have_src_mac, have_dst;
};

static void on_signal(int sig)
{
	gen_send_stop();
}

static void send_usage(FILE *out)
{
	fprintf(out,
		"usage: utm-gen send --dev IF --dst-mac MAC\n"
		"                    (--dst IP [--dst-count N] | --dst-file F)\n"
		"                    (--duration SEC | --count N) [options]\n"
		"\n"
		"  --dev IF           send out of IF (an interface of this network namespace)\n"
		"  --src-mac MAC      source MAC [IF's own]\n"
		"  --dst-mac MAC      destination MAC\n"
		"  --src IP           first source address [10.99.0.10]\n"
		"  --src-count N      cycle through N consecutive source addresses [1]\n"
		"  --sport P          first UDP source port [1024]\n"
		"  --sport-count N    cycle through N source ports [1]\n"
		"  --dst IP           first destination address\n"
		"  --dst-count N      cycle through N consecutive destinations [1]\n"
		"  --dst-file F       cycle through the IPv4 addresses in F (one a line, <= %d)\n"
		"  --dport P          UDP destination port [9]\n"
		"  --size BYTES       frame size without FCS, %d..%d [60]\n"
		"  --duration SEC     send for SEC seconds\n"
		"  --count N          send N frames\n"
		"  --rate PPS         frames per second, evenly spaced (the CPU spins); 0 = as\n"
		"                     fast as possible [0]\n"
		"  --batch N          frames per kernel flush (test-run batch_size), 1..256 [64]\n"
		"  --threads N        concurrent test runs, taking turns on the CPU [4]\n"
		"  --cpu N            send from CPU N [the current one]\n"
		"  --json             one JSON line: sent, seconds, pps\n"
		"\n"
		"Frame i uses source src + i %% src-count, port sport + i / src-count %%\n"
		"sport-count, and destination dst + i %% dst-count or line i %% lines of\n"
		"--dst-file.\n",
		GEN_MAX_DSTS, GEN_MIN_FRAME, GEN_MAX_FRAME);
}

enum { O_DEV = 256, O_SMAC, O_DMAC, O_SRC, O_SRCN, O_SPORT, O_SPORTN, O_DST, O_DSTN, O_DSTF,
       O_DPORT, O_SIZE, O_DUR, O_COUNT, O_RATE, O_BATCH, O_THREADS, O_CPU, O_JSON,
       O_HELP };

static const struct option send_longopts[] = {
	{ "dev", required_argument, NULL, O_DEV },
	{ "src-mac", required_argument, NULL, O_SMAC },
	{ "dst-mac", required_argument, NULL, O_DMAC },
	{ "src", required_argument, NULL, O_SRC },
	{ "src-count", required_argument, NULL, O_SRCN },
	{ "sport", required_argument, NULL, O_SPORT },
	{ "sport-count", required_argument, NULL, O_SPORTN },
	{ "dst", required_argument, NULL, O_DST },
	{ "dst-count", required_argument, NULL, O_DSTN },
	{ "dst-file", required_argument, NULL, O_DSTF },
	{ "dport", required_argument, NULL, O_DPORT },
	{ "size", required_argument, NULL, O_SIZE },
	{ "duration", required_argument, NULL, O_DUR },
	{ "count", required_argument, NULL, O_COUNT },
	{ "rate", required_argument, NULL, O_RATE },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "cpu", required_argument, NULL, O_CPU },
	{ "json", no_argument, NULL, O_JSON },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int num_arg(const char *name, unsigned long long min, unsigned long long max,
		   unsigned long long *out)
{
	if (gen_parse_u64(optarg, min, max, out) == 0)
		return 0;
	fprintf(stderr, "utm-gen send: --%s: a number in %llu..%llu\n", name, min, max);
	return -2; /* reported */
}

static int parse_one(struct send_opts *o, int c)
{
	unsigned long long v;
	char *end;

	switch (c) {
	case O_DEV: o->dev = optarg; return 0;
	case O_SMAC: o->have_src_mac = 1; return mac_parse(optarg, o->f.src_mac);
	case O_DMAC: o->have_dst_mac = 1; return mac_parse(optarg, o->f.dst_mac);
	case O_SRC: return gen_parse_ip4(optarg, &o->f.saddr);
	case O_SRCN: return num_arg("src-count", 1, 1U << 24, &o->src_count);
	case O_SPORT:
		if (num_arg("sport", 0, 65535, &v))
			return -2;
		o->f.sport = v;
		return 0;
	case O_SPORTN: return num_arg("sport-count", 1, 65536, &o->sport_count);
	case O_DST: o->have_dst = 1; return gen_parse_ip4(optarg, &o->f.daddr);
	case O_DSTN: return num_arg("dst-count", 1, 1U << 24, &o->dst_count);
	case O_DSTF: o->dst_file = optarg; return 0;
	case O_DPORT:
		if (num_arg("dport", 0, 65535, &v))
			return -2;
		o->f.dport = v;
		return 0;
	case O_SIZE:
		if (num_arg("size", GEN_MIN_FRAME, GEN_MAX_FRAME, &v))
			return -2;
		o->f.size = v;
		return 0;
	case O_DUR:
		o->duration = strtod(optarg, &end);
		return *end || !(o->duration > 0) ? -1 : 0;
	case O_COUNT: return num_arg("count", 1, 1ULL << 50, &o->count);
	case O_RATE: return num_arg("rate", 0, 1ULL << 32, &o->rate);
	case O_BATCH: return num_arg("batch", 1, 256, &o->batch);
	case O_THREADS: return num_arg("threads", 1, 64, &o->threads);
	case O_CPU:
		if (num_arg("cpu", 0, CPU_SETSIZE - 1, &v))
			return -2;
		o->cpu = v;
		return 0;
	case O_JSON: o->json = 1; return 0;
	case O_HELP: send_usage(stdout); exit(0);
	}
	send_usage(stderr);
	return -1;
}

static int parse_send(struct send_opts *o, int argc, char **argv)
{
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", send_longopts, NULL)) != -1) {
		rc = parse_one(o, c);
		if (rc == -1 && c >= O_DEV && c < O_HELP)
			fprintf(stderr, "utm-gen send: bad value for --%s\n",
				send_longopts[c - O_DEV].name);
		if (rc)
			return -1;
	}
	if (optind < argc || !o->dev || !o->have_dst_mac || (!o->have_dst && !o->dst_file) ||
	    (!o->count && !o->duration)) {
		send_usage(stderr);
		return -1;
	}
	if (!o->have_src_mac && netdev_mac(o->dev, o->f.src_mac)) {
		fprintf(stderr, "utm-gen send: %s: no such interface here\n", o->dev);
		return -1;
	}
	return 0;
}

/* Read --dst-file into dsts (GEN_MAX_DSTS room); the number read, -1 on error. */
static long read_dsts(const char *path, uint32_t *dsts)
{
	char line[256], *p;
	unsigned int lineno = 0;
	long n = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "utm-gen send: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		p = line + strspn(line, " \t");
		p[strcspn(p, " \t\r\n#")] = '\0';
		if (!*p)
			continue;
		if (n == GEN_MAX_DSTS || gen_parse_ip4(p, &dsts[n])) {
			fprintf(stderr,
				"utm-gen send: %s:%u: not an IPv4 address, or more than %d\n",
				path, lineno, GEN_MAX_DSTS);
			fclose(f);
			return -1;
		}
		n++;
	}
	fclose(f);
	if (!n)
		fprintf(stderr, "utm-gen send: %s: no addresses\n", path);
	return n ? n : -1;
}

static struct gen_bpf *load_gen(const struct send_opts *o)
{
	static uint32_t dsts[GEN_MAX_DSTS];
	struct gen_bpf *skel;
	long ndst = 0;
	__u32 i;

	if (o->dst_file && (ndst = read_dsts(o->dst_file, dsts)) < 0)
		return NULL;
	skel = gen_bpf__open();
	if (!skel)
		goto fail;
	skel->rodata->src_base = ntohl(o->f.saddr);
	skel->rodata->src_count = o->src_count;
	skel->rodata->sport_base = o->f.sport;
	skel->rodata->sport_count = o->sport_count;
	skel->rodata->dst_base = ntohl(o->f.daddr);
	skel->rodata->dst_count = o->dst_count;
	skel->rodata->dst_list_len = ndst;
	if (gen_bpf__load(skel))
		goto fail;
	for (i = 0; i < ndst; i++)
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.dst_list), &i, &dsts[i], BPF_ANY))
			goto fail;
	return skel;
fail:
	fprintf(stderr, "utm-gen send: loading the generator program failed\n");
	gen_bpf__destroy(skel);
	return NULL;
}

int cmd_send(int argc, char **argv)
{
	struct send_opts o = { .f = { .saddr = htonl(0x0a63000a), .sport = 1024, .dport = 9,
				      .size = 60 },
			       .src_count = 1, .sport_count = 1, .dst_count = 1, .batch = 64,
			       .cpu = -1 };
	uint8_t frame[GEN_MAX_FRAME];
	struct gen_sender snd = { 0 };
	unsigned long long sent = 0;
	struct gen_bpf *skel;
	double secs = 0;
	int rc;

	if (parse_send(&o, argc, argv))
		return 2;
	snd.ifindex = if_nametoindex(o.dev);
	if (!snd.ifindex) {
		fprintf(stderr, "utm-gen send: %s: no such interface here\n", o.dev);
		return 1;
	}
	snd.len = gen_build_frame(&o.f, frame, sizeof(frame));
	skel = load_gen(&o);
	if (!snd.len || !skel)
		return 1;
	snd.skel = skel;
	snd.frame = frame;
	snd.batch = o.batch;
	snd.threads = o.threads ? o.threads : 4;
	snd.rate = o.rate;
	snd.count = o.count;
	snd.duration = o.duration;
	snd.cpu = o.cpu;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = gen_send_run(&snd, &sent, &secs);
	gen_bpf__destroy(skel);
	if (rc) {
		fprintf(stderr, "utm-gen send: sending failed: %s%s\n", strerror(-rc),
			rc == -EINVAL ? " (live frames need Linux 5.18+ and an interface of this "
					"namespace)" : "");
		return 1;
	}
	if (o.json)
		printf("{\"sent\":%llu,\"seconds\":%.6f,\"pps\":%.0f,\"size\":%zu,\"rate\":%llu}\n",
		       sent, secs, secs > 0 ? sent / secs : 0, snd.len, o.rate);
	else
		printf("sent %llu frames of %zu bytes in %.3f s: %.0f pps\n", sent, snd.len, secs,
		       secs > 0 ? sent / secs : 0);
	return 0;
}

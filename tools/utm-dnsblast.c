// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-dnsblast: the DNS benchmark's load generator and cost probe.
 *
 *   send  sends DNS queries for the names of a file, round robin, as fast as
 *         one CPU can (live frames through BPF_PROG_TEST_RUN, bpf/dnsblast.bpf.c),
 *         for a while, and counts the responses that come back with an XDP
 *         sink on the receiving interface. Open loop: this finds the capacity
 *         of a responder faster than the generator (the XDP guard); one that
 *         is slower (a resolver in user space) is overloaded, drops what its
 *         socket buffer cannot hold and may then answer less than it can in
 *         closed loop (dnsperf), so bench/dns.sh measures both ways.
 *   cost  runs the UTM's attached XDP program (found through its pinned link)
 *         with BPF_PROG_TEST_RUN on one query frame, many times: the time per
 *         query of the DNS guard, warm caches.
 *
 * A socket-based blaster was not used: on this 2-core VM the kernel's UDP
 * send and receive paths cost more per query than the XDP guard, so it would
 * measure itself. The live-frames generator costs about 50 ns a frame.
 * Names files hold "NAME [TYPE]" lines, dnsperf's format, so that dnsperf
 * can replay the same queries.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf/dnsblast_types.h"
#include "dnsblast.skel.h"
#include "lib/inetsum.h"
#include "lib/netdev.h"
#include "lib/utmmaps.h"

#define RUN_SECONDS 0.1	   /* aim for test runs this long (see utm-gen-pace.c) */
#define MAX_RUN (1U << 24) /* iterations per test run at most */
#define MAX_THREADS 16
#define DRAIN_US 200000 /* responses still in flight after the last query */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_num(const char *s, unsigned long long min, unsigned long long max,
		     unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---------------------------------------------------------------- frames */

/* Where a query goes: addresses in network order, MACs, query type. */
struct query_spec {
	int family; /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];
	uint8_t src_mac[6], dst_mac[6];
	uint16_t qtype;
};

/* An address of either family; *family must match when already set. */
static int parse_addr(const char *s, int *family, uint8_t out[16])
{
	if (inet_pton(AF_INET, s, out) == 1 && *family != AF_INET6) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1 && *family != AF_INET) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static int qtype_of(const char *s)
{
	static const struct {
		const char *name;
		int type;
	} types[] = { { "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
		      { "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 }, { "SRV", 33 },
		      { "HTTPS", 65 } };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(s, types[i].name))
			return types[i].type;
	return -1;
}

/* The DNS wire form of a dotted name; its length, or 0 if it is not valid. */
static size_t encode_name(const char *name, uint8_t *out, size_t room)
{
	size_t n = 0, len;
	const char *p = name, *dot;

	while (*p) {
		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (len == 0 || len > 63 || n + 1 + len + 1 > room)
			return 0;
		out[n++] = len;
		memcpy(out + n, p, len);
		n += len;
		p += len;
		if (*p == '.')
			p++;
	}
	if (n == 0)
		return 0;
	out[n++] = 0;
	return n <= 255 ? n : 0;
}

/* One's complement sum of len bytes (big-endian 16-bit words). */
static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v;
}

/*
 * A query frame for name (type qtype, or q->qtype when 0), with this DNS ID
 * and UDP source port, without EDNS; its length, 0 if it does not fit.
 */
static size_t build_query(const struct query_spec *q, const char *name, uint16_t qtype,
			  uint16_t id, uint16_t sport, uint8_t *f, size_t room)
{
	size_t l3 = 14, l3len = q->family == AF_INET ? 20 : 40, l4 = l3 + l3len;
	size_t dns = l4 + 8, nlen, msg, total;
	uint8_t *udp = f + l4, *d = f + dns;
	uint32_t sum;

	if (room < dns + 12 + 4)
		return 0;
	memset(f, 0, room);
	nlen = encode_name(name, d + 12, room - dns - 12 - 4);
	if (!nlen)
		return 0;
	msg = 12 + nlen + 4;
	total = dns + msg;
	if (total < DNSBLAST_FRAME_MIN)
		total = DNSBLAST_FRAME_MIN; /* Ethernet minimum; the padding is not UDP's */
	/* DNS: ID, RD, one question. */
	put16(d, id);
	put16(d + 2, 0x0100);
	put16(d + 4, 1);
	put16(d + 12 + nlen, qtype ? qtype : q->qtype);
	put16(d + 12 + nlen + 2, 1);
	/* UDP, checksum over the pseudo header. */
	put16(udp, sport);
	put16(udp + 2, 53);
	put16(udp + 4, 8 + msg);
	sum = inetsum_add(0, q->src, q->family == AF_INET ? 4 : 16);
	sum = inetsum_add(sum, q->dst, q->family == AF_INET ? 4 : 16);
	sum += 17 + 8 + msg;
	sum = inetsum_add(sum, udp, 8 + msg);
	put16(udp + 6, inetsum_final(sum) ? inetsum_final(sum) : 0xffff);
	/* IP. */
	if (q->family == AF_INET) {
		uint8_t *ip = f + l3;

		ip[0] = 0x45;
		put16(ip + 2, 20 + 8 + msg);
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, q->src, 4);
		memcpy(ip + 16, q->dst, 4);
		put16(ip + 10, inetsum_final(inetsum_add(0, ip, 20)));
		put16(f + 12, 0x0800);
	} else {
		uint8_t *ip6 = f + l3;

		ip6[0] = 0x60;
		put16(ip6 + 4, 8 + msg);
		ip6[6] = 17;
		ip6[7] = 64;
		memcpy(ip6 + 8, q->src, 16);
		memcpy(ip6 + 24, q->dst, 16);
		put16(f + 12, 0x86DD);
	}
	memcpy(f, q->dst_mac, 6);
	memcpy(f + 6, q->src_mac, 6);
	return total;
}

/*
 * Frames for the names in path ("NAME [TYPE]" lines; # comments), at most
 * max; names that do not fit a frame are skipped. Returns the count, -1 on
 * error.
 */
static long read_frames(const char *path, const struct query_spec *q, struct dnsblast_frame *out,
			long max, long *skipped)
{
	char line[512], name[300], type[16];
	FILE *f = fopen(path, "re");
	long n = 0;
	int t, fields;

	*skipped = 0;
	if (!f) {
		fprintf(stderr, "utm-dnsblast: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		fields = sscanf(line, "%299s %15s", name, type);
		if (fields < 1)
			continue;
		t = fields == 2 ? qtype_of(type) : 0;
		if (t < 0) {
			fprintf(stderr, "utm-dnsblast: %s: unknown query type %s\n", path, type);
			fclose(f);
			return -1;
		}
		out[n].len = build_query(q, name, t, (uint16_t)n, 1024 + n % 60000, out[n].data,
					 sizeof(out[n].data));
		if (out[n].len)
			n++;
		else
			++*skipped;
	}
	fclose(f);
	if (!n)
		fprintf(stderr, "utm-dnsblast: %s: no usable names\n", path);
	return n ? n : -1;
}

/* ---------------------------------------------------------------- send */


struct send_opts {
	const char *dev, *sink_dev, *names, *stats_link;
	struct query_spec q;
	unsigned long long max_names, threads;
	double duration;
	int cpu, json, have_dst, have_dst_mac;
};

struct sender {
	struct dnsblast_bpf *skel;
	int ifindex, err, running;
	uint8_t frame[DNSBLAST_FRAME_MAX];
	pthread_mutex_t lock;
};

static int run_frames(struct sender *s, __u32 n)
{
	struct xdp_md ctx = { .data_end = sizeof(s->frame), .ingress_ifindex = s->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = s->frame, .data_size_in = sizeof(s->frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = n, .batch_size = 64,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	return bpf_prog_test_run_opts(bpf_program__fd(s->skel->progs.dnsblast_gen), &t);
}

/*
 * One sending thread. Every test run ends with a page-pool teardown that
 * waits for an RCU grace period; several threads on the one CPU take turns
 * so that one sends while another waits (as utm-gen does).
 */
static void *send_thread(void *arg)
{
	struct sender *s = arg;
	__u32 n = 64 * 256;
	double t, dt;
	int rc;

	while (!s->skel->bss->stop) {
		t = now();
		rc = run_frames(s, n);
		if (rc) {
			pthread_mutex_lock(&s->lock);
			if (!s->err && !(rc == -EINTR && interrupted))
				s->err = rc;
			pthread_mutex_unlock(&s->lock);
			break;
		}
		dt = now() - t;
		if (dt > 0)
			n = n / dt * RUN_SECONDS;
		if (n < 64)
			n = 64;
		if (n > MAX_RUN)
			n = MAX_RUN;
	}
	pthread_mutex_lock(&s->lock);
	s->running--;
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static int read_counts(struct dnsblast_bpf *skel, struct dnsblast_count *sum)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct dnsblast_count *v;
	__u32 zero = 0;

	memset(sum, 0, sizeof(*sum));
	if (ncpu <= 0 || !(v = calloc(ncpu, sizeof(*v))))
		return -1;
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.responses), &zero, v)) {
		free(v);
		return -1;
	}
	for (i = 0; i < ncpu; i++) {
		sum->responses += v[i].responses;
		sum->answered += v[i].answered;
		sum->nodata += v[i].nodata;
		sum->nxdomain += v[i].nxdomain;
		sum->other_rcode += v[i].other_rcode;
	}
	free(v);
	return 0;
}

/* Send for o->duration seconds from threads on one CPU; *secs: how long. */
static int blast(struct sender *s, const struct send_opts *o, double *secs)
{
	pthread_t tids[MAX_THREADS];
	unsigned int i, started = 0;
	pthread_attr_t attr;
	cpu_set_t set;
	double t0;
	int over;

	pthread_mutex_init(&s->lock, NULL);
	pthread_attr_init(&attr);
	CPU_ZERO(&set);
	CPU_SET(o->cpu >= 0 ? o->cpu : sched_getcpu(), &set);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	s->skel->bss->stop = 0;
	s->skel->bss->sent = 0;
	t0 = now();
	for (i = 0; i < o->threads; i++) {
		pthread_mutex_lock(&s->lock);
		s->running++;
		pthread_mutex_unlock(&s->lock);
		if (pthread_create(&tids[i], &attr, send_thread, s)) {
			pthread_mutex_lock(&s->lock);
			s->running--;
			pthread_mutex_unlock(&s->lock);
			break;
		}
		started++;
	}
	for (over = !started; !over;) {
		usleep(1000);
		pthread_mutex_lock(&s->lock);
		over = s->err || !s->running || interrupted || now() - t0 >= o->duration;
		pthread_mutex_unlock(&s->lock);
	}
	s->skel->bss->stop = 1;
	*secs = now() - t0;
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_attr_destroy(&attr);
	pthread_mutex_destroy(&s->lock);
	return started ? s->err : -EAGAIN;
}

static void send_usage(FILE *out)
{
	fprintf(out,
		"usage: utm-dnsblast send --dev IF --dst-mac MAC --dst IP --names FILE\n"
		"                         [--src IP] [--type T] [--max-names N] [--duration S]\n"
		"                         [--sink-dev IF] [--cpu N] [--threads N]\n"
		"                         [--stats-link PIN] [--json]\n"
		"\n"
		"Sends DNS queries (no EDNS) for the names in FILE (\"NAME [TYPE]\" lines, the\n"
		"first N [65536]; TYPE default --type [A]) round robin out of IF for S seconds\n"
		"[5] from CPU N [current], UDP from IP [10.99.0.10 or fd99::10] ports 1024+,\n"
		"to IP port 53, as fast as the CPU allows; counts the DNS responses arriving\n"
		"on the sink interface [IF] (XDP; any program there is restored afterwards).\n"
		"--stats-link: also the mean run time of the XDP program behind the pinned\n"
		"link PIN over the run (kernel BPF statistics, on only meanwhile).\n"
		"Run it in IF's network namespace.\n");
}

static int parse_send(struct send_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "dst-mac", required_argument, NULL, 'M' },
		{ "dst", required_argument, NULL, 'D' },
		{ "src", required_argument, NULL, 'S' },
		{ "names", required_argument, NULL, 'n' },
		{ "type", required_argument, NULL, 't' },
		{ "max-names", required_argument, NULL, 'm' },
		{ "duration", required_argument, NULL, 'u' },
		{ "sink-dev", required_argument, NULL, 'k' },
		{ "stats-link", required_argument, NULL, 'L' },

		{ "cpu", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c, bad = 0, have_src = 0, t;
	char *end;

	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dev = optarg; break;
		case 'M': o->have_dst_mac = 1; bad = mac_parse(optarg, o->q.dst_mac); break;
		case 'D': o->have_dst = 1; bad = parse_addr(optarg, &o->q.family, o->q.dst); break;
		case 'S': have_src = 1; bad = parse_addr(optarg, &o->q.family, o->q.src); break;
		case 'n': o->names = optarg; break;
		case 't':
			t = qtype_of(optarg);
			bad = t < 0;
			o->q.qtype = t;
			break;
		case 'm': bad = parse_num(optarg, 1, DNSBLAST_MAX_FRAMES, &o->max_names); break;
		case 'u':
			o->duration = strtod(optarg, &end);
			bad = *end || !(o->duration > 0);
			break;
		case 'k': o->sink_dev = optarg; break;
		case 'L': o->stats_link = optarg; break;

		case 'c':
			bad = parse_num(optarg, 0, CPU_SETSIZE - 1, &v);
			o->cpu = v;
			break;
		case 'T': bad = parse_num(optarg, 1, MAX_THREADS, &o->threads); break;
		case 'j': o->json = 1; break;
		case 'h': send_usage(stdout); exit(0);
		default: bad = 1;
		}
	}
	if (bad || optind < argc || !o->dev || !o->have_dst || !o->have_dst_mac || !o->names) {
		send_usage(stderr);
		return -1;
	}
	if (!have_src)
		parse_addr(o->q.family == AF_INET ? "10.99.0.10" : "fd99::10", &o->q.family,
			   o->q.src);
	if (netdev_mac(o->dev, o->q.src_mac)) {
		fprintf(stderr, "utm-dnsblast: %s: no such interface here\n", o->dev);
		return -1;
	}
	return 0;
}

/*
 * Attach the sink to ifindex in native mode. *old: an fd holding the
 * program it replaced (or -1), taken before the replacement: a program
 * attached without a pin or link is freed the moment it is replaced.
 */
static int sink_attach(struct dnsblast_bpf *skel, int ifindex, int *old)
{
	__u32 id = 0;
	int rc;

	*old = -1;
	if (bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &id) == 0 && id)
		*old = bpf_prog_get_fd_by_id(id);
	rc = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.dnsblast_sink),
			    XDP_FLAGS_DRV_MODE, NULL);
	if (rc)
		fprintf(stderr, "utm-dnsblast: attaching the sink: %s\n", strerror(-rc));
	return rc;
}

/* Put back what the sink replaced (or nothing). */
static void sink_detach(int ifindex, int old)
{
	if (old >= 0) {
		bpf_xdp_attach(ifindex, old, XDP_FLAGS_DRV_MODE, NULL);
		close(old);
	} else {
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	}
}

static int cmd_send(int argc, char **argv)
{
	struct send_opts o = { .q = { .family = AF_UNSPEC, .qtype = 1 }, .max_names = 65536,
			       .threads = 4, .duration = 5, .cpu = -1 };
	struct dnsblast_frame *frames = NULL;
	struct dnsblast_count cnt;
	struct sender s = { 0 };
	int sink_if, rc = 1, prog_fd = -1, stats_fd = -1;
	__u64 st0 = 0, sc0 = 0, st1 = 0, sc1 = 0;
	long n, skipped, i;
	double secs = 0;
	int old = -1;

	if (parse_send(&o, argc, argv))
		return 2;
	s.ifindex = if_nametoindex(o.dev);
	sink_if = if_nametoindex(o.sink_dev ? o.sink_dev : o.dev);
	if (!s.ifindex || !sink_if) {
		fprintf(stderr, "utm-dnsblast: no such interface here\n");
		return 1;
	}
	frames = calloc(o.max_names, sizeof(*frames));
	if (!frames)
		return 1;
	n = read_frames(o.names, &o.q, frames, o.max_names, &skipped);
	if (n < 0)
		goto out;
	s.skel = dnsblast_bpf__open();
	if (!s.skel)
		goto out;
	s.skel->rodata->nframes = n;
	if (dnsblast_bpf__load(s.skel)) {
		fprintf(stderr, "utm-dnsblast: loading the programs failed\n");
		goto out;
	}
	for (i = 0; i < n; i++) {
		__u32 k = i;

		if (bpf_map_update_elem(bpf_map__fd(s.skel->maps.frames), &k, &frames[i], 0))
			goto out;
	}
	/* The template is the longest frame: each iteration shortens it. */
	memcpy(s.frame, frames[0].data, frames[0].len);
	if (sink_attach(s.skel, sink_if, &old))
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o.stats_link) {
		prog_fd = utm_link_prog_fd("utm-dnsblast", o.stats_link, NULL);
		/* Held open, the fd keeps statistics on; closing restores the old state. */
		stats_fd = prog_fd >= 0 ? bpf_enable_stats(BPF_STATS_RUN_TIME) : -1;
		if (stats_fd < 0 || utm_prog_run_stats(prog_fd, &st0, &sc0)) {
			fprintf(stderr, "utm-dnsblast: BPF statistics of %s: %s\n", o.stats_link,
				strerror(errno));
			sink_detach(sink_if, old);
			goto out;
		}
	}
	rc = blast(&s, &o, &secs);
	if (stats_fd >= 0 && utm_prog_run_stats(prog_fd, &st1, &sc1))
		st1 = st0, sc1 = sc0;
	usleep(DRAIN_US);
	sink_detach(sink_if, old);
	if (rc) {
		fprintf(stderr, "utm-dnsblast: sending failed: %s\n", strerror(-rc));
		rc = 1;
		goto out;
	}
	if (read_counts(s.skel, &cnt)) {
		fprintf(stderr, "utm-dnsblast: reading the sink's counters failed\n");
		rc = 1;
		goto out;
	}
	if (o.json)
		printf("{\"sent\":%llu,\"seconds\":%.6f,\"qps\":%.0f,\"responses\":%llu,"
		       "\"rps\":%.0f,\"answered\":%llu,\"nodata\":%llu,\"nxdomain\":%llu,"
		       "\"other_rcode\":%llu,\"names\":%ld,\"names_skipped\":%ld,"
		       "\"prog_runs\":%llu,\"prog_ns_per_run\":%.1f}\n",
		       (unsigned long long)s.skel->bss->sent, secs, s.skel->bss->sent / secs,
		       (unsigned long long)cnt.responses, cnt.responses / secs,
		       (unsigned long long)cnt.answered, (unsigned long long)cnt.nodata,
		       (unsigned long long)cnt.nxdomain, (unsigned long long)cnt.other_rcode, n,
		       skipped, (unsigned long long)(sc1 - sc0),
		       sc1 > sc0 ? (double)(st1 - st0) / (sc1 - sc0) : 0);
	else
		printf("%llu queries in %.3f s (%.0f/s), %llu responses (%.0f/s): %llu with an "
		       "answer, %llu no data, %llu NXDOMAIN, %llu other; %ld names\n",
		       (unsigned long long)s.skel->bss->sent, secs, s.skel->bss->sent / secs,
		       (unsigned long long)cnt.responses, cnt.responses / secs,
		       (unsigned long long)cnt.answered, (unsigned long long)cnt.nodata,
		       (unsigned long long)cnt.nxdomain, (unsigned long long)cnt.other_rcode, n);
	if (!o.json && sc1 > sc0)
		printf("%s: %llu runs, %.1f ns per run\n", o.stats_link,
		       (unsigned long long)(sc1 - sc0), (double)(st1 - st0) / (sc1 - sc0));
	rc = 0;
out:
	if (stats_fd >= 0)
		close(stats_fd);
	if (prog_fd >= 0)
		close(prog_fd);
	dnsblast_bpf__destroy(s.skel);
	free(frames);
	return rc;
}

/* ---------------------------------------------------------------- cost */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Mean ns per run of program fd over n single test runs of frame, from the
 * kernel's run-time statistics (on while stats_fd is open); the verdict of
 * the last run in *verdict. A test run with repeat > 1 cannot measure the
 * guard: the runs share one buffer, so from the second on the program sees
 * its own answer (a response, which it forwards) instead of the query.
 */
static int single_runs(int fd, const uint8_t *frame, size_t len, __u32 ifindex, unsigned long long n,
		       double *mean, __u32 *verdict)
{
	uint8_t out[512];
	__u64 t0, c0, t1, c1;
	unsigned long long i;
	int rc;

	if (utm_prog_run_stats(fd, &t0, &c0))
		return -errno;
	for (i = 0; i < n; i++) {
		struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, tr, .data_in = frame, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = 1);

		rc = bpf_prog_test_run_opts(fd, &tr);
		if (rc)
			return rc;
		*verdict = tr.retval;
	}
	if (utm_prog_run_stats(fd, &t1, &c1))
		return -errno;
	*mean = c1 > c0 ? (double)(t1 - t0) / (c1 - c0) : 0;
	return 0;
}

/* Median over runs of single_runs(); 0 or an error. */
static int median_cost(int fd, const uint8_t *frame, size_t len, __u32 ifindex,
		       unsigned long long n, unsigned long long runs, double *median,
		       double *min, __u32 *verdict)
{
	double m[100];
	unsigned long long r;
	int rc;

	for (r = 0; r < runs; r++) {
		rc = single_runs(fd, frame, len, ifindex, n, &m[r], verdict);
		if (rc)
			return rc;
	}
	qsort(m, runs, sizeof(m[0]), cmp_double);
	*median = m[runs / 2];
	*min = m[0];
	return 0;
}

static void cost_usage(FILE *out)
{
	fprintf(out,
		"usage: utm-dnsblast cost --pin-root DIR --name NAME [--type T] [--port lan|wan]\n"
		"                         [--src IP] [--dst IP] [--count N] [--runs R] [--json]\n"
		"\n"
		"The time the XDP program attached through DIR/link_PORT [lan] takes for a\n"
		"query for NAME (type T [A], no EDNS, from IP [10.99.0.10] to IP\n"
		"[198.51.100.53]): N [100000] BPF_PROG_TEST_RUNs of one run each, timed by\n"
		"the kernel's BPF run-time statistics (switched on meanwhile), median of R\n"
		"[5]. Prints the verdict (XDP_TX: the guard answered) and ns per query, and\n"
		"the same measurement of a trivial program (utm-dnsblast's sink) on the same\n"
		"frame: the statistics' own overhead. Run it in the box's namespace.\n");
}

static int cmd_cost(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pin-root", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' },
		{ "name", required_argument, NULL, 'n' },
		{ "type", required_argument, NULL, 't' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'D' },
		{ "count", required_argument, NULL, 'c' },
		{ "runs", required_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct query_spec q = { .family = AF_UNSPEC, .qtype = 1,
				.src_mac = { 2, 0x99, 0, 0, 0, 0x10 },
				.dst_mac = { 2, 0x99, 0, 0, 0, 1 } };
	const char *pin_root = NULL, *port = "lan", *name = NULL, *src = NULL, *dst = NULL;
	unsigned long long count = 100000, runs = 5;
	double med, min, ref_med, ref_min;
	struct dnsblast_bpf *skel = NULL;
	char path[PATH_MAX], ifname[IF_NAMESIZE];
	int c, bad = 0, fd = -1, stats_fd = -1, rc = 1, t, json = 0;
	__u32 ifindex, verdict = 0, ref_verdict = 0;
	uint8_t frame[DNSBLAST_FRAME_MAX];
	size_t len;

	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': pin_root = optarg; break;
		case 'P': port = optarg; break;
		case 'n': name = optarg; break;
		case 't':
			t = qtype_of(optarg);
			bad = t < 0;
			q.qtype = t;
			break;
		case 'S': src = optarg; break;
		case 'D': dst = optarg; break;
		case 'c': bad = parse_num(optarg, 1, 100000000, &count); break;
		case 'R': bad = parse_num(optarg, 1, 100, &runs); break;
		case 'j': json = 1; break;
		case 'h': cost_usage(stdout); return 0;
		default: bad = 1;
		}
	}
	if (bad || optind < argc || !pin_root || !name ||
	    (strcmp(port, "lan") && strcmp(port, "wan")) ||
	    (src && parse_addr(src, &q.family, q.src)) ||
	    (dst && parse_addr(dst, &q.family, q.dst))) {
		cost_usage(stderr);
		return 2;
	}
	if (!src)
		parse_addr(q.family == AF_INET6 ? "fd99::10" : "10.99.0.10", &q.family, q.src);
	if (!dst)
		parse_addr(q.family == AF_INET6 ? "2001:db8:100::10" : "198.51.100.53", &q.family,
			   q.dst);
	len = build_query(&q, name, 0, 0x1234, 40000, frame, sizeof(frame));
	if (!len) {
		fprintf(stderr, "utm-dnsblast: %s: not a name that fits a query frame\n", name);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/link_%s", pin_root, port);
	fd = utm_link_prog_fd("utm-dnsblast", path, &ifindex);
	if (fd < 0)
		return 1;
	if (!if_indextoname(ifindex, ifname)) {
		fprintf(stderr, "utm-dnsblast: ifindex %u is not in this namespace; run it in "
				"the box's (nsenter --net=/run/netns/BOX)\n", ifindex);
		goto out;
	}
	skel = dnsblast_bpf__open_and_load();
	/* Held open, the fd keeps statistics on; closing it restores the previous state. */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (!skel || stats_fd < 0) {
		fprintf(stderr, "utm-dnsblast: %s\n",
			skel ? "enabling BPF statistics failed" : "loading the sink failed");
		goto out;
	}
	rc = median_cost(fd, frame, len, ifindex, count, runs, &med, &min, &verdict);
	if (!rc)
		rc = median_cost(bpf_program__fd(skel->progs.dnsblast_sink), frame, len, ifindex,
				 count, runs, &ref_med, &ref_min, &ref_verdict);
	if (rc) {
		fprintf(stderr, "utm-dnsblast: BPF_PROG_TEST_RUN: %s\n", strerror(-rc));
		rc = 1;
		goto out;
	}
	if (json)
		printf("{\"name\":\"%s\",\"port\":\"%s\",\"verdict\":\"%s\",\"ns_median\":%.1f,"
		       "\"ns_min\":%.1f,\"overhead_ns_median\":%.1f,\"count\":%llu,\"runs\":%llu}\n",
		       name, ifname, utm_xdp_action_name(verdict), med, min, ref_med, count, runs);
	else
		printf("%s %s on %s: %s, %.1f ns/query (median of %llu x %llu runs; min %.1f); "
		       "statistics overhead %.1f ns\n",
		       name, q.qtype == 28 ? "AAAA" : "A", ifname, utm_xdp_action_name(verdict), med, runs,
		       count, min, ref_med);
	rc = 0;
out:
	if (stats_fd >= 0)
		close(stats_fd);
	dnsblast_bpf__destroy(skel);
	close(fd);
	return rc;
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *out)
{
	fprintf(out, "usage: utm-dnsblast send|cost [options]   (COMMAND --help for its options)\n"
		     "  send   DNS queries from a names file at full speed; count the responses\n"
		     "  cost   ns per query of the UTM's attached XDP program (BPF_PROG_TEST_RUN)\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "send"))
		return cmd_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cost"))
		return cmd_cost(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}

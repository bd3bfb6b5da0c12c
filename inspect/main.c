// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-inspect: the inline half of the UTM. It joins the bridge that
 * utm-load runs (its pinned maps), takes the flows of the configured ports
 * through AF_XDP sockets, forwards them to the other port, and hands each
 * flow back to the XDP fast path (a pass entry in inspect_flows) once its
 * inspection depth is reached. Stopping it, or its death, returns the ports
 * to pure XDP forwarding: the kernel empties the xsks slots of closed
 * sockets.
 *
 * This is the inline core of issue 5; the detection engine (reassembly,
 * parsers, rules) plugs into on_frame().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf/utm_types.h"
#include "inspect/flow.h"
#include "inspect/io_xsk.h"
#include "inspect/pkt.h"
#include "lib/config.h"
#include "lib/log.h"
#include "lib/utmmaps.h"

#define MAX_PORTS 64
#define SEC	  1000000000ull

/* The ports the issue names: HTTP, SMTP, submission, POP3, IMAP, FTP, DNS over TCP, TLS. */
static const char DEFAULT_PORTS[] = "tcp:80,tcp:8080,tcp:25,tcp:587,tcp:110,tcp:143,tcp:21,"
				    "tcp:53,tcp:443";

struct opts {
	char lan[IF_NAMESIZE], wan[IF_NAMESIZE];
	char pin_root[PATH_MAX];
	unsigned int queue;
	unsigned int depth_packets; /* frames of a flow seen before it is bypassed */
	unsigned int flow_timeout_s, closing_timeout_s;
	char ports[1024];
};

struct inspector {
	struct opts o;
	int ports_fd, flows_fd, xsks_fd;
	uint32_t port[MAX_PORTS];
	uint8_t port_bits[MAX_PORTS];
	size_t nports;
	struct flow_table *flows;
	struct xskp x;
	uint64_t bypassed, bypass_errors, expired_entries;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	stopping = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: utm-inspect --lan IF --wan IF [options]\n"
		"\n"
		"  --lan IF, --wan IF     the bridge ports utm-load runs (or from --config)\n"
		"  --config FILE          utm.yaml: ports and pin root\n"
		"  --pin-root DIR         where utm-load pinned the bridge's maps [%s]\n"
		"  --queue N              the rx queue to serve on both ports [0]\n"
		"  --ports LIST           flows to inspect, e.g. tcp:80,tcp:443,udp:53 [%s]\n"
		"  --depth-packets N      frames of a flow inspected before it is handed back to "
		"XDP "
		"[32]\n"
		"  --flow-timeout S       idle seconds before a bypass entry is removed [300]\n"
		"  --closing-timeout S    the same after a FIN or RST [10]\n",
		UTM_DEFAULT_PIN_ROOT, DEFAULT_PORTS);
}

/* "tcp:80,udp:53" into the port table. */
static int parse_ports(struct inspector *in, const char *list, char *err, size_t errlen)
{
	char buf[1024], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	in->nports = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint8_t bits = !strncmp(tok, "tcp:", 4)	  ? UTM_STEER_TCP
			       : !strncmp(tok, "udp:", 4) ? UTM_STEER_UDP
							  : 0;
		char *end;
		long port = bits ? strtol(tok + 4, &end, 10) : -1;

		if (!bits || *end || port < 1 || port > 65535 || in->nports == MAX_PORTS) {
			snprintf(err, errlen,
				 "--ports: '%s' is not tcp:PORT or udp:PORT (at most %d)", tok,
				 MAX_PORTS);
			return -1;
		}
		in->port[in->nports] = (uint32_t)port;
		in->port_bits[in->nports++] = bits;
	}
	return 0;
}

enum {
	OPT_LAN = 256,
	OPT_WAN,
	OPT_CONFIG,
	OPT_PIN,
	OPT_QUEUE,
	OPT_PORTS,
	OPT_DEPTH,
	OPT_TIMEOUT,
	OPT_CLOSING,
	OPT_HELP
};

static const struct option longopts[] = {
	{"lan", required_argument, NULL, OPT_LAN},
	{"wan", required_argument, NULL, OPT_WAN},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"pin-root", required_argument, NULL, OPT_PIN},
	{"queue", required_argument, NULL, OPT_QUEUE},
	{"ports", required_argument, NULL, OPT_PORTS},
	{"depth-packets", required_argument, NULL, OPT_DEPTH},
	{"flow-timeout", required_argument, NULL, OPT_TIMEOUT},
	{"closing-timeout", required_argument, NULL, OPT_CLOSING},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static int config_file(struct opts *o, const char *path)
{
	struct utm_cfg cfg;
	char err[PATH_MAX + 256];

	utm_cfg_defaults(&cfg);
	if (utm_cfg_load_file(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "utm-inspect: %s\n", err);
		return -1;
	}
	snprintf(o->lan, sizeof(o->lan), "%s", cfg.lan);
	snprintf(o->wan, sizeof(o->wan), "%s", cfg.wan);
	snprintf(o->pin_root, sizeof(o->pin_root), "%s", cfg.pin_root);
	utm_cfg_free(&cfg);
	return 0;
}

static int number(const char *name, const char *v, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *end || n > max) {
		fprintf(stderr, "utm-inspect: --%s: expected a number 0..%u\n", name, max);
		return -1;
	}
	*out = (unsigned int)n;
	return 0;
}

static int parse_args(struct opts *o, int argc, char **argv)
{
	int c, rc = 0;

	snprintf(o->pin_root, sizeof(o->pin_root), "%s", UTM_DEFAULT_PIN_ROOT);
	snprintf(o->ports, sizeof(o->ports), "%s", DEFAULT_PORTS);
	o->depth_packets = 32;
	o->flow_timeout_s = 300;
	o->closing_timeout_s = 10;
	/* The configuration first, so that flags override it. */
	for (c = 1; c + 1 < argc; c++)
		if (!strcmp(argv[c], "--config") && config_file(o, argv[c + 1]))
			return -1;
	while (!rc && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LAN:
			snprintf(o->lan, sizeof(o->lan), "%s", optarg);
			break;
		case OPT_WAN:
			snprintf(o->wan, sizeof(o->wan), "%s", optarg);
			break;
		case OPT_CONFIG:
			break;
		case OPT_PIN:
			snprintf(o->pin_root, sizeof(o->pin_root), "%s", optarg);
			break;
		case OPT_QUEUE:
			rc = number("queue", optarg, UTM_XSK_QUEUES - 1, &o->queue);
			break;
		case OPT_PORTS:
			snprintf(o->ports, sizeof(o->ports), "%s", optarg);
			break;
		case OPT_DEPTH:
			rc = number("depth-packets", optarg, 1u << 30, &o->depth_packets);
			break;
		case OPT_TIMEOUT:
			rc = number("flow-timeout", optarg, 86400, &o->flow_timeout_s);
			break;
		case OPT_CLOSING:
			rc = number("closing-timeout", optarg, 86400, &o->closing_timeout_s);
			break;
		case OPT_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!rc && (!o->lan[0] || !o->wan[0])) {
		fprintf(stderr, "utm-inspect: --lan and --wan are required\n");
		rc = -1;
	}
	return rc;
}

static int open_map(const char *root, const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (utm_pin_path(path, sizeof(path), root, name))
		return -1;
	fd = bpf_obj_get(path);
	if (fd < 0)
		log_err("%s: %s (is utm-load running with this pin root?)", path, strerror(errno));
	return fd;
}

/* Steer the configured ports to us (XDP reads inspect_ports for every TCP/UDP frame). */
static int set_ports(struct inspector *in, int on)
{
	size_t i;

	for (i = 0; i < in->nports; i++) {
		uint8_t bits = 0;

		if (bpf_map_lookup_elem(in->ports_fd, &in->port[i], &bits))
			return -1;
		bits = on ? bits | in->port_bits[i] : bits & ~in->port_bits[i];
		if (bpf_map_update_elem(in->ports_fd, &in->port[i], &bits, BPF_ANY))
			return -1;
	}
	return 0;
}

static void key_of(const struct flow_tuple *t, struct utm_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = t->family;
	k->proto = t->proto;
	k->sport = htons(t->sport);
	k->dport = htons(t->dport);
	memcpy(k->saddr, t->saddr, 16);
	memcpy(k->daddr, t->daddr, 16);
}

/* Hand a flow back to XDP: a pass entry for each direction. */
static void bypass(struct inspector *in, struct flow *f, const struct pkt_info *p)
{
	struct utm_flow_entry e = {.verdict = UTM_FLOW_PASS, .last_ns = mono_ns()};
	struct flow_tuple rev = p->tuple;
	struct utm_flow_key k;

	memcpy(rev.saddr, p->tuple.daddr, 16);
	memcpy(rev.daddr, p->tuple.saddr, 16);
	rev.sport = p->tuple.dport;
	rev.dport = p->tuple.sport;
	key_of(&p->tuple, &k);
	if (bpf_map_update_elem(in->flows_fd, &k, &e, BPF_ANY))
		in->bypass_errors++;
	key_of(&rev, &k);
	if (bpf_map_update_elem(in->flows_fd, &k, &e, BPF_ANY))
		in->bypass_errors++;
	f->verdict = FLOW_PASS;
	in->bypassed++;
}

static enum xskp_verdict on_frame(uint8_t *frame, uint32_t len, uint32_t role, void *ctx)
{
	struct inspector *in = ctx;
	struct pkt_info p;
	enum flow_dir dir;
	struct flow *f;
	int created;

	if (pkt_parse(frame, len, &p) != PKT_OK)
		return XSKP_FORWARD; /* not ours to judge: XDP steers only TCP/UDP */
	f = flow_get(in->flows, &p.tuple, mono_ns(), len, &dir, &created);
	if (!f)
		return XSKP_FORWARD;
	if (p.tcp_flags & (PKT_TCP_FIN | PKT_TCP_RST))
		f->state = FLOW_CLOSING;
	else if (p.tcp_flags & PKT_TCP_ACK && f->state == FLOW_NEW && dir == FLOW_TO_SERVER &&
		 f->pkts[FLOW_TO_CLIENT])
		f->state = FLOW_ESTABLISHED;
	/* The detection engine plugs in here; until a verdict, the depth decides. */
	if (f->verdict == FLOW_INSPECT && f->state != FLOW_CLOSING &&
	    f->pkts[0] + f->pkts[1] >= in->o.depth_packets)
		bypass(in, f, &p);
	return XSKP_FORWARD;
}

/* Remove bypass entries idle past their timeout, so the LRU map never fills with dead flows. */
static void expire_entries(struct inspector *in)
{
	uint64_t now = mono_ns(), idle_max = in->o.flow_timeout_s * SEC,
		 closing_max = in->o.closing_timeout_s * SEC;
	struct utm_flow_key key, next, *prev = NULL;
	struct utm_flow_entry e;

	while (bpf_map_get_next_key(in->flows_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(in->flows_fd, &key, &e))
			continue;
		if (now > e.last_ns && now - e.last_ns > (e.closing ? closing_max : idle_max)) {
			bpf_map_delete_elem(in->flows_fd, &key);
			in->expired_entries++;
		}
	}
}

static void clear_entries(int fd)
{
	struct utm_flow_key key;

	while (bpf_map_get_next_key(fd, NULL, &key) == 0)
		if (bpf_map_delete_elem(fd, &key))
			break;
}

static void log_stats(const struct inspector *in)
{
	const struct xskp_port *l = &in->x.port[UTM_PORT_LAN], *w = &in->x.port[UTM_PORT_WAN];
	struct flow_table_stats st;

	flow_table_stats(in->flows, &st);
	log_info("inspected frames: lan %llu in, %llu out; wan %llu in, %llu out; tx full %llu; "
		 "flows %u active, %llu created; %llu bypassed, %llu bypass entries expired",
		 (unsigned long long)l->rx_frames, (unsigned long long)l->tx_frames,
		 (unsigned long long)w->rx_frames, (unsigned long long)w->tx_frames,
		 (unsigned long long)(l->tx_full + w->tx_full), st.active,
		 (unsigned long long)st.created, (unsigned long long)in->bypassed,
		 (unsigned long long)in->expired_entries);
}

static int run(struct inspector *in)
{
	uint64_t next_tick = mono_ns() + SEC, ticks = 0;

	while (!stopping) {
		if (xskp_poll(&in->x, 200, on_frame, in) < 0) {
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		if (mono_ns() < next_tick)
			continue;
		next_tick = mono_ns() + SEC;
		expire_entries(in);
		flow_table_expire(in->flows, mono_ns(), 4096);
		if (++ticks % 60 == 0)
			log_stats(in);
	}
	return 0;
}

static int setup(struct inspector *in)
{
	char err[512];

	if (parse_ports(in, in->o.ports, err, sizeof(err))) {
		fprintf(stderr, "utm-inspect: %s\n", err);
		return -1;
	}
	in->ports_fd = open_map(in->o.pin_root, "inspect_ports");
	in->flows_fd = open_map(in->o.pin_root, "inspect_flows");
	in->xsks_fd = open_map(in->o.pin_root, "xsks");
	in->flows = flow_table_new(65536, NULL, NULL);
	if (in->ports_fd < 0 || in->flows_fd < 0 || in->xsks_fd < 0 || !in->flows)
		return -1;
	if (xskp_open(&in->x, in->o.lan, in->o.wan, in->o.queue, in->xsks_fd, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	if (set_ports(in, 1)) {
		log_err("writing inspect_ports: %s", strerror(errno));
		return -1;
	}
	log_info("inspecting %s <-> %s queue %u (%s mode), flows of %s, depth %u frames", in->o.lan,
		 in->o.wan, in->o.queue, in->x.port[0].zerocopy ? "zero-copy" : "copy", in->o.ports,
		 in->o.depth_packets);
	return 0;
}

static void teardown(struct inspector *in)
{
	if (in->ports_fd >= 0)
		set_ports(in, 0);
	xskp_close(&in->x);
	if (in->flows_fd >= 0)
		clear_entries(in->flows_fd);
	flow_table_free(in->flows);
}

int main(int argc, char **argv)
{
	struct inspector in = {.ports_fd = -1, .flows_fd = -1, .xsks_fd = -1};
	struct sigaction sa = {.sa_handler = on_signal};
	int rc;

	log_set_program("utm-inspect");
	if (parse_args(&in.o, argc, argv))
		return 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	in.x.xsks_fd = -1;
	rc = setup(&in) ? 1 : run(&in);
	if (in.flows)
		log_stats(&in);
	teardown(&in);
	log_info("stopped; the bridge forwards everything in XDP again");
	return rc;
}

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
 * Every frame goes through the inspection engine (inspect/engine.h):
 * reassembly, HTTP/TLS/DNS parsers, the rules. `--pcap FILE` runs the same
 * engine on a capture and writes the EVE records, as `suricata -r` does.
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
#include "inspect/engine.h"
#include "inspect/io_xsk.h"
#include "inspect/iponly.h"
#include "inspect/io_rules.h"
#include "inspect/pcap.h"
#include "inspect/pkt.h"
#include "inspect/rst.h"
#include "lib/config.h"
#include "lib/fileutil.h"
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
	const char *rules[256]; /* --rules FILE, repeatable */
	unsigned int nrules;
	const char *pcap;	      /* offline mode */
	char eve_buf[PATH_MAX];	      /* the event log of --config */
	const char *ip_only_dir;      /* --ip-only-dir: where the IP-only rules\' lists go */
	const char *drop_classes[64]; /* --drop-class CLASSTYPE: these alert rules drop */
	size_t n_drop_classes;
	uint32_t drop_sids[256]; /* --drop-sid SID */
	size_t n_drop_sids;
	const char *eve; /* EVE JSON output, "-" for stdout */
};

struct inspector {
	struct opts o;
	int ports_fd, flows_fd, xsks_fd;
	uint32_t port[MAX_PORTS];
	uint8_t port_bits[MAX_PORTS];
	size_t nports;
	struct rules_loaded rules;
	struct engine *eng;
	struct engine_cfg cfg; /* what eng was made with (the drop policy) */
	FILE *eve;
	struct xskp x;
	uint64_t bypassed, dropped_flows, bypass_errors, expired_entries;
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
		"       utm-inspect --pcap FILE [--rules FILE] [--eve OUT.json]\n"
		"\n"
		"  --rules FILE...        Suricata/ET rules (repeatable, or several files after\n"
		"                         it); classification.config\n"
		"                         is read from the first file's directory when there\n"
		"  --eve FILE             EVE JSON events, '-' for stdout [the configuration's\n"
		"                         event-log, where utm-load writes its events, else -]\n"
		"  --pcap FILE            inspect a capture offline and exit\n"
		"  --drop-class CLASS     alert rules of this classtype drop instead (repeatable;\n"
		"                         ET ships alert rules: alerting is the default policy)\n"
		"  --drop-sid SID         the same for one rule (repeatable)\n"
		"  --ip-only-dir DIR      write the blocking IP-only rules' addresses as lists "
		"for\n"
		"                         utm-load: DIR/ips-inbound.list, DIR/ips-outbound.list\n"
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
	OPT_HELP,
	OPT_RULES,
	OPT_PCAP,
	OPT_EVE,
	OPT_DROP_CLASS,
	OPT_DROP_SID,
	OPT_IP_ONLY_DIR,
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
	{"rules", required_argument, NULL, OPT_RULES},
	{"pcap", required_argument, NULL, OPT_PCAP},
	{"eve", required_argument, NULL, OPT_EVE},
	{"drop-class", required_argument, NULL, OPT_DROP_CLASS},
	{"drop-sid", required_argument, NULL, OPT_DROP_SID},
	{"ip-only-dir", required_argument, NULL, OPT_IP_ONLY_DIR},
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
	/* utm-load's event log: one file, both programs appending whole lines. */
	snprintf(o->eve_buf, sizeof(o->eve_buf), "%s", cfg.event_log);
	o->eve = o->eve_buf;
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
	o->eve = "-";
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
		case OPT_RULES:
			if (o->nrules == sizeof(o->rules) / sizeof(o->rules[0])) {
				fprintf(stderr, "utm-inspect: too many --rules\n");
				rc = -1;
			} else {
				o->rules[o->nrules++] = optarg;
			}
			break;
		case OPT_PCAP:
			o->pcap = optarg;
			break;
		case OPT_EVE:
			o->eve = optarg;
			break;
		case OPT_IP_ONLY_DIR:
			o->ip_only_dir = optarg;
			break;
		case OPT_DROP_CLASS:
			if (o->n_drop_classes ==
			    sizeof(o->drop_classes) / sizeof(o->drop_classes[0]))
				rc = -1;
			else
				o->drop_classes[o->n_drop_classes++] = optarg;
			break;
		case OPT_DROP_SID: {
			unsigned int sid = 0;

			rc = o->n_drop_sids == sizeof(o->drop_sids) / sizeof(o->drop_sids[0]) ||
			     number("drop-sid", optarg, UINT32_MAX, &sid);
			if (!rc)
				o->drop_sids[o->n_drop_sids++] = sid;
			break;
		}
		default:
			usage(stderr);
			return -1;
		}
	}
	/* More rule files may follow as plain arguments (--rules a.rules b.rules). */
	for (; !rc && optind < argc; optind++) {
		if (o->nrules == sizeof(o->rules) / sizeof(o->rules[0])) {
			fprintf(stderr, "utm-inspect: too many rule files\n");
			rc = -1;
		} else {
			o->rules[o->nrules++] = argv[optind];
		}
	}
	if (!rc && !o->pcap && (!o->lan[0] || !o->wan[0])) {
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

/* Hand a flow to XDP: a pass (or drop) entry for each direction. */
static void set_flow_verdict(struct inspector *in, const struct flow_tuple *t, uint8_t verdict,
			     uint32_t sid)
{
	struct utm_flow_entry e = {.verdict = verdict, .sid = sid, .last_ns = mono_ns()};
	struct flow_tuple rev = *t;
	struct utm_flow_key k;

	memcpy(rev.saddr, t->daddr, 16);
	memcpy(rev.daddr, t->saddr, 16);
	rev.sport = t->dport;
	rev.dport = t->sport;
	key_of(t, &k);
	if (bpf_map_update_elem(in->flows_fd, &k, &e, BPF_ANY))
		in->bypass_errors++;
	key_of(&rev, &k);
	if (bpf_map_update_elem(in->flows_fd, &k, &e, BPF_ANY))
		in->bypass_errors++;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

/* A reject rule: the sender gets a reset from "the peer", the receiver one from "the sender". */
static void reset_both_ends(struct inspector *in, const uint8_t *frame, uint32_t len, uint32_t role)
{
	uint8_t rst[RST_FRAME_MAX];
	size_t n;

	n = rst_build(frame, len, RST_TO_SENDER, rst);
	if (n && xskp_send(&in->x, role, rst, (uint32_t)n))
		log_warn("no room to send a TCP reset on %s", in->x.port[role].ifname);
	n = rst_build(frame, len, RST_TO_RECEIVER, rst);
	if (n && xskp_send(&in->x, !role, rst, (uint32_t)n))
		log_warn("no room to send a TCP reset on %s", in->x.port[!role].ifname);
}

static enum xskp_verdict on_frame(uint8_t *frame, uint32_t len, uint32_t role, void *ctx)
{
	struct inspector *in = ctx;
	struct engine_verdict v;

	engine_frame(in->eng, frame, len, wall_ns(), role == UTM_PORT_LAN, &v);
	if (v.reject)
		reset_both_ends(in, frame, len, role);
	if (v.flow_drop) {
		set_flow_verdict(in, v.tuple, UTM_FLOW_DROP, v.sid);
		in->dropped_flows++;
	} else if (v.flow_done) {
		set_flow_verdict(in, v.tuple, UTM_FLOW_PASS, 0);
		in->bypassed++;
	}
	return v.drop ? XSKP_DROP : XSKP_FORWARD;
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
	struct engine_stats st;

	engine_stats(in->eng, &st);
	log_info("inspected frames: lan %llu in, %llu out; wan %llu in, %llu out; tx full %llu; "
		 "%llu alerts, %llu flows dropped, %llu bypassed; %llu http, %llu tls, %llu dns; "
		 "%llu bypass entries expired",
		 (unsigned long long)l->rx_frames, (unsigned long long)l->tx_frames,
		 (unsigned long long)w->rx_frames, (unsigned long long)w->tx_frames,
		 (unsigned long long)(l->tx_full + w->tx_full), (unsigned long long)st.alerts,
		 (unsigned long long)in->dropped_flows, (unsigned long long)in->bypassed,
		 (unsigned long long)st.http_tx, (unsigned long long)st.tls_hellos,
		 (unsigned long long)st.dns_queries, (unsigned long long)in->expired_entries);
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
		engine_expire(in->eng, wall_ns());
		if (++ticks % 60 == 0) {
			log_stats(in);
			engine_stats_event(in->eng, wall_ns(), ticks);
		}
	}
	return 0;
}

static void eve_line(void *ctx, const char *line)
{
	struct inspector *in = ctx;

	/* One write per line: utm-load appends to the same file (O_APPEND). */
	fprintf(in->eve, "%s\n", line);
	fflush(in->eve);
}

static int rule_blocks(const struct rule *r, void *ctx)
{
	struct inspector *in = ctx;

	return engine_rule_blocks(&in->cfg, r);
}

/* The IP-only rules as two list files for utm-load (it reloads them when they change). */
static int write_ip_only(struct inspector *in)
{
	char in_path[PATH_MAX + 32], out_path[PATH_MAX + 32];
	struct iponly_lists l;

	if (iponly_render(in->rules.rs, rule_blocks, in, &l)) {
		log_err("IP-only rules: out of memory");
		return -1;
	}
	snprintf(in_path, sizeof(in_path), "%s/ips-inbound.list", in->o.ip_only_dir);
	snprintf(out_path, sizeof(out_path), "%s/ips-outbound.list", in->o.ip_only_dir);
	if (file_write_atomic(in_path, l.inbound, l.inbound_len) ||
	    file_write_atomic(out_path, l.outbound, l.outbound_len)) {
		log_err("writing %s: %s", in_path, strerror(errno));
		iponly_free(&l);
		return -1;
	}
	log_info("IP-only rules: %zu blocking rules, %zu addresses into %s and %s (%zu left "
		 "out: alert-only, or not one list against the office)",
		 l.rules, l.entries, in_path, out_path, l.skipped);
	iponly_free(&l);
	return 0;
}

/* Rules, the EVE output and the engine: what both modes need. */
static int start_engine(struct inspector *in)
{
	struct engine_cfg cfg = {
		.eve = eve_line,
		.eve_ctx = in,
		.max_frames = in->o.depth_packets,
		.drop_classes = in->o.drop_classes,
		.n_drop_classes = in->o.n_drop_classes,
		.drop_sids = in->o.drop_sids,
		.n_drop_sids = in->o.n_drop_sids,
		.lan_iface = in->o.lan[0] ? in->o.lan : "lan",
		.wan_iface = in->o.wan[0] ? in->o.wan : "wan",
	};
	char err[512];

	in->eve = strcmp(in->o.eve, "-") ? fopen(in->o.eve, "ae") : stdout;
	if (!in->eve) {
		log_err("%s: %s", in->o.eve, strerror(errno));
		return -1;
	}
	/* Larger than any event line, so that each line is one write(2). */
	setvbuf(in->eve, NULL, _IOFBF, 65536);
	if (in->o.nrules && rules_load(&in->rules, in->o.rules, in->o.nrules, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	cfg.det = in->rules.det;
	in->eng = engine_new(&cfg);
	if (!in->eng) {
		log_err("the inspection engine: out of memory");
		return -1;
	}
	in->cfg = cfg;
	return in->o.ip_only_dir && in->rules.rs ? write_ip_only(in) : 0;
}

/* Private and link-local sources are the office: the LAN side of an offline capture. */
static int from_office(const uint8_t *frame, size_t len)
{
	struct pkt_info p;

	if (pkt_parse(frame, len, &p) != PKT_OK)
		return 1;
	if (p.tuple.family == 4)
		return p.tuple.saddr[0] == 10 ||
		       (p.tuple.saddr[0] == 172 && (p.tuple.saddr[1] & 0xf0) == 16) ||
		       (p.tuple.saddr[0] == 192 && p.tuple.saddr[1] == 168);
	return (p.tuple.saddr[0] & 0xfe) == 0xfc ||
	       (p.tuple.saddr[0] == 0xfe && (p.tuple.saddr[1] & 0xc0) == 0x80);
}

/* utm-inspect --pcap: the same engine over a capture. */
static int run_pcap(struct inspector *in)
{
	struct engine_verdict v;
	struct engine_stats st;
	struct pcap_reader r;
	struct pcap_record rec;
	uint64_t t0, bytes = 0, rec_last_ns = 0;
	char why[256];
	double secs;
	size_t len;
	uint8_t *buf = (uint8_t *)file_read_all(in->o.pcap, &len);
	int rc;

	if (!buf) {
		log_err("%s: %s", in->o.pcap, strerror(errno));
		return 1;
	}
	if (pcap_open(&r, buf, len, why, sizeof(why))) {
		log_err("%s: %s", in->o.pcap, why);
		free(buf);
		return 1;
	}
	t0 = mono_ns();
	while ((rc = pcap_next(&r, &rec, why, sizeof(why))) == 1) {
		engine_frame(in->eng, rec.frame, rec.caplen, rec.ts_ns,
			     from_office(rec.frame, rec.caplen), &v);
		rec_last_ns = rec.ts_ns;
		bytes += rec.caplen;
	}
	secs = (double)(mono_ns() - t0) / 1e9;
	if (rc < 0)
		log_err("%s: %s; the frames before it were inspected", in->o.pcap, why);
	engine_stats(in->eng, &st);
	engine_stats_event(in->eng, rec_last_ns, (uint64_t)secs);
	log_info("%s: %llu frames (%llu TCP, %llu UDP), %llu alerts, %llu flows dropped; "
		 "%llu http, %llu tls, %llu dns; inspected in %.3f s (%.3f Gbit/s)",
		 in->o.pcap, (unsigned long long)st.frames, (unsigned long long)st.tcp,
		 (unsigned long long)st.udp, (unsigned long long)st.alerts,
		 (unsigned long long)st.drops, (unsigned long long)st.http_tx,
		 (unsigned long long)st.tls_hellos, (unsigned long long)st.dns_queries, secs,
		 secs > 0 ? (double)bytes * 8 / secs / 1e9 : 0.0);
	free(buf);
	return rc < 0 ? 1 : 0;
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
	if (in->ports_fd < 0 || in->flows_fd < 0 || in->xsks_fd < 0 || start_engine(in))
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
	engine_free(in->eng);
	rules_free(&in->rules);
	if (in->eve && in->eve != stdout)
		fclose(in->eve);
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
	if (in.o.pcap) {
		rc = start_engine(&in) ? 1 : run_pcap(&in);
		teardown(&in);
		return rc;
	}
	rc = setup(&in) ? 1 : run(&in);
	if (in.eng)
		log_stats(&in);
	teardown(&in);
	log_info("stopped; the bridge forwards everything in XDP again");
	return rc;
}

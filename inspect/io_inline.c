// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * utm-inspect inline: one worker per rx queue, each with its own AF_XDP
 * sockets on both ports (one UMEM) and its own engine. The bridge steers
 * a frame to the worker of the queue it arrived on, so the two directions
 * of a flow meet in one worker when the NICs hash flows symmetrically
 * (ethtool -X ... hkey with a symmetric key, the same queue count on both
 * ports); on veth there is one queue. The main thread expires bypass
 * entries and logs. Stopping, or dying, returns the ports to pure XDP
 * forwarding: the kernel empties the xsks slots of closed sockets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/types.h>

#include "bpf/utm_types.h"
#include "inspect/io_common.h"
#include "inspect/io_inline.h"
#include "inspect/io_xsk.h"
#include "inspect/inject.h"
#include "inspect/io_account.h"
#include "lib/blockpage.h"
#include "inspect/rst.h"
#include "inspect/steer.h"
#include "lib/config.h"
#include "lib/log.h"
#include "lib/utmmaps.h"

#define MAX_PORTS UTM_CFG_MAX_STEER_PORTS /* of --ports */
#define SEC	  1000000000ull
/* Frames of the largest block page at the default MSS. */
#define BLOCK_PAGE_FRAMES ((BLOCKPAGE_MAX + INJECT_MSS_DEFAULT - 1) / INJECT_MSS_DEFAULT)

struct inline_ctx;

/* One rx queue's worker: its sockets, its engine, its thread. */
struct worker {
	struct inline_ctx *in;
	uint32_t queue;
	struct xskp x;
	struct engine *eng;
	pthread_t thread;
	int started;
	uint64_t bypassed, dropped_flows;
};

struct inline_ctx {
	struct common *c;
	const struct opts *o;
	int ports_fd, flows_fd, xsks_fd;
	uint32_t port[MAX_PORTS + STEER_MAX_UDP_PORTS]; /* --ports, then the rules' UDP ports */
	uint8_t port_bits[MAX_PORTS + STEER_MAX_UDP_PORTS];
	size_t nports, rule_udp_ports;
	uint8_t *ips_ports; /* 65536 UTM_STEER_* bits: the ports steered for the IPS (apps on) */
	struct worker *w;
	unsigned int nw;
	uint64_t bypass_errors, expired_entries;
	struct account acct; /* app records waiting for their flow to end in XDP */
};

static volatile sig_atomic_t stopping, reopen;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reopen = 1; /* logrotate, new virus databases: reopen the log, reload them */
	else
		stopping = 1;
}

/* "tcp:80,udp:53" into the port table. */
static int parse_ports(struct inline_ctx *in, const char *list, char *err, size_t errlen)
{
	char why[256];

	if (utm_cfg_parse_ports(list, in->port, in->port_bits, MAX_PORTS, &in->nports, why,
				sizeof(why))) {
		snprintf(err, errlen, "--ports: %s", why);
		return -1;
	}
	return 0;
}

/*
 * The UDP ports the rules name join the table: a UDP rule on port 1900
 * sees nothing unless the bridge steers 1900. Rules on any UDP port see
 * the flows of the ports steered anyway.
 */
static void add_rule_ports(struct inline_ctx *in)
{
	struct steer_udp *su;
	size_t i, j, added = 0;

	if (!in->c->rules.rs)
		return;
	su = malloc(sizeof(*su));
	if (!su) {
		log_warn("UDP ports of the rules: out of memory, not steered");
		return;
	}
	steer_udp_ports(in->c->rules.rs, su);
	for (i = 0; i < su->nports; i++) {
		for (j = 0; j < in->nports && in->port[j] != su->port[i]; j++)
			;
		if (j == in->nports) {
			in->port[in->nports] = su->port[i];
			in->port_bits[in->nports++] = 0;
		}
		if (!(in->port_bits[j] & UTM_STEER_UDP))
			added++;
		in->port_bits[j] |= UTM_STEER_UDP;
	}
	in->rule_udp_ports = added;
	log_info(
		"steering %zu UDP ports named by rules (%zu UDP rules on any port are seen only on "
		"steered ports)",
		su->nports, su->any_port);
	if (su->over_cap)
		log_warn("%zu UDP rules name ports beyond the first %d steered for rules: their "
			 "ports are not steered",
			 su->over_cap, STEER_MAX_UDP_PORTS);
	free(su);
}

/* One more port to steer (or one more protocol for a port already steered). */
static void steer_port(struct inline_ctx *in, uint32_t port, uint8_t bit)
{
	size_t j;

	for (j = 0; j < in->nports && in->port[j] != port; j++)
		;
	if (j == in->nports) {
		if (in->nports == MAX_PORTS + STEER_MAX_UDP_PORTS)
			return;
		in->port[in->nports] = port;
		in->port_bits[in->nports++] = 0;
	}
	in->port_bits[j] |= bit;
}

/*
 * Application detection: every flow's first frames (entry 0's "all" bits).
 * The engine is told which ports were wanted for the IPS, so that a flow
 * steered for its application only is handed back once it is classified.
 */
static int apps_ports(struct inline_ctx *in)
{
	size_t i;

	if (!in->o->apps)
		return 0;
	in->ips_ports = calloc(65536, 1);
	if (!in->ips_ports) {
		log_err("out of memory");
		return -1;
	}
	for (i = 0; i < in->nports; i++)
		in->ips_ports[in->port[i] & 0xffff] |= in->port_bits[i];
	in->c->cfg.ips_ports = in->ips_ports;
	/* A record per flow of an application to log, when the flow ends in XDP. */
	if (account_init(&in->acct, 65536, in->c->cfg.eve, in->c->cfg.eve_ctx, in->c->cfg.lan_iface,
			 in->c->cfg.wan_iface)) {
		log_err("out of memory");
		return -1;
	}
	in->c->cfg.account_in_xdp = 1;
	steer_port(in, 0, UTM_STEER_ALL_TCP | UTM_STEER_ALL_UDP);
	return 0;
}

/* The policy switches need their flows: QUIC (UDP 443), DNS over TLS (TCP 853). */
static void add_policy_ports(struct inline_ctx *in)
{
	if (in->o->block_quic)
		steer_port(in, 443, UTM_STEER_UDP);
	if (in->o->block_doh)
		steer_port(in, 853, UTM_STEER_TCP);
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
static int set_ports(struct inline_ctx *in, int on)
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

/* Hand a flow to XDP: a pass (or drop) entry for each direction. */
static void set_flow_verdict(struct inline_ctx *in, const struct flow_tuple *t, uint8_t verdict,
			     uint32_t sid)
{
	struct utm_flow_entry e = {.verdict = verdict, .sid = sid, .last_ns = common_mono_ns()};
	struct utm_flow_key k, rk;

	bypass_key(t, &k);
	bypass_key_reverse(&k, &rk);
	if (bpf_map_update_elem(in->flows_fd, &k, &e, BPF_ANY))
		__atomic_add_fetch(&in->bypass_errors, 1, __ATOMIC_RELAXED);
	if (bpf_map_update_elem(in->flows_fd, &rk, &e, BPF_ANY))
		__atomic_add_fetch(&in->bypass_errors, 1, __ATOMIC_RELAXED);
}

/*
 * Remove one direction's bypass entry (last counters e); an application
 * record waiting for the flow gets XDP's counts, and is written once the
 * other direction's entry is gone too.
 */
static int remove_entry(struct inline_ctx *in, const struct utm_flow_key *k,
			const struct utm_flow_entry *e)
{
	struct utm_flow_key rk;
	struct utm_flow_entry other;
	int rc = bpf_map_delete_elem(in->flows_fd, k);

	if (rc)
		return rc;
	in->expired_entries++;
	if (!in->acct.e)
		return 0;
	bypass_key_reverse(k, &rk);
	account_gone(&in->acct, k, e, bpf_map_lookup_elem(in->flows_fd, &rk, &other) == 0,
		     common_wall_ns());
	return 0;
}

/* Remove bypass entries idle past their timeout, so the LRU map never fills with dead flows. */
static void expire_entries(struct inline_ctx *in)
{
	uint64_t now = common_mono_ns(), idle_max = in->o->flow_timeout_s * SEC,
		 closing_max = in->o->closing_timeout_s * SEC;
	struct utm_flow_key key, next, *prev = NULL;
	struct utm_flow_entry e;

	while (bpf_map_get_next_key(in->flows_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(in->flows_fd, &key, &e))
			continue;
		if (now > e.last_ns && now - e.last_ns > (e.closing ? closing_max : idle_max))
			remove_entry(in, &key, &e);
	}
}

/* At stop: every entry goes, and the flows' records with what XDP counted so far. */
static void clear_entries(struct inline_ctx *in)
{
	struct utm_flow_key key;
	struct utm_flow_entry e;

	while (bpf_map_get_next_key(in->flows_fd, NULL, &key) == 0) {
		if (bpf_map_lookup_elem(in->flows_fd, &key, &e))
			memset(&e, 0, sizeof(e));
		if (remove_entry(in, &key, &e))
			break;
	}
}

/* A reject rule: the sender gets a reset from "the peer", the receiver one from "the sender". */
static void reset_both_ends(struct worker *w, const uint8_t *frame, uint32_t len, uint32_t role)
{
	uint8_t rst[UNREACH_FRAME_MAX > RST_FRAME_MAX ? UNREACH_FRAME_MAX : RST_FRAME_MAX];
	size_t n = unreach_build(frame, len, rst);

	if (n) { /* UDP: a port unreachable to the sender */
		if (xskp_send(&w->x, role, rst, (uint32_t)n))
			log_warn("no room to send an ICMP unreachable on %s",
				 w->x.port[role].ifname);
		return;
	}
	n = rst_build(frame, len, RST_TO_SENDER, rst);
	if (n && xskp_send(&w->x, role, rst, (uint32_t)n))
		log_warn("no room to send a TCP reset on %s", w->x.port[role].ifname);
	n = rst_build(frame, len, RST_TO_RECEIVER, rst);
	if (n && xskp_send(&w->x, !role, rst, (uint32_t)n))
		log_warn("no room to send a TCP reset on %s", w->x.port[!role].ifname);
}

/*
 * A blocked HTTP request: the block page to the client in the server's
 * name (built from the request frame), a reset to the server. Falls back
 * to resetting both ends when the page cannot be built or sent.
 */
static void send_block_page(struct worker *w, const uint8_t *frame, uint32_t len, uint32_t role,
			    const char *page, size_t page_len)
{
	static __thread uint8_t bufs[BLOCK_PAGE_FRAMES][INJECT_FRAME_MAX(INJECT_MSS_DEFAULT)];
	struct inject_frame fr[BLOCK_PAGE_FRAMES];
	uint8_t rst[RST_FRAME_MAX];
	size_t i, n;
	int k;

	for (i = 0; i < BLOCK_PAGE_FRAMES; i++)
		fr[i] = (struct inject_frame){bufs[i], sizeof(bufs[i]), 0};
	k = inject_build(frame, len, (const uint8_t *)page, page_len, INJECT_MSS_DEFAULT, fr,
			 BLOCK_PAGE_FRAMES);
	if (k <= 0) {
		reset_both_ends(w, frame, len, role);
		return;
	}
	for (i = 0; i < (size_t)k; i++)
		if (xskp_send(&w->x, role, fr[i].buf, (uint32_t)fr[i].len))
			log_warn("no room to send the block page on %s", w->x.port[role].ifname);
	n = rst_build(frame, len, RST_TO_RECEIVER, rst);
	if (n && xskp_send(&w->x, !role, rst, (uint32_t)n))
		log_warn("no room to send a TCP reset on %s", w->x.port[!role].ifname);
}

static enum xskp_verdict on_frame(uint8_t *frame, uint32_t len, uint32_t role, void *ctx)
{
	struct worker *w = ctx;
	struct engine_verdict v;

	engine_frame(w->eng, frame, len, common_wall_ns(), role == UTM_PORT_LAN, &v);
	if (v.reply && xskp_send(&w->x, role, v.reply, (uint32_t)v.reply_len))
		log_warn("no room to send an answer on %s", w->x.port[role].ifname);
	if (v.page)
		send_block_page(w, frame, len, role, v.page, v.page_len);
	else if (v.reject)
		reset_both_ends(w, frame, len, role);
	if (v.flow_drop) {
		set_flow_verdict(w->in, v.tuple, UTM_FLOW_DROP, v.sid);
		w->dropped_flows++;
	} else if (v.flow_done) {
		if (v.report)
			account_add(&w->in->acct, v.report);
		set_flow_verdict(w->in, v.tuple, UTM_FLOW_PASS, 0);
		w->bypassed++;
	}
	return v.drop ? XSKP_DROP : XSKP_FORWARD;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t next_tick = common_mono_ns() + SEC, ticks = 0;

	while (!stopping) {
		if (xskp_poll(&w->x, 200, on_frame, w) < 0) {
			log_err("queue %u: poll: %s", w->queue, strerror(errno));
			break;
		}
		if (common_mono_ns() < next_tick)
			continue;
		next_tick = common_mono_ns() + SEC;
		engine_expire(w->eng, common_wall_ns());
		if (++ticks % 60 == 0)
			engine_stats_event(w->eng, common_wall_ns(), ticks);
	}
	return NULL;
}

static void log_stats(const struct inline_ctx *in)
{
	uint64_t rx[2] = {0}, tx[2] = {0}, full = 0, alerts = 0, drops = 0, bypassed = 0, http = 0,
		 tls = 0, dns = 0;
	unsigned int i;
	int r;

	for (i = 0; i < in->nw; i++) {
		const struct worker *w = &in->w[i];
		struct engine_stats st;

		for (r = 0; r < 2; r++) {
			rx[r] += w->x.port[r].rx_frames;
			tx[r] += w->x.port[r].tx_frames;
			full += w->x.port[r].tx_full;
		}
		if (!w->eng)
			continue;
		engine_stats(w->eng, &st);
		alerts += st.alerts;
		http += st.http_tx;
		tls += st.tls_hellos;
		dns += st.dns_queries;
		drops += w->dropped_flows;
		bypassed += w->bypassed;
	}
	log_info("inspected frames: lan %llu in, %llu out; wan %llu in, %llu out; tx full %llu; "
		 "%llu alerts, %llu flows dropped, %llu bypassed; %llu http, %llu tls, %llu dns; "
		 "%llu bypass entries expired",
		 (unsigned long long)rx[UTM_PORT_LAN], (unsigned long long)tx[UTM_PORT_LAN],
		 (unsigned long long)rx[UTM_PORT_WAN], (unsigned long long)tx[UTM_PORT_WAN],
		 (unsigned long long)full, (unsigned long long)alerts, (unsigned long long)drops,
		 (unsigned long long)bypassed, (unsigned long long)http, (unsigned long long)tls,
		 (unsigned long long)dns, (unsigned long long)in->expired_entries);
	for (i = 0; in->nw > 1 && i < in->nw; i++)
		log_info("queue %u: %llu frames in", in->w[i].queue,
			 (unsigned long long)(in->w[i].x.port[0].rx_frames +
					      in->w[i].x.port[1].rx_frames));
}

/* Sockets and an engine for each queue; nothing runs yet. */
static int open_workers(struct inline_ctx *in)
{
	char err[512];
	unsigned int q;

	in->w = calloc(in->o->queues, sizeof(*in->w));
	if (!in->w)
		return -1;
	for (q = 0; q < in->o->queues; q++) {
		struct worker *w = &in->w[q];

		w->in = in;
		w->queue = q;
		w->x.xsks_fd = -1;
		in->nw++;
		w->eng = engine_new(&in->c->cfg);
		if (!w->eng) {
			log_err("the inspection engine: out of memory");
			return -1;
		}
		if (xskp_open(&w->x, in->o->lan, in->o->wan, q, in->xsks_fd, err, sizeof(err))) {
			log_err("%s", err);
			return -1;
		}
	}
	return 0;
}

static int setup(struct inline_ctx *in)
{
	char err[512];
	unsigned int i;

	if (parse_ports(in, in->o->ports, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	add_rule_ports(in);
	add_policy_ports(in);
	if (apps_ports(in))
		return -1;
	in->ports_fd = open_map(in->o->pin_root, "inspect_ports");
	in->flows_fd = open_map(in->o->pin_root, "inspect_flows");
	in->xsks_fd = open_map(in->o->pin_root, "xsks");
	if (in->ports_fd < 0 || in->flows_fd < 0 || in->xsks_fd < 0 || open_workers(in))
		return -1;
	for (i = 0; i < in->nw; i++) {
		if (pthread_create(&in->w[i].thread, NULL, worker_main, &in->w[i])) {
			log_err("cannot start the worker of queue %u", i);
			return -1;
		}
		in->w[i].started = 1;
	}
	/* Only now that every socket is in place: steer the ports to us. */
	if (set_ports(in, 1)) {
		log_err("writing inspect_ports: %s", strerror(errno));
		return -1;
	}
	log_info("inspecting %s <-> %s, %u queue%s (%s mode), flows of %s%s%s, depth %u frames",
		 in->o->lan, in->o->wan, in->nw, in->nw == 1 ? "" : "s",
		 in->w[0].x.port[0].zerocopy ? "zero-copy" : "copy", in->o->ports,
		 in->rule_udp_ports ? " and the UDP ports of the rules" : "",
		 in->o->apps ? ", and the first frames of every flow for their applications" : "",
		 in->o->depth_packets);
	return 0;
}

static void teardown(struct inline_ctx *in)
{
	unsigned int i;

	stopping = 1;
	if (in->ports_fd >= 0)
		set_ports(in, 0);
	for (i = 0; i < in->nw; i++)
		if (in->w[i].started)
			pthread_join(in->w[i].thread, NULL);
	if (in->nw)
		log_stats(in);
	for (i = 0; i < in->nw; i++) {
		xskp_close(&in->w[i].x);
		engine_free(in->w[i].eng);
	}
	if (in->flows_fd >= 0)
		clear_entries(in);
	if (in->acct.e) {
		account_flush(&in->acct, common_wall_ns());
		account_free(&in->acct);
	}
	free(in->w);
	free(in->ips_ports);
}

int inline_mode(struct common *c)
{
	struct inline_ctx in = {.c = c, .o = c->o, .ports_fd = -1, .flows_fd = -1, .xsks_fd = -1};
	struct sigaction sa = {.sa_handler = on_signal};
	unsigned int ticks = 0;
	int rc = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (setup(&in))
		rc = 1;
	while (!rc && !stopping) {
		sleep(1);
		if (reopen) {
			reopen = 0;
			common_reopen_eve(c);
			common_reload_av(c);
		}
		expire_entries(&in);
		if (++ticks % 60 == 0)
			log_stats(&in);
	}
	teardown(&in);
	log_info("stopped; the bridge forwards everything in XDP again");
	return rc;
}

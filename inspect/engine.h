/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The inspection engine of one worker: frames in, verdicts and EVE events
 * out. It keeps the flow table, reassembles TCP streams, recognises the
 * application protocol (HTTP, TLS, DNS), fills the rule buffers from the
 * parsers and runs the detection engine on the packet payload and on each
 * application event. The same engine serves the inline path (AF_XDP) and
 * the offline mode (`utm-inspect --pcap`).
 */
#ifndef UTM_INSPECT_ENGINE_H
#define UTM_INSPECT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "inspect/detect.h"
#include "inspect/av.h"
#include "inspect/engine_app.h"

/* Where EVE lines go (one JSON object, no newline). */
typedef void (*engine_eve_fn)(void *ctx, const char *line);

struct engine_cfg {
	const struct detect_engine *det; /* NULL: no rules (parsers and events only) */
	uint32_t max_flows;		 /* flow table size */
	uint64_t stream_depth;		 /* bytes of each direction inspected (0: 1 MiB) */
	uint32_t max_frames;		 /* hand a flow back after this many frames (0: no limit) */
	engine_eve_fn eve;		 /* NULL: no events */
	void *eve_ctx;
	const char *lan_iface, *wan_iface; /* names for in_iface */
	/*
	 * The drop policy: ET ships alert rules; the rules of these classtypes
	 * (classification names) and sids drop instead. Borrowed.
	 */
	const char *const *drop_classes;
	size_t n_drop_classes;
	const uint32_t *drop_sids;
	size_t n_drop_sids;
	/* The web policy (site lists, categories) for LAN clients; NULL: none. Borrowed. */
	const struct webpolicy *web;
	uint64_t category_window_ns; /* one category record per device, category, name (0: 1 h) */
	int block_quic; /* drop QUIC (UDP 443) from the LAN: browsers fall back to TCP */
	int block_dot;	/* reset DNS over TLS (TCP 853) from the LAN */
	/* Application detection (nDPI) on every flow, with its policy by name. */
	int apps;
	struct app_policy_names app_names;
	/*
	 * UTM_STEER_* bits per port of what was steered for the IPS (NULL: all
	 * of it, as offline): a flow steered only for its application is handed
	 * back as soon as it is classified.
	 */
	const uint8_t *ips_ports;
	/*
	 * Flows handed back to XDP end there: their app records are finished by
	 * the io layer (verdict.report). 0 (offline): the engine writes them
	 * when the flow ends in it.
	 */
	int account_in_xdp;
	/* The antivirus (inspect/av.h): NULL: off. Borrowed. */
	struct av_holder *av;
	uint64_t av_max_file;	/* largest file kept and scanned */
	size_t av_mem_max;	/* files kept at once, per worker (0: 256 MiB) */
	int av_block_unscanned; /* a file over a limit is blocked, not passed with an event */
	const char *contact_name, *contact_phone, *contact_email; /* on the block page */
};

/*
 * A flow handed back to XDP whose application is accounted (a category to
 * log): the io layer finishes its record when XDP's entries of the flow
 * end, adding what XDP counted (engine_cfg.account_in_xdp).
 */
struct engine_flow_report {
	struct appid_result app;
	struct flow_tuple client;
	uint8_t lan_mac[6];
	int lan_client;
	uint64_t flow_id;
	uint64_t start_ns;	    /* wall clock of its first frame */
	uint64_t pkts[2], bytes[2]; /* seen by the inspector, by enum flow_dir */
	const char *app_proto;	    /* "http", "tls"... or NULL */
};

/* What to do with the frame, and with the rest of its flow. */
struct engine_verdict {
	int drop;      /* drop this frame */
	int flow_done; /* nothing more to learn: hand the flow back to XDP */
	int flow_drop; /* drop the rest of the flow (a drop/reject rule matched) */
	int reject;    /* ... by a reject rule: reset both ends */
	uint32_t sid;  /* the rule behind flow_drop */
	/*
	 * A blocked HTTP request: send this response (the block page) to the
	 * client in the server's name, built from this frame (the request), and
	 * reset the server. Valid until the next call.
	 */
	const char *page;
	size_t page_len;
	/* A frame to send back out of the port this one came in on (a DNS answer). */
	const uint8_t *reply;
	size_t reply_len;
	/* With flow_done: the flow's application to account when it ends in XDP, or NULL. */
	const struct engine_flow_report *report;
	const struct flow_tuple *tuple; /* the frame's tuple (valid until the next call) */
};

struct engine_stats {
	uint64_t frames, tcp, udp, other, alerts, drops;
	uint64_t http_tx, tls_hellos, dns_queries, mail_messages;
	uint64_t stream_nomem; /* stream directions no longer inspected for want of memory */
	uint64_t thresholded;  /* alerts not reported: the rule's threshold */
	uint64_t web_blocked, web_logged; /* web policy: connections blocked, category records */
	uint64_t apps_classified, apps_blocked;
	uint64_t files, files_infected, files_unscanned;
	uint64_t mail_encrypted; /* mail connections that went TLS (STARTTLS): not scanned */
};

struct engine;

struct engine *engine_new(const struct engine_cfg *cfg);
void engine_free(struct engine *e);

/*
 * One frame (Ethernet) seen at ts_ns (wall clock, ns) arriving from the
 * LAN (from_lan) or the WAN port.
 */
void engine_frame(struct engine *e, const uint8_t *frame, size_t len, uint64_t ts_ns, int from_lan,
		  struct engine_verdict *v);

/* Expire idle flows (now in the frames' clock). */
void engine_expire(struct engine *e, uint64_t now_ns);

void engine_stats(const struct engine *e, struct engine_stats *st);

/* Whether rule r blocks under cfg's policy (drop/reject, or an alert rule --drop-class/-sid names).
 */
int engine_rule_blocks(const struct engine_cfg *cfg, const struct rule *r);

/* A Suricata-style "stats" record of the counters so far. */
void engine_stats_event(struct engine *e, uint64_t ts_ns, uint64_t uptime_s);

#endif /* UTM_INSPECT_ENGINE_H */

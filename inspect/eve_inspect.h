/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The inspector's EVE JSON: alert, http, tls, dns, flow and anomaly events
 * with Suricata's field names and timestamp format (so jq, evebox, Elastic
 * and Splunk read them unchanged), plus the UTM's "utm" object: which
 * function acted, its stars, the LAN device. Pure: values in, one JSON
 * line out. Bytes from the wire are made printable (\xHH) before they go
 * into a JSON string.
 */
#ifndef UTM_INSPECT_EVE_INSPECT_H
#define UTM_INSPECT_EVE_INSPECT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "inspect/flow.h"

/* What every event of a flow starts with. */
struct eve_inspect_ctx {
	struct timespec wall;		/* when (wall clock) */
	uint64_t flow_id;		/* the flow's id (flow->id) */
	const char *in_iface;		/* the port the packet came in on, or NULL */
	const struct flow_tuple *tuple; /* src/dest as Suricata prints them: the client first */
	const char *app_proto;		/* "http", "tls", "dns", "smtp"..., or NULL */
	const uint8_t *lan_mac;		/* the LAN device's MAC, or NULL */
	const uint8_t *lan_ip;		/* its address (family of tuple), or NULL */
	int lan_is_client;		/* the flow was opened from the LAN (outbound) */
};

/* A bytes-and-length view of wire data. */
struct eve_bytes {
	const uint8_t *p;
	size_t len;
};

struct eve_alert_info {
	int blocked; /* action "blocked" (drop/reject) or "allowed" (alert) */
	uint32_t gid, sid, rev;
	const char *msg;      /* signature */
	const char *category; /* classtype's description, or NULL */
	int priority;	      /* 1 (highest) .. 4: Suricata's "severity" */
};

struct eve_http_info {
	struct eve_bytes hostname, url, user_agent, method, protocol, content_type;
	int status;	 /* 0: no response yet */
	uint64_t length; /* response body bytes */
};

struct eve_tls_info {
	struct eve_bytes sni;
	const char *version;		   /* "TLS 1.2", "TLS 1.3"..., or NULL */
	const char *ja3_hash, *ja3_string; /* or NULL */
};

struct eve_dns_info {
	uint16_t id;
	struct eve_bytes rrname;
	const char *rrtype; /* "A", "AAAA"... */
};

struct eve_flow_info {
	uint64_t pkts_toserver, pkts_toclient, bytes_toserver, bytes_toclient;
	struct timespec start, end;
	const char *state;  /* "new", "established", "closed" */
	const char *reason; /* "timeout", "forced", "shutdown" */
	int alerted;
};

/* The common fields: timestamp, flow_id, in_iface, event_type, addresses, proto, app_proto. */
json_t *eve_inspect_base(const struct eve_inspect_ctx *c, const char *event_type);

/* Add the event's object; 0, or -1 when out of memory. */
int eve_inspect_add_alert(json_t *o, const struct eve_inspect_ctx *c,
			  const struct eve_alert_info *a);
int eve_inspect_add_http(json_t *o, const struct eve_http_info *h);

/* The "utm" object of a record that is not an alert: function and stars (1..3). */
int eve_inspect_add_utm(json_t *o, const struct eve_inspect_ctx *c, int stars,
			const char *function);
int eve_inspect_add_tls(json_t *o, const struct eve_tls_info *t);
int eve_inspect_add_dns_query(json_t *o, const struct eve_dns_info *d);
int eve_inspect_add_flow(json_t *o, const struct eve_flow_info *f);
int eve_inspect_add_anomaly(json_t *o, const char *type, const char *event, const char *layer);

/* What a dropped frame was (Suricata's drop record). */
struct eve_drop_info {
	uint32_t len;	   /* frame bytes */
	int tcp;	   /* the TCP fields below are meaningful */
	uint32_t seq, ack; /* TCP */
	uint8_t flags;	   /* TCP flags */
	uint32_t sid;	   /* the rule that dropped the flow */
};
int eve_inspect_add_drop(json_t *o, const struct eve_drop_info *d);

/* One line (no newline) into buf; frees o. Its length, or -1 when it does not fit. */
int eve_inspect_format(json_t *o, char *buf, size_t len);

/* Wire bytes as a printable JSON string: printable ASCII kept, others as \xHH. */
json_t *eve_inspect_bytes(struct eve_bytes b);

#endif /* UTM_INSPECT_EVE_INSPECT_H */

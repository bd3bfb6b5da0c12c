// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The inspector's EVE JSON events (inspect/eve_inspect.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/eve_inspect.h"
#include "lib/eve.h"

/* Longest wire string put into an event, before escaping. */
#define EVE_BYTES_MAX 2048

json_t *eve_inspect_bytes(struct eve_bytes b)
{
	size_t n = b.len < EVE_BYTES_MAX ? b.len : EVE_BYTES_MAX, i, o = 0;
	char *s = malloc(n * 4 + 1);
	json_t *j;

	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		uint8_t c = b.p[i];

		if (c >= 0x20 && c < 0x7f)
			s[o++] = (char)c;
		else
			o += (size_t)sprintf(s + o, "\\x%02x", c);
	}
	j = json_stringn(s, o);
	free(s);
	return j;
}

static json_t *addr(const struct flow_tuple *t, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(t->family == 4 ? AF_INET : AF_INET6, a, s, sizeof(s));
	return json_string(s);
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	return eve_proto_name(proto, buf, len);
}

json_t *eve_inspect_base(const struct eve_inspect_ctx *c, const char *event_type)
{
	json_t *o = json_object();
	char ts[64], pn[12];

	if (!o || eve_format_timestamp(c->wall, ts, sizeof(ts)) < 0) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "timestamp", json_string(ts));
	json_object_set_new(o, "flow_id", json_integer((json_int_t)(c->flow_id & INT64_MAX)));
	if (c->in_iface)
		json_object_set_new(o, "in_iface", json_string(c->in_iface));
	json_object_set_new(o, "event_type", json_string(event_type));
	json_object_set_new(o, "src_ip", addr(c->tuple, c->tuple->saddr));
	json_object_set_new(o, "src_port", json_integer(c->tuple->sport));
	json_object_set_new(o, "dest_ip", addr(c->tuple, c->tuple->daddr));
	json_object_set_new(o, "dest_port", json_integer(c->tuple->dport));
	json_object_set_new(o, "proto", json_string(proto_name(c->tuple->proto, pn, sizeof(pn))));
	if (c->app_proto)
		json_object_set_new(o, "app_proto", json_string(c->app_proto));
	return o;
}

/*
 * Stars (DESIGN, "Severity"): an outbound hit means a device inside is
 * probably infected (3); an inbound attack blocked, or a high-priority
 * inbound alert, is a threat (2); other inbound alerts are information (1).
 */
static int stars_of(const struct eve_inspect_ctx *c, const struct eve_alert_info *a)
{
	if (c->lan_is_client)
		return 3;
	return a->blocked || a->priority == 1 ? 2 : 1;
}

static json_t *utm_object(const struct eve_inspect_ctx *c, int stars, const char *function)
{
	json_t *u = json_pack("{s:s, s:i, s:s}", "function", function, "severity", stars, "stars",
			      &"★★★"[(3 - stars) * 3]);
	char mac[18];

	if (u && c->lan_mac) {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->lan_mac[0],
			 c->lan_mac[1], c->lan_mac[2], c->lan_mac[3], c->lan_mac[4], c->lan_mac[5]);
		json_object_set_new(u, "device", json_pack("{s:s}", "mac", mac));
	}
	if (u && c->lan_ip) {
		json_t *d = json_object_get(u, "device");

		if (!d) {
			d = json_object();
			json_object_set_new(u, "device", d);
		}
		json_object_set_new(d, "ip", addr(c->tuple, c->lan_ip));
	}
	return u;
}

int eve_inspect_add_utm(json_t *o, const struct eve_inspect_ctx *c, int stars, const char *function)
{
	return json_object_set_new(o, "utm", utm_object(c, stars, function));
}

int eve_inspect_add_alert(json_t *o, const struct eve_inspect_ctx *c,
			  const struct eve_alert_info *a)
{
	json_t *al = json_pack("{s:s, s:I, s:I, s:I, s:s, s:i}", "action",
			       a->blocked ? "blocked" : "allowed", "gid", (json_int_t)a->gid,
			       "signature_id", (json_int_t)a->sid, "rev", (json_int_t)a->rev,
			       "signature", a->msg ? a->msg : "", "severity", a->priority);

	if (!al)
		return -1;
	if (a->category)
		json_object_set_new(al, "category", json_string(a->category));
	json_object_set_new(o, "alert", al);
	return json_object_set_new(
		o, "utm",
		utm_object(c, stars_of(c, a), c->lan_is_client ? "ips_outbound" : "ips_inbound"));
}

static void set_bytes(json_t *o, const char *key, struct eve_bytes b)
{
	if (b.p && b.len)
		json_object_set_new(o, key, eve_inspect_bytes(b));
}

int eve_inspect_add_http(json_t *o, const struct eve_http_info *h)
{
	json_t *x = json_object();

	if (!x)
		return -1;
	set_bytes(x, "hostname", h->hostname);
	set_bytes(x, "url", h->url);
	set_bytes(x, "http_user_agent", h->user_agent);
	set_bytes(x, "http_content_type", h->content_type);
	set_bytes(x, "http_method", h->method);
	set_bytes(x, "protocol", h->protocol);
	if (h->status)
		json_object_set_new(x, "status", json_integer(h->status));
	json_object_set_new(x, "length", json_integer((json_int_t)h->length));
	return json_object_set_new(o, "http", x);
}

int eve_inspect_add_tls(json_t *o, const struct eve_tls_info *t)
{
	json_t *x = json_object();

	if (!x)
		return -1;
	set_bytes(x, "sni", t->sni);
	if (t->version)
		json_object_set_new(x, "version", json_string(t->version));
	if (t->ja3_hash)
		json_object_set_new(x, "ja3",
				    json_pack("{s:s, s:s}", "hash", t->ja3_hash, "string",
					      t->ja3_string ? t->ja3_string : ""));
	return json_object_set_new(o, "tls", x);
}

int eve_inspect_add_dns_query(json_t *o, const struct eve_dns_info *d)
{
	json_t *x = json_pack("{s:i, s:s, s:i}", "version", 2, "type", "query", "id", d->id);

	if (!x)
		return -1;
	set_bytes(x, "rrname", d->rrname);
	if (d->rrtype)
		json_object_set_new(x, "rrtype", json_string(d->rrtype));
	return json_object_set_new(o, "dns", x);
}

int eve_inspect_add_flow(json_t *o, const struct eve_flow_info *f)
{
	char start[64], end[64];
	json_t *x;

	if (eve_format_timestamp(f->start, start, sizeof(start)) < 0 ||
	    eve_format_timestamp(f->end, end, sizeof(end)) < 0)
		return -1;
	x = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:b}", "pkts_toserver",
		      (json_int_t)f->pkts_toserver, "pkts_toclient", (json_int_t)f->pkts_toclient,
		      "bytes_toserver", (json_int_t)f->bytes_toserver, "bytes_toclient",
		      (json_int_t)f->bytes_toclient, "start", start, "end", end, "age",
		      (json_int_t)(f->end.tv_sec - f->start.tv_sec), "state",
		      f->state ? f->state : "new", "reason", f->reason ? f->reason : "timeout",
		      "alerted", f->alerted);
	if (!x)
		return -1;
	return json_object_set_new(o, "flow", x);
}

int eve_inspect_add_anomaly(json_t *o, const char *type, const char *event, const char *layer)
{
	json_t *x = json_pack("{s:s, s:s}", "type", type, "event", event);

	if (!x)
		return -1;
	if (layer)
		json_object_set_new(x, "layer", json_string(layer));
	return json_object_set_new(o, "anomaly", x);
}

int eve_inspect_add_drop(json_t *o, const struct eve_drop_info *d)
{
	json_t *x = json_pack("{s:I, s:s, s:I}", "len", (json_int_t)d->len, "reason", "rules",
			      "signature_id", (json_int_t)d->sid);

	if (!x)
		return -1;
	if (d->tcp) {
		json_object_set_new(x, "tcpseq", json_integer(d->seq));
		json_object_set_new(x, "tcpack", json_integer(d->ack));
		json_object_set_new(x, "syn", json_boolean(d->flags & 0x02));
		json_object_set_new(x, "ack", json_boolean(d->flags & 0x10));
		json_object_set_new(x, "psh", json_boolean(d->flags & 0x08));
		json_object_set_new(x, "rst", json_boolean(d->flags & 0x04));
		json_object_set_new(x, "fin", json_boolean(d->flags & 0x01));
	}
	return json_object_set_new(o, "drop", x);
}

int eve_inspect_format(json_t *o, char *buf, size_t len)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int n = -1;

	if (s && strlen(s) < len) {
		n = (int)strlen(s);
		memcpy(buf, s, (size_t)n + 1);
	}
	free(s);
	json_decref(o);
	return n;
}

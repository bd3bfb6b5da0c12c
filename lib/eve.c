// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * EVE JSON encoding of XDP block events. jansson does the escaping and keeps
 * keys in insertion order, so the output reads like Suricata's own lines.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "eve.h"
#include "fnv.h"

/* JSON readers (jq, JavaScript) hold integers exactly only below 2^53. */
#define FLOW_ID_MASK ((1ULL << 53) - 1)

int eve_format_timestamp(struct timespec ts, char *buf, size_t len)
{
	char date[48], zone[8];
	struct tm tm;
	int n;

	if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -1;
	/* glibc's localtime_r() reads TZ only once unless told again. */
	tzset();
	if (!localtime_r(&ts.tv_sec, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) ||
	    !strftime(zone, sizeof(zone), "%z", &tm))
		return -1;
	n = snprintf(buf, len, "%s.%06ld%s", date, ts.tv_nsec / 1000, zone);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

const char *eve_proto_name(unsigned int proto, char *buf, size_t len)
{
	int n;

	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "IPv6-ICMP";
	case IPPROTO_SCTP:
		return "SCTP";
	}
	n = snprintf(buf, len, "%u", proto);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

static int has_ports(unsigned int proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

static int is_icmp(unsigned int proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static __u64 hash_endpoint(__u64 h, const __u8 *addr, size_t alen, __u16 port)
{
	__u8 p[2] = {port >> 8, port & 0xff};

	return fnv1a64(fnv1a64(h, addr, alen), p, sizeof(p));
}

/*
 * The lower endpoint goes first so that both directions of a flow share the
 * id. Only TCP/UDP/SCTP ports count: an ICMP echo and its reply carry
 * different types, yet are one exchange.
 */
static __u64 flow_id(const struct utm_block_event *ev)
{
	size_t alen = ev->family == 4 ? 4 : 16;
	__u16 sp = has_ports(ev->proto) ? ev->sport : 0;
	__u16 dp = has_ports(ev->proto) ? ev->dport : 0;
	const __u8 *a = ev->saddr, *b = ev->daddr;
	int cmp = memcmp(a, b, alen);
	__u64 h = FNV1A64_INIT;

	if (cmp > 0 || (cmp == 0 && sp > dp)) {
		a = ev->daddr;
		b = ev->saddr;
		sp ^= dp;
		dp ^= sp;
		sp ^= dp;
	}
	h = fnv1a64(h, &ev->family, 1);
	h = fnv1a64(h, &ev->proto, 1);
	h = hash_endpoint(h, a, alen, sp);
	h = hash_endpoint(h, b, alen, dp);
	h &= FLOW_ID_MASK;
	return h ? h : 1;
}

/*
 * Strings from list_info come from a BPF map: bound them by their array size
 * and, should they not be UTF-8, replace the other bytes rather than lose
 * the event.
 */
static json_t *bounded_string(const char *s, size_t max)
{
	size_t len = strnlen(s, max), i;
	char ascii[256];
	json_t *j;

	j = json_stringn(s, len);
	if (j || len > sizeof(ascii))
		return j;
	for (i = 0; i < len; i++)
		ascii[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	return json_stringn(ascii, len);
}

static json_t *mac_string(const __u8 *m)
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return json_string(s);
}

/* NULL for a family other than 4 or 6: the fields are then left out. */
static json_t *ip_string(int family, const __u8 *addr)
{
	char s[INET6_ADDRSTRLEN];

	if (family != 4 && family != 6)
		return NULL;
	if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, s, sizeof(s)))
		return NULL;
	return json_string(s);
}

/* json_object_set_new() takes NULL values as errors; these are optional. */
static int set_opt(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new(o, key, v) : 0;
}

static int add_time_flow(json_t *o, const struct eve_block_ctx *c)
{
	const struct utm_block_event *ev = c->ev;
	char ts[64];
	int rc = 0;

	if (eve_format_timestamp(c->wall, ts, sizeof(ts)) < 0)
		return -1;
	rc |= json_object_set_new(o, "timestamp", json_string(ts));
	rc |= json_object_set_new(o, "flow_id", json_integer((json_int_t)flow_id(ev)));
	if (c->in_iface)
		rc |= json_object_set_new(o, "in_iface", bounded_string(c->in_iface, 64));
	rc |= json_object_set_new(o, "event_type",
				  json_string(ev->kind == UTM_EV_DNS	   ? "dns"
					      : ev->action == UTM_ACT_DROP ? "drop"
									   : "alert"));
	if (ev->vlan)
		rc |= json_object_set_new(o, "vlan", json_pack("[i]", ev->vlan));
	return rc;
}

static int add_endpoints(json_t *o, const struct utm_block_event *ev)
{
	char num[12];
	int rc = 0;

	rc |= set_opt(o, "src_ip", ip_string(ev->family, ev->saddr));
	if (has_ports(ev->proto))
		rc |= json_object_set_new(o, "src_port", json_integer(ev->sport));
	rc |= set_opt(o, "dest_ip", ip_string(ev->family, ev->daddr));
	if (has_ports(ev->proto))
		rc |= json_object_set_new(o, "dest_port", json_integer(ev->dport));
	rc |= json_object_set_new(o, "proto",
				  json_string(eve_proto_name(ev->proto, num, sizeof(num))));
	if (is_icmp(ev->proto)) {
		rc |= json_object_set_new(o, "icmp_type", json_integer(ev->dport >> 8));
		rc |= json_object_set_new(o, "icmp_code", json_integer(ev->dport & 0xff));
	}
	return rc;
}

/*
 * A name in wire form as text: labels joined by dots, bytes outside the
 * printable ASCII range (and dots inside labels) as \DDD, as dig prints them.
 */
size_t eve_dns_name(const __u8 *wire, size_t len, char *out, size_t outlen)
{
	size_t i = 0, n = 0;

	if (outlen < 2)
		return 0;
	while (i < len && wire[i] && n + 1 < outlen) {
		size_t l = wire[i++], end = i + l;

		if (n)
			out[n++] = '.';
		for (; i < end && i < len && n + 5 < outlen; i++) {
			__u8 c = wire[i];

			if (c > 0x20 && c < 0x7f && c != '.' && c != '\\')
				out[n++] = c;
			else
				n += snprintf(out + n, outlen - n, "\\%03u", c);
		}
		if (i < end)
			break; /* out of room: cut at a whole byte */
	}
	if (!n)
		out[n++] = '.';
	out[n] = '\0';
	return n;
}

static const char *dns_type_name(unsigned int t, char *buf, size_t len)
{
	switch (t) {
	case 1:
		return "A";
	case 2:
		return "NS";
	case 5:
		return "CNAME";
	case 6:
		return "SOA";
	case 12:
		return "PTR";
	case 15:
		return "MX";
	case 16:
		return "TXT";
	case 28:
		return "AAAA";
	case 33:
		return "SRV";
	case 64:
		return "SVCB";
	case 65:
		return "HTTPS";
	case 255:
		return "ANY";
	}
	snprintf(buf, len, "TYPE%u", t);
	return buf;
}

static const char *const dns_mode_names[] = {"null", "nxdomain", "nodata", "sinkhole"};

/* Suricata's dns object (version 2, an answer) for a query the guard answered. */
static json_t *dns_object(const struct utm_block_event *ev)
{
	char name[4 * UTM_QNAME_MAX + 2], tbuf[16];
	size_t len = ev->qname_len < UTM_QNAME_MAX ? ev->qname_len : UTM_QNAME_MAX;

	eve_dns_name(ev->qname, len, name, sizeof(name));
	return json_pack("{s:i, s:s, s:s, s:s, s:s}", "version", 2, "type", "answer", "rrname",
			 name, "rrtype", dns_type_name(ev->qtype, tbuf, sizeof(tbuf)), "rcode",
			 ev->dns_mode == UTM_DNS_NXDOMAIN ? "NXDOMAIN" : "NOERROR");
}

/* Frames go LAN to WAN outbound, WAN to LAN inbound. */
static int add_ether_verdict(json_t *o, const struct utm_block_event *ev)
{
	int in = ev->dir == UTM_DIR_INBOUND;

	if (json_object_set_new(o, "ether",
				json_pack("{s:o, s:o}", "src_mac",
					  mac_string(in ? ev->wan_mac : ev->lan_mac), "dest_mac",
					  mac_string(in ? ev->lan_mac : ev->wan_mac))))
		return -1;
	if (ev->kind == UTM_EV_DNS)
		return set_opt(o, "dns", dns_object(ev)) || !json_object_get(o, "dns");
	if (ev->action == UTM_ACT_DROP)
		return json_object_set_new(o, "drop",
					   json_pack("{s:I, s:s}", "len", (json_int_t)ev->pkt_len,
						     "reason", "blocklist"));
	/* Anything else was let through: Suricata says so with an alert. */
	return json_object_set_new(o, "alert", json_pack("{s:s}", "action", "allowed"));
}

static const char *dir_name(int dir)
{
	switch (dir) {
	case UTM_DIR_INBOUND:
		return "inbound";
	case UTM_DIR_OUTBOUND:
		return "outbound";
	case UTM_DIR_BOTH:
		return "both";
	}
	return "unknown";
}

/* The device behind the LAN port: the source outbound, the destination inbound. */
static json_t *device(const struct utm_block_event *ev)
{
	json_t *d = json_pack("{s:o}", "mac", mac_string(ev->lan_mac));

	if (d &&
	    set_opt(d, "ip",
		    ip_string(ev->family, ev->dir == UTM_DIR_INBOUND ? ev->daddr : ev->saddr))) {
		json_decref(d);
		return NULL;
	}
	return d;
}

static int add_list(json_t *u, const struct utm_block_event *ev, const struct utm_list_info *l)
{
	int rc = 0;

	if (l)
		rc |= json_object_set_new(u, "list", bounded_string(l->name, sizeof(l->name)));
	rc |= json_object_set_new(u, "list_id", json_integer(ev->list_id));
	if (l)
		rc |= json_object_set_new(u, "list_source",
					  bounded_string(l->source, sizeof(l->source)));
	return rc;
}

/* For the guard: what it answered, and which entry (name or parent) matched. */
static int add_dns_entry(json_t *u, const struct utm_block_event *ev)
{
	char entry[4 * UTM_QNAME_MAX + 2];
	size_t off = ev->match_off < UTM_QNAME_MAX ? ev->match_off : 0;
	size_t len = ev->qname_len < UTM_QNAME_MAX ? ev->qname_len : UTM_QNAME_MAX;
	const char *mode = ev->dns_mode < 4 ? dns_mode_names[ev->dns_mode] : "unknown";

	eve_dns_name(ev->qname + off, len > off ? len - off : 0, entry, sizeof(entry));
	/* List entries are lower case; the query keeps the case it was sent in. */
	for (char *c = entry; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 'a' - 'A';
	return json_object_set_new(u, "action", json_string("dns_answer")) ||
	       json_object_set_new(u, "dns_mode", json_string(mode)) ||
	       json_object_set_new(u, "entry", json_string(entry));
}

/* The UTM's own fields: which function acted, how bad, on which device. */
static int add_utm(json_t *o, const struct eve_block_ctx *c)
{
	const struct utm_block_event *ev = c->ev;
	int sev = c->list && c->list->severity ? c->list->severity : 2;
	json_t *u = json_object();
	int rc = 0;

	if (!u || json_object_set_new(o, "utm", u))
		return -1;
	if (sev > 3)
		sev = 3;
	if (ev->kind == UTM_EV_DNS)
		rc |= json_object_set_new(u, "function", json_string("site_blocking"));
	else if (ev->dir == UTM_DIR_INBOUND || ev->dir == UTM_DIR_OUTBOUND)
		rc |= json_object_set_new(
			u, "function",
			json_string(ev->dir == UTM_DIR_INBOUND ? "ips_inbound" : "ips_outbound"));
	rc |= json_object_set_new(u, "severity", json_integer(sev));
	/* The last sev of three 3-byte UTF-8 stars. */
	rc |= json_object_set_new(u, "stars", json_string(&"★★★"[(3 - sev) * 3]));
	rc |= json_object_set_new(u, "direction", json_string(dir_name(ev->dir)));
	if (ev->kind == UTM_EV_DNS)
		rc |= add_dns_entry(u, ev);
	else
		rc |= json_object_set_new(
			u, "action", json_string(ev->action == UTM_ACT_DROP ? "drop" : "forward"));
	rc |= add_list(u, ev, c->list);
	rc |= json_object_set_new(u, "device", device(ev));
	rc |= json_object_set_new(u, "suppressed", json_integer(ev->suppressed));
	return rc;
}

int eve_format_block(const struct eve_block_ctx *c, char *buf, size_t len)
{
	json_t *o = json_object();
	size_t n = 0;
	int rc;

	if (!o)
		return -1;
	/* In this order: jansson keeps keys in insertion order. */
	rc = add_time_flow(o, c) || add_endpoints(o, c->ev) || add_ether_verdict(o, c->ev) ||
	     add_utm(o, c);
	/* One byte is kept for the NUL: json_dumpb() does not write one. */
	if (!rc && len > 0)
		n = json_dumpb(o, buf, len - 1, JSON_COMPACT);
	json_decref(o);
	if (rc || len == 0 || n == 0 || n >= len)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

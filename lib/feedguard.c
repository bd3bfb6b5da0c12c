// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Feed guards (see feedguard.h): the checks that stop a broken or hostile
 * feed from blocking the internet, the office's own network, its gateway and
 * resolvers, or the services it cannot work without. Pure functions.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/feedguard.h"

/* Text of an address or prefix; INET6_ADDRSTRLEN plus "/128". */
#define PREFIX_TEXT_MAX 64

/* A range that has no business in a threat feed, and what it is. */
struct special_range {
	struct ip_prefix p;
	const char *what;
};

/* Private and special-purpose ranges (RFC 1122, 1918, 6598, 3927, 919, 4291, 4193). */
static const struct special_range special_ranges[] = {
	{{4, 8, {0}}, "this-network"},
	{{4, 8, {10}}, "private"},
	{{4, 10, {100, 64}}, "shared (carrier-grade NAT)"},
	{{4, 8, {127}}, "loopback"},
	{{4, 16, {169, 254}}, "link-local"},
	{{4, 12, {172, 16}}, "private"},
	{{4, 16, {192, 168}}, "private"},
	{{4, 32, {255, 255, 255, 255}}, "broadcast"},
	{{6, 128, {0}}, "unspecified"},
	{{6, 128, {[15] = 1}}, "loopback"},
	{{6, 7, {0xfc}}, "unique local"},
	{{6, 10, {0xfe, 0x80}}, "link-local"},
};

void feed_guard_defaults(struct feed_guard *g)
{
	memset(g, 0, sizeof(*g));
	g->min_prefix4 = FEED_GUARD_MIN_PREFIX4;
	g->min_prefix6 = FEED_GUARD_MIN_PREFIX6;
}

/* Fill why (when there is room) and return -1: every refusal goes through here. */
__attribute__((format(printf, 3, 4))) static int refuse(char *why, size_t whylen, const char *fmt,
							...)
{
	va_list ap;

	if (why && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int accepted(char *why, size_t whylen)
{
	if (why && whylen > 0)
		why[0] = '\0';
	return 0;
}

/* ---- IP entries ---- */

static unsigned int family_bits(const struct ip_prefix *p)
{
	return p->family == 4 ? 32 : 128;
}

static int prefix_valid(const struct ip_prefix *p)
{
	return (p->family == 4 || p->family == 6) && p->prefixlen <= family_bits(p);
}

/* 1 when the first nbits bits of a and b are equal. */
static int leading_bits_equal(const uint8_t *a, const uint8_t *b, unsigned int nbits)
{
	unsigned int bytes = nbits / 8, rest = nbits % 8;
	uint8_t mask;

	if (memcmp(a, b, bytes) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((a[bytes] ^ b[bytes]) & mask) == 0;
}

/* Two prefixes overlap exactly when one contains the other: they agree on the shorter length. */
static int prefixes_overlap(const struct ip_prefix *a, const struct ip_prefix *b)
{
	unsigned int n = a->prefixlen < b->prefixlen ? a->prefixlen : b->prefixlen;

	return a->family == b->family && leading_bits_equal(a->addr, b->addr, n);
}

/* How overlapping p relates to r: the same host, contains it, or lies inside it. */
static const char *overlap_verb(const struct ip_prefix *p, const struct ip_prefix *r)
{
	if (ip_prefix_is_host(p) && ip_prefix_is_host(r))
		return "is the";
	return p->prefixlen <= r->prefixlen ? "covers" : "is inside";
}

static int check_prefix_length(const struct feed_guard *g, const struct ip_prefix *p,
			       const char *text, char *why, size_t whylen)
{
	unsigned int min = p->family == 4 ? g->min_prefix4 : g->min_prefix6;

	if (p->prefixlen < min)
		return refuse(why, whylen, "%s is shorter than /%u", text, min);
	return 0;
}

static int check_special_ranges(const struct ip_prefix *p, const char *text, char *why,
				size_t whylen)
{
	char range[PREFIX_TEXT_MAX];
	size_t i;

	for (i = 0; i < sizeof(special_ranges) / sizeof(special_ranges[0]); i++) {
		const struct special_range *r = &special_ranges[i];

		if (!prefixes_overlap(p, &r->p))
			continue;
		ip_prefix_format(&r->p, range, sizeof(range));
		return refuse(why, whylen, "%s %s %s %s %s", text, overlap_verb(p, &r->p), r->what,
			      ip_prefix_is_host(&r->p) ? "address" : "range", range);
	}
	return 0;
}

static int check_protected(const struct feed_guard *g, const struct ip_prefix *p, const char *text,
			   char *why, size_t whylen)
{
	char addr[PREFIX_TEXT_MAX];
	size_t i;

	for (i = 0; g->protect && i < g->nprotect; i++) {
		const struct ip_prefix *q = &g->protect[i];
		const char *what = g->protect_what ? g->protect_what[i] : NULL;

		if (!prefix_valid(q) || !prefixes_overlap(p, q))
			continue;
		ip_prefix_format(q, addr, sizeof(addr));
		return refuse(why, whylen, "%s %s protected %s %s%s%s%s", text, overlap_verb(p, q),
			      ip_prefix_is_host(q) ? "address" : "network", addr, what ? " (" : "",
			      what ? what : "", what ? ")" : "");
	}
	return 0;
}

int feed_guard_ip(const struct feed_guard *g, const struct ip_prefix *p, char *why, size_t whylen)
{
	char text[PREFIX_TEXT_MAX];

	if (!prefix_valid(p))
		return refuse(why, whylen, "invalid prefix (family %u, length %u)", p->family,
			      p->prefixlen);
	ip_prefix_format(p, text, sizeof(text));
	if (check_prefix_length(g, p, text, why, whylen) != 0)
		return -1;
	if (!g->allow_private && check_special_ranges(p, text, why, whylen) != 0)
		return -1;
	if (check_protected(g, p, text, why, whylen) != 0)
		return -1;
	return accepted(why, whylen);
}

/* ---- domain entries ---- */

#define TOP_SERVICE "a top domain that must never be blocked"
#define TOP_SUFFIX  "a shared suffix that must never be blocked"
#define CONFIGURED  "a configured never-block name"

/* 1 when the len bytes at name are anc or a name below it. */
static int name_at_or_below(const char *name, size_t len, const char *anc, size_t alen)
{
	if (len < alen || memcmp(name + len - alen, anc, alen) != 0)
		return 0;
	return len == alen || name[len - alen - 1] == '.';
}

static const char *top_kind(long i)
{
	return topdomains_is_suffix((size_t)i) ? TOP_SUFFIX : TOP_SERVICE;
}

/* e names protected P itself: refused whether it blocks P or every name below P. */
static int refuse_same_name(const struct dom_entry *e, const char *kind, char *why, size_t whylen)
{
	if (e->covers_name)
		return refuse(why, whylen, "blocks %s (%s)", e->name, kind);
	return refuse(why, whylen, "blocks every name below %s (%s)", e->name, kind);
}

static int check_top_domains(const struct dom_entry *e, size_t len, char *why, size_t whylen)
{
	long exact, below;

	topdomains_lookup(e->name, len, &exact, &below);
	if (exact >= 0)
		return refuse_same_name(e, top_kind(exact), why, whylen);
	if (e->covers_sub && below >= 0)
		return refuse(why, whylen, "%s is a parent of %s (%s)", e->name,
			      topdomains_get((size_t)below), top_kind(below));
	return 0;
}

static int check_configured_names(const struct feed_guard *g, const struct dom_entry *e, size_t len,
				  char *why, size_t whylen)
{
	size_t i;

	for (i = 0; g->protect_names && i < g->nprotect_names; i++) {
		const char *p = g->protect_names[i];
		size_t plen;

		if (!p || !*p)
			continue;
		plen = strlen(p);
		if (plen == len && memcmp(p, e->name, len) == 0)
			return refuse_same_name(e, CONFIGURED, why, whylen);
		if (e->covers_sub && plen > len && name_at_or_below(p, plen, e->name, len))
			return refuse(why, whylen, "%s is a parent of %s (%s)", e->name, p,
				      CONFIGURED);
	}
	return 0;
}

int feed_guard_domain(const struct feed_guard *g, const struct dom_entry *e, char *why,
		      size_t whylen)
{
	size_t len = strnlen(e->name, sizeof(e->name));

	if (e->allow || (!e->covers_name && !e->covers_sub))
		return accepted(why, whylen);
	if (len == sizeof(e->name))
		return refuse(why, whylen, "name is not terminated");
	/* The root is a parent of every name: a broken parser's empty entry. */
	if (len == 0 && e->covers_sub)
		return refuse(why, whylen, "an empty name blocks every name");
	if (check_top_domains(e, len, why, whylen) != 0)
		return -1;
	if (check_configured_names(g, e, len, why, whylen) != 0)
		return -1;
	return accepted(why, whylen);
}

/*
 * 1 when the NUL-terminated name is a configured name or below one: one of
 * its suffixes at a label start (starts[], n of them) is that name. Testing
 * the first byte before comparing keeps this cheap for every entry of a feed.
 */
static int below_configured(const struct feed_guard *g, const char *name, const size_t *starts,
			    size_t n)
{
	size_t i, j;

	for (i = 0; g->protect_names && i < g->nprotect_names; i++) {
		const char *p = g->protect_names[i];

		if (!p || !*p)
			continue;
		for (j = 0; j < n; j++)
			if (name[starts[j]] == p[0] && strcmp(name + starts[j], p) == 0)
				return 1;
	}
	return 0;
}

int feed_guard_name_protected(const struct feed_guard *g, const char *name)
{
	size_t starts[DNSNAME_MAX_LABELS];
	size_t len, n = 0, i;

	if (!name)
		return 0;
	len = strlen(name);
	if (len == 0 || len > DNSNAME_MAX)
		return 0;
	if (topdomains_protecting(name, len) >= 0)
		return 1;
	/* A name of DNSNAME_MAX bytes has at most DNSNAME_MAX_LABELS labels. */
	for (i = 0; i < len && n < DNSNAME_MAX_LABELS; i++)
		if (i == 0 || name[i - 1] == '.')
			starts[n++] = i;
	return below_configured(g, name, starts, n);
}

/* ---- update size ---- */

/* The change in percent, with a decimal when whole percents would hide that it passes the limit. */
static void format_change(char *buf, size_t len, double pct, double limit_pct)
{
	if (fabs(round(pct)) > limit_pct)
		snprintf(buf, len, "%+.0f%%", round(pct));
	else
		snprintf(buf, len, "%+.1f%%", pct);
}

int feed_guard_size(size_t prev, size_t next, double max_change, char *why, size_t whylen)
{
	size_t diff = prev > next ? prev - next : next - prev;
	double pct, limit_pct;
	char change[32];

	if (!(max_change >= 0))
		return refuse(why, whylen, "invalid size change limit");
	if (prev < FEED_GUARD_SIZE_MIN_PREV || (double)diff <= max_change * (double)prev)
		return accepted(why, whylen);
	pct = ((double)next - (double)prev) * 100.0 / (double)prev;
	limit_pct = max_change * 100.0;
	format_change(change, sizeof(change), pct, limit_pct);
	return refuse(why, whylen, "size changes from %zu to %zu entries (%s, limit %g%%)", prev,
		      next, change, limit_pct);
}

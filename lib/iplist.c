// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IP list parser (see iplist.h for the accepted forms). The buffer is never
 * assumed to be NUL-terminated: every scan is bounded by its length, and
 * only short, checked fields are copied out for inet_pton.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/iplist.h"
#include "lib/fileutil.h"
#include "lib/iprange.h"

/* Longest address text inet_pton accepts, plus the NUL (INET6_ADDRSTRLEN). */
#define ADDR_TEXT_MAX 46
/* Room for a short "why" before the offending text is appended. */
#define WHY_MAX 80
#define STR_(x) #x
#define STR(x)	STR_(x)
/* How much of an offending token an error message quotes. */
#define QUOTE_MAX 64

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

struct parser {
	iplist_entry_fn fn;
	void *ctx;
	struct iplist_error *err;
	long entries;
	unsigned int line;
	unsigned int bad_lines;
	int stop; /* fn's non-zero return, which ends the parse */
};

static int fail(char *why, const char *msg)
{
	snprintf(why, WHY_MAX, "%s", msg);
	return -1;
}

static int addr_char_ok(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
	       c == ':' || c == '.';
}

/* A plain address (no prefix length) of n bytes at s, as a host entry. */
static int parse_addr(const char *s, size_t n, struct ip_prefix *out, char *why)
{
	char text[ADDR_TEXT_MAX];
	size_t i;
	int v6;

	/* The charset check also keeps NUL bytes from cutting the text short. */
	if (n == 0 || n >= sizeof(text))
		return fail(why, "not an IP address");
	for (i = 0; i < n; i++) {
		if (!addr_char_ok(s[i]))
			return fail(why, "not an IP address");
	}
	memcpy(text, s, n);
	text[n] = '\0';
	v6 = memchr(s, ':', n) != NULL;
	memset(out, 0, sizeof(*out));
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, out->addr) != 1)
		return fail(why, "not an IP address");
	out->family = v6 ? 6 : 4;
	out->prefixlen = v6 ? 128 : 32;
	return 0;
}

/* Decimal digits only: no sign, no spaces, no hex; max is 32 or 128. */
static int parse_prefixlen(const char *s, size_t n, unsigned int max, uint8_t *out, char *why)
{
	unsigned int v = 0;
	size_t i;

	if (n == 0)
		return fail(why, "missing prefix length after '/'");
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(why, "prefix length is not a number");
		if (v <= max)
			v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v > max) {
		snprintf(why, WHY_MAX, "prefix length %.*s out of range 0..%u", n > 8 ? 8 : (int)n,
			 s, max);
		return -1;
	}
	*out = (uint8_t)v;
	return 0;
}

/* Clear the host bits: a list may write 192.168.1.0/16 for 192.168.0.0/16. */
static void mask_host_bits(struct ip_prefix *p)
{
	unsigned int nbytes = p->family == 4 ? 4 : 16;
	unsigned int i;

	for (i = 0; i < nbytes; i++) {
		unsigned int keep = p->prefixlen > i * 8 ? p->prefixlen - i * 8 : 0;

		if (keep < 8)
			p->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
}

/*
 * ::ffff:a.b.c.d is an IPv4 address on the wire: store it as IPv4 so that
 * it lands in the IPv4 maps that IPv4 packets are looked up in.
 */
static void unmap_v4(struct ip_prefix *p)
{
	if (p->family != 6 || p->prefixlen < 96 ||
	    memcmp(p->addr, v4mapped_prefix, sizeof(v4mapped_prefix)) != 0)
		return;
	memmove(p->addr, p->addr + 12, 4);
	memset(p->addr + 4, 0, 12);
	p->family = 4;
	p->prefixlen -= 96;
}

/* "addr" or "addr/len" in exactly n bytes. */
static int parse_cidr(const char *s, size_t n, struct ip_prefix *out, char *why)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;

	if (parse_addr(s, alen, out, why))
		return -1;
	if (slash && parse_prefixlen(slash + 1, n - alen - 1, out->prefixlen, &out->prefixlen, why))
		return -1;
	mask_host_bits(out);
	unmap_v4(out);
	return 0;
}

int ip_prefix_parse(const char *s, struct ip_prefix *out)
{
	/* Longest valid text: an IPv6 address, '/', three digits. */
	const size_t limit = ADDR_TEXT_MAX + 4;
	char why[WHY_MAX];
	struct ip_prefix p;
	size_t n;

	if (!s || !out)
		return -1;
	n = strnlen(s, limit + 1);
	if (n > limit || parse_cidr(s, n, &p, why))
		return -1;
	*out = p;
	return 0;
}

void ip_prefix_format(const struct ip_prefix *p, char *buf, size_t len)
{
	char text[ADDR_TEXT_MAX];

	if (!buf || len == 0)
		return;
	if ((p->family != 4 && p->family != 6) ||
	    !inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, text, sizeof(text))) {
		snprintf(buf, len, "(invalid)");
		return;
	}
	if (ip_prefix_is_host(p))
		snprintf(buf, len, "%s", text);
	else
		snprintf(buf, len, "%s/%u", text, p->prefixlen);
}

/* Record a bad line; only the first one is described in err. */
static void bad_line(struct parser *ps, const char *why, const char *tok, size_t n)
{
	char q[QUOTE_MAX + 4];

	if (ps->bad_lines < ~0u)
		ps->bad_lines++;
	if (ps->bad_lines > 1 || !ps->err)
		return;
	text_quote(q, tok, n, QUOTE_MAX);
	ps->err->line = ps->line;
	snprintf(ps->err->reason, sizeof(ps->err->reason), "%s: \"%s\"", why, q);
}

static int emit(struct parser *ps, const struct ip_prefix *p)
{
	ps->entries++;
	/* Once a line is bad the list is refused: spare the caller the work. */
	if (!ps->fn || ps->bad_lines)
		return 0;
	ps->stop = ps->fn(p, ps->line, ps->ctx);
	return ps->stop;
}

static int emit_range_part(const struct ip_prefix *p, void *ctx)
{
	return emit(ctx, p);
}

/* Parse both bounds of a range; NULL, or why the range is bad. */
static const char *range_bounds(const char *lo, size_t lon, const char *hi, size_t hin,
				struct ip_prefix *start, struct ip_prefix *end)
{
	char why[WHY_MAX];

	if (parse_addr(lo, lon, start, why))
		return "range start is not an IP address";
	if (parse_addr(hi, hin, end, why))
		return "range end is not an IP address";
	unmap_v4(start);
	unmap_v4(end);
	if (start->family != end->family)
		return "range mixes IPv4 and IPv6";
	if (memcmp(start->addr, end->addr, sizeof(start->addr)) > 0)
		return "range end is before its start";
	return NULL;
}

/* lo and hi are the two bounds; tok is the whole range, for messages. */
static void handle_range(struct parser *ps, const char *lo, size_t lon, const char *hi, size_t hin,
			 const char *tok, size_t tokn)
{
	struct ip_prefix start, end;
	const char *why = range_bounds(lo, lon, hi, hin, &start, &end);

	if (why)
		bad_line(ps, why, tok, tokn);
	else
		ip_range_split(&start, &end, emit_range_part, ps);
}

static void handle_cidr(struct parser *ps, const char *s, size_t n)
{
	struct ip_prefix p;
	char why[WHY_MAX];

	if (parse_cidr(s, n, &p, why))
		bad_line(ps, why, s, n);
	else
		emit(ps, &p);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The first field ends at a blank or at the separator of any known format. */
static int ends_field(char c)
{
	return is_blank(c) || c == ',' || c == ';' || c == '#';
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && is_blank(s[i]))
		i++;
	return i;
}

static size_t field_end(const char *s, size_t n, size_t i)
{
	while (i < n && !ends_field(s[i]))
		i++;
	return i;
}

/*
 * The entry at s[b..n) of a trimmed line. Only the first field matters; the
 * rest is a comment, host names or CSV columns. "a - b" (a range written
 * with spaces) is recognised so that such a list is not silently read as
 * its start addresses only.
 */
static void handle_entry(struct parser *ps, const char *s, size_t n, size_t b)
{
	size_t e = field_end(s, n, b);
	size_t i = skip_blanks(s, n, e);
	const char *dash;

	if (i < n && s[i] == '-') {
		size_t hb = skip_blanks(s, n, i + 1);
		size_t he = field_end(s, n, hb);

		handle_range(ps, s + b, e - b, s + hb, he - hb, s + b, he - b);
		return;
	}
	/* A '/' means a CIDR: range bounds are plain addresses. */
	dash = memchr(s + b, '/', e - b) ? NULL : memchr(s + b, '-', e - b);
	if (dash)
		handle_range(ps, s + b, (size_t)(dash - s) - b, dash + 1,
			     e - (size_t)(dash - s) - 1, s + b, e - b);
	else
		handle_cidr(ps, s + b, e - b);
}

/* One line without its '\n'. */
static void handle_line(struct parser *ps, const char *s, size_t n)
{
	size_t b;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > IPLIST_MAX_LINE) {
		bad_line(ps, "line longer than " STR(IPLIST_MAX_LINE) " characters", s, n);
		return;
	}
	b = skip_blanks(s, n, 0);
	while (n > b && is_blank(s[n - 1]))
		n--;
	if (b < n && s[b] != '#' && s[b] != ';')
		handle_entry(ps, s, n, b);
}

long iplist_parse(const char *buf, size_t len, iplist_entry_fn fn, void *ctx,
		  struct iplist_error *err)
{
	struct parser ps = {.fn = fn, .ctx = ctx, .err = err};
	size_t pos = 0;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!buf && len) {
		if (err)
			snprintf(err->reason, sizeof(err->reason), "no buffer");
		return -1;
	}
	/* A UTF-8 byte order mark is only meaningful at the very start. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		ps.line++;
		handle_line(&ps, buf + pos, end - pos);
		if (ps.stop)
			return ps.stop;
		pos = end + 1;
	}
	if (ps.bad_lines) {
		if (err)
			err->bad_lines = ps.bad_lines;
		return -1;
	}
	return ps.entries;
}

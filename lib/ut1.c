// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * UT1 parsers (see ut1.h): global_usage, domains and urls. Pure functions
 * over buffers; input is never assumed to be NUL-terminated.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/dnsname.h"
#include "lib/ut1.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next line of buf from *pos, without its '\n' and surrounding blanks. */
static int next_line(const char *buf, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *p, *nl;
	size_t l;

	if (*pos >= len)
		return 0;
	p = buf + *pos;
	nl = memchr(p, '\n', len - *pos);
	l = nl ? (size_t)(nl - p) : len - *pos;
	*pos += l + (nl != NULL);
	while (l && is_blank(*p))
		p++, l--;
	while (l && is_blank(p[l - 1]))
		l--;
	*s = p;
	*n = l;
	return 1;
}

/* Copy n bytes into dst (size > 0), cut on a UTF-8 character boundary. */
static void copy_text(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size) {
		n = size - 1;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

__attribute__((format(printf, 4, 5))) static void report(ut1_bad_fn bad, void *ctx,
							 unsigned int line, const char *fmt, ...)
{
	char why[UT1_WHY_MAX];
	va_list ap;

	if (!bad)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	bad(line, why, ctx);
}

/* ---- global_usage ------------------------------------------------------ */

/* A category's short name is a directory name: [a-z0-9._-], as UT1 spells them. */
static int short_name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= CATDB_NAME_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

static int key_is(const char *k, size_t kn, const char *want)
{
	return kn == strlen(want) && !strncasecmp(k, want, kn);
}

int ut1_parse_global_usage(const char *buf, size_t len, ut1_catinfo_fn fn, ut1_bad_fn bad,
			   void *ctx)
{
	struct ut1_catinfo cur;
	unsigned int line = 0;
	int open = 0, rc;
	size_t pos = 0, n, kn;
	const char *s, *colon, *v;

	while (next_line(buf, len, &pos, &s, &n)) {
		line++;
		if (n && s[0] == '#')
			continue;
		if (!n) {
			if (open && (rc = fn(&cur, ctx)))
				return rc;
			open = 0;
			continue;
		}
		colon = memchr(s, ':', n);
		if (!colon) {
			report(bad, ctx, line, "no \"KEY: value\"");
			continue;
		}
		kn = (size_t)(colon - s);
		while (kn && is_blank(s[kn - 1]))
			kn--;
		v = colon + 1;
		while (v < s + n && is_blank(*v))
			v++;
		if (key_is(s, kn, "NAME")) {
			if (open && (rc = fn(&cur, ctx)))
				return rc;
			open = 0;
			if (!short_name_ok(v, (size_t)(s + n - v))) {
				report(bad, ctx, line, "NAME is no category directory name");
				continue;
			}
			memset(&cur, 0, sizeof(cur));
			copy_text(cur.name, sizeof(cur.name), v, (size_t)(s + n - v));
			cur.line = line;
			open = 1;
			continue;
		}
		if (!open) {
			report(bad, ctx, line, "a field outside a NAME: block");
			continue;
		}
		if (key_is(s, kn, "NAME EN"))
			copy_text(cur.name_en, sizeof(cur.name_en), v, (size_t)(s + n - v));
		else if (key_is(s, kn, "DESC EN"))
			copy_text(cur.desc_en, sizeof(cur.desc_en), v, (size_t)(s + n - v));
		else if (key_is(s, kn, "DESC FR"))
			copy_text(cur.desc_fr, sizeof(cur.desc_fr), v, (size_t)(s + n - v));
		else if (key_is(s, kn, "DEFAULT_TYPE"))
			copy_text(cur.default_type, sizeof(cur.default_type), v,
				  (size_t)(s + n - v));
		/* Other languages and SOURCE are not used. */
	}
	return open ? fn(&cur, ctx) : 0;
}

/* ---- domains and urls -------------------------------------------------- */

struct list_ctx {
	ut1_bad_fn bad;
	void *ctx;
	struct ut1_list_stats *st;
};

static void bad_line(struct list_ctx *L, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad_line(struct list_ctx *L, unsigned int line, const char *fmt, ...)
{
	char why[UT1_WHY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	L->st->bad++;
	if (!L->st->first_bad_line) {
		L->st->first_bad_line = line;
		snprintf(L->st->first_bad_why, sizeof(L->st->first_bad_why), "%s", why);
	}
	if (L->bad)
		L->bad(line, why, L->ctx);
}

/*
 * Canonical host of n bytes at s into out (DNSNAME_BUF bytes): a name as
 * dnsname_normalize gives it, or a valid IP address in lower case. NULL, or
 * why it is refused.
 */
static const char *canon_host(const char *s, size_t n, char *out, size_t *outn, char *why,
			      size_t whylen)
{
	unsigned char addr[16];
	char ip[64];
	size_t i;
	int rc;

	if (n && s[n - 1] == '.' && dnsname_is_ip(s, n - 1))
		n--;
	if (dnsname_is_ip(s, n)) {
		if (n >= sizeof(ip))
			return "an over-long IP address";
		for (i = 0; i < n; i++)
			ip[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
		ip[n] = '\0';
		if (inet_pton(AF_INET, ip, addr) != 1 && inet_pton(AF_INET6, ip, addr) != 1)
			return "an invalid IP address";
		memcpy(out, ip, n + 1);
		*outn = n;
		return NULL;
	}
	rc = dnsname_normalize(s, n, out, DNSNAME_BUF, why, whylen);
	if (rc == DNSNAME_SINGLE_LABEL)
		return "a single label (it would match a whole top-level domain)";
	if (rc != DNSNAME_OK)
		return why;
	*outn = strlen(out);
	return NULL;
}

/* A token of a line: the entry; what follows must be a comment. */
static const char *token(const char *s, size_t n, size_t *tn)
{
	size_t i = 0, j;

	while (i < n && !is_blank(s[i]))
		i++;
	*tn = i;
	for (j = i; j < n && is_blank(s[j]); j++)
		;
	if (j < n && s[j] != '#')
		return "more than one field";
	return NULL;
}

static int prefix_ci(const char *s, size_t n, const char *p)
{
	size_t pn = strlen(p);

	return n >= pn && !strncasecmp(s, p, pn);
}

int ut1_parse_list(const char *buf, size_t len, enum ut1_kind kind, ut1_entry_fn fn, ut1_bad_fn bad,
		   void *ctx, struct ut1_list_stats *stats)
{
	char out[DNSNAME_BUF + 1 + UT1_URL_MAX], why[DNSNAME_WHY_MAX];
	struct ut1_list_stats local;
	struct list_ctx L = {bad, ctx, stats ? stats : &local};
	struct ut1_entry e;
	unsigned int line = 0, segs;
	size_t pos = 0, n, tn, hn, pn, i;
	const char *s, *msg, *slash, *p;
	int rc;

	memset(L.st, 0, sizeof(*L.st));
	while (next_line(buf, len, &pos, &s, &n)) {
		line++;
		if (!n || s[0] == '#')
			continue;
		msg = token(s, n, &tn);
		if (msg) {
			bad_line(&L, line, "%s", msg);
			continue;
		}
		if (kind == UT1_URLS) {
			if (prefix_ci(s, tn, "http://"))
				s += 7, tn -= 7;
			else if (prefix_ci(s, tn, "https://"))
				s += 8, tn -= 8;
		}
		slash = memchr(s, '/', tn);
		hn = slash ? (size_t)(slash - s) : tn;
		if (kind == UT1_DOMAINS && slash) {
			bad_line(&L, line, "a URL in a domains file");
			continue;
		}
		if (tn > UT1_URL_MAX) {
			bad_line(&L, line, "longer than %d bytes", UT1_URL_MAX);
			continue;
		}
		why[0] = '\0';
		msg = canon_host(s, hn, out, &e.hostlen, why, sizeof(why));
		if (msg) {
			bad_line(&L, line, "%s", msg[0] ? msg : "not a host name");
			continue;
		}
		/* The path: no leading or trailing '/', no control bytes. */
		p = slash ? slash : s + tn;
		pn = (size_t)(s + tn - p);
		while (pn && *p == '/')
			p++, pn--;
		while (pn && p[pn - 1] == '/')
			pn--;
		for (i = 0, segs = pn > 0; i < pn && (unsigned char)p[i] > 0x20 && p[i] != 0x7f;
		     i++)
			segs += p[i] == '/' || p[i] == '?' || p[i] == '#';
		if (i < pn) {
			bad_line(&L, line, "a control byte in the path");
			continue;
		}
		if (segs > CATDB_URL_MAX_SEGMENTS) {
			bad_line(&L, line, "more than %d path segments", CATDB_URL_MAX_SEGMENTS);
			continue;
		}
		e.host = out;
		e.path = out + e.hostlen + (pn > 0);
		e.pathlen = pn;
		if (pn) {
			out[e.hostlen] = '/';
			memcpy(out + e.hostlen + 1, p, pn);
		}
		e.len = e.hostlen + (pn ? pn + 1 : 0);
		out[e.len] = '\0';
		e.text = out;
		L.st->entries++;
		rc = fn ? fn(&e, line, ctx) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

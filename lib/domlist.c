// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Domain list parser (see domlist.h for the accepted forms): lines, comments,
 * the plain, exact, hosts and URL forms, and what every form shares. AdBlock
 * rules are in domlist_adblock.c, RPZ zones in domlist_zone.c. The buffer is
 * never assumed to be NUL-terminated: every scan is bounded by its length.
 */
#include <stdio.h>
#include <string.h>

#include "lib/domlist.h"
#include "lib/domlist_priv.h"
#include "lib/fileutil.h"

#define STR_(x) #x
#define STR(x)	STR_(x)
/* How much of an offending token an error message quotes. */
#define QUOTE_MAX 64

/* Names that hosts files map to themselves, not entries of a blocklist. */
static const char *const hosts_noise[] = {
	"localhost",	   "localhost.localdomain",
	"localhost4",	   "localhost4.localdomain4",
	"localhost6",	   "localhost6.localdomain6",
	"local",	   "localdomain",
	"broadcasthost",   "ip6-localhost",
	"ip6-loopback",	   "ip6-localnet",
	"ip6-mcastprefix", "ip6-allnodes",
	"ip6-allrouters",  "ip6-allhosts",
};

/* RPZ triggers on something other than the query name (RFC draft, BIND). */
static const char *const rpz_special[] = {"rpz-ip", "rpz-nsip", "rpz-nsdname", "rpz-client-ip"};

int dl_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int dl_next_field(const char *s, size_t n, size_t *pos, struct dl_field *f)
{
	size_t i = *pos, b;

	while (i < n && dl_is_blank(s[i]))
		i++;
	if (i == n || s[i] == '#' || s[i] == ';') {
		*pos = n;
		return 0;
	}
	b = i;
	while (i < n && !dl_is_blank(s[i]))
		i++;
	f->s = s + b;
	f->n = i - b;
	*pos = i;
	return 1;
}

size_t dl_split(const char *s, size_t n, struct dl_field *f, size_t max)
{
	struct dl_field tmp;
	size_t pos = 0, nf = 0;

	while (dl_next_field(s, n, &pos, nf < max ? &f[nf] : &tmp))
		nf++;
	return nf;
}

int dl_field_is(const struct dl_field *f, const char *word)
{
	return strlen(word) == f->n && strncasecmp(f->s, word, f->n) == 0;
}

static void saturating_inc(unsigned int *v)
{
	if (*v < ~0u)
		(*v)++;
}

/* Describe the list's first problem; a line counts once however many it has. */
static int first_problem(struct dl_parser *ps, const char *why, const char *tok, size_t n)
{
	char q[QUOTE_MAX + 4];

	if (ps->line_bad)
		return 0;
	ps->line_bad = 1;
	if (ps->err.line == 0) {
		text_quote(q, tok, n, QUOTE_MAX);
		ps->err.line = ps->line;
		snprintf(ps->err.reason, sizeof(ps->err.reason), "%s: \"%s\"", why, q);
	}
	return 1;
}

void dl_bad(struct dl_parser *ps, const char *why, const char *tok, size_t n)
{
	if (first_problem(ps, why, tok, n))
		saturating_inc(&ps->err.bad_lines);
}

void dl_unsupported(struct dl_parser *ps, const char *why, const char *tok, size_t n)
{
	if (first_problem(ps, why, tok, n))
		saturating_inc(&ps->err.unsupported);
}

static int in_table(const char *name, const char *const *table, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(name, table[i]) == 0)
			return 1;
	}
	return 0;
}

/* Any label of a canonical name is one of rpz_special. */
static int has_rpz_label(const char *name)
{
	char label[DNSNAME_BUF];
	const char *p = name;

	while (*p) {
		size_t n = strcspn(p, ".");

		memcpy(label, p, n);
		label[n] = '\0';
		if (in_table(label, rpz_special, sizeof(rpz_special) / sizeof(rpz_special[0])))
			return 1;
		p += n + (p[n] == '.');
	}
	return 0;
}

static int refused(const struct dl_parser *ps)
{
	return ps->policy == DOMLIST_REFUSE_BAD && (ps->err.bad_lines || ps->err.unsupported);
}

static void deliver(struct dl_parser *ps, struct dom_entry *e, unsigned int what)
{
	e->covers_name = !!(what & DL_NAME);
	e->covers_sub = !!(what & DL_SUB);
	e->allow = !!(what & DL_ALLOW);
	ps->entries++;
	/* A refused list is discarded anyway: spare the caller the work. */
	if (ps->fn && !ps->stop && !refused(ps))
		ps->stop = ps->fn(e, ps->line, ps->ctx);
}

void dl_emit(struct dl_parser *ps, const char *tok, size_t n, unsigned int what)
{
	char why[DNSNAME_WHY_MAX];
	struct dom_entry e;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = dnsname_normalize(tok, n, e.name, sizeof(e.name), why, sizeof(why));
	if ((what & DL_HOSTS) && (rc == DNSNAME_OK || rc == DNSNAME_SINGLE_LABEL) &&
	    in_table(e.name, hosts_noise, sizeof(hosts_noise) / sizeof(hosts_noise[0])))
		return;
	if (rc == DNSNAME_IS_IP)
		saturating_inc(&ps->err.ip_entries);
	else if (rc == DNSNAME_SINGLE_LABEL)
		saturating_inc(&ps->err.single_label);
	else if (rc != DNSNAME_OK)
		dl_bad(ps, why, tok, n);
	else if ((what & DL_RPZ) && has_rpz_label(e.name))
		dl_unsupported(ps, "RPZ trigger on addresses or name servers", tok, n);
	else
		deliver(ps, &e, what);
}

/* "0.0.0.0 evil.example other.example": every field after the address. */
static void handle_hosts(struct dl_parser *ps, const char *s, size_t n, size_t pos)
{
	struct dl_field f;

	while (dl_next_field(s, n, &pos, &f) && !ps->stop)
		dl_emit(ps, f.s, f.n, DL_NAME | DL_SUB | DL_HOSTS);
}

/*
 * The host of "[scheme://][user@]host[:port][/path][?query][#fragment]", or
 * of "[v6 address]". Its bytes are left for dl_emit to judge.
 */
static void url_host(const char *s, size_t n, const char **host, size_t *hn)
{
	const char *end = s + n, *p = s, *q, *sep, *at;
	const char *slash = memchr(s, '/', n);

	sep = slash && slash > s && slash + 1 < end && slash[-1] == ':' && slash[1] == '/' ? slash
											   : NULL;
	if (sep)
		p = sep + 2;
	for (q = p; q < end && *q != '/' && *q != '?' && *q != '#'; q++)
		;
	at = memrchr(p, '@', (size_t)(q - p));
	if (at)
		p = at + 1;
	if (p < q && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(q - p));

		*host = p + 1;
		*hn = close ? (size_t)(close - p - 1) : (size_t)(q - p - 1);
		return;
	}
	sep = memchr(p, ':', (size_t)(q - p));
	*host = p;
	*hn = (size_t)((sep ? sep : q) - p);
}

/* A URL, or a host with a path: what urls files hold. */
static void handle_url(struct dl_parser *ps, const char *tok, size_t n)
{
	const char *host;
	size_t hn;

	if (!(ps->flags & DOMLIST_URLS_AS_HOSTS)) {
		dl_bad(ps, "URL or path, not a domain name (not a urls list)", tok, n);
		return;
	}
	url_host(tok, n, &host, &hn);
	if (hn == 0) {
		dl_bad(ps, "URL without a host", tok, n);
		return;
	}
	dl_emit(ps, host, hn, DL_NAME);
}

/* A line of one field: plain, exact, wildcard or URL. */
static void handle_token(struct dl_parser *ps, const char *tok, size_t n)
{
	if (memchr(tok, '/', n))
		handle_url(ps, tok, n);
	else if (tok[0] == '=')
		dl_emit(ps, tok + 1, n - 1, DL_NAME);
	else if (n >= 2 && tok[0] == '*' && tok[1] == '.')
		dl_emit(ps, tok + 2, n - 2, DL_SUB);
	else
		dl_emit(ps, tok, n, DL_NAME | DL_SUB);
}

/* A line that is no comment, directive or AdBlock rule; b is its first byte. */
static void handle_fields(struct dl_parser *ps, const char *s, size_t n, size_t b)
{
	struct dl_field f;
	size_t nf = dl_split(s + b, n - b, &f, 1);

	if (nf == 0)
		return;
	if (dnsname_is_ip(f.s, f.n)) {
		if (nf == 1)
			saturating_inc(&ps->err.ip_entries);
		else
			handle_hosts(ps, s, n, (size_t)(f.s + f.n - s));
		return;
	}
	if (dl_zone_record(ps, s + b, n - b, b > 0))
		return;
	if (nf > 1)
		dl_bad(ps, "text after the name", s + b, n - b);
	else
		handle_token(ps, f.s, f.n);
}

/*
 * An AdBlock element-hiding or scriptlet rule: "example.com##.ad", "#@#",
 * "#?#", "#$#", "#%#". A '#' after a blank starts a comment instead, and
 * one after a '/' is a URL's fragment ("host/page#%2F").
 */
static int is_cosmetic(const char *s, size_t n)
{
	size_t i;

	for (i = 1; i + 1 < n && s[i] != '/'; i++) {
		if (s[i] == '#' && !dl_is_blank(s[i - 1]) && s[i + 1] != '\0' &&
		    strchr("#@?$%", s[i + 1]))
			return 1;
	}
	return 0;
}

/* Whole-line comments of every format: '#' hosts, ';' zones, '!' AdBlock. */
static int is_comment(const char *s, size_t n)
{
	if (s[0] == '#' || s[0] == ';' || s[0] == '!')
		return 1;
	/* "[Adblock Plus 2.0]", "[uBlock Origin]": a filter list's header. */
	return s[0] == '[' && s[n - 1] == ']';
}

/* One trimmed, non-empty line; b is where it starts after leading blanks. */
static void handle_content(struct dl_parser *ps, const char *s, size_t n, size_t b)
{
	const char *t = s + b;
	size_t tn = n - b;

	if (ps->zone.in_parens && dl_zone_continues(ps, t, tn))
		return;
	if (is_comment(t, tn))
		return;
	if (is_cosmetic(t, tn))
		dl_unsupported(ps, "AdBlock element-hiding rule", t, tn);
	else if (tn > 1 && t[0] == '/' && t[tn - 1] == '/')
		dl_unsupported(ps, "AdBlock regular expression rule", t, tn);
	else if (t[0] == '$')
		dl_zone_directive(ps, t, tn);
	else if (t[0] == '|' || (tn >= 2 && t[0] == '@' && t[1] == '@'))
		dl_adblock_line(ps, t, tn);
	else
		handle_fields(ps, s, n, b);
}

/* One line without its '\n'. */
static void handle_line(struct dl_parser *ps, const char *s, size_t n)
{
	size_t b = 0;

	ps->line_bad = 0;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > DOMLIST_MAX_LINE) {
		dl_bad(ps, "line longer than " STR(DOMLIST_MAX_LINE) " characters", s, n);
		return;
	}
	while (b < n && dl_is_blank(s[b]))
		b++;
	while (n > b && dl_is_blank(s[n - 1]))
		n--;
	if (b < n)
		handle_content(ps, s, n, b);
}

long domlist_parse(const char *buf, size_t len, enum domlist_policy policy, unsigned int flags,
		   domlist_entry_fn fn, void *ctx, struct domlist_error *err)
{
	struct dl_parser ps;
	size_t pos = 0;

	memset(&ps, 0, sizeof(ps));
	ps.policy = policy;
	ps.flags = flags;
	ps.fn = fn;
	ps.ctx = ctx;
	if (!buf && len) {
		if (err) {
			memset(err, 0, sizeof(*err));
			snprintf(err->reason, sizeof(err->reason), "no buffer");
		}
		return -1;
	}
	/* A UTF-8 byte order mark is only meaningful at the very start. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && !ps.stop) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		ps.line++;
		handle_line(&ps, buf + pos, end - pos);
		pos = end + 1;
	}
	if (err)
		*err = ps.err;
	if (ps.stop)
		return ps.stop;
	return refused(&ps) ? -1 : ps.entries;
}

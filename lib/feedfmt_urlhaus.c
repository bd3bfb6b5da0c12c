// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * abuse.ch URLhaus CSV dump (see feedfmt.h): a small CSV reader for one row
 * per line, and the hosts of the rows' URLs as exact domain entries. Rows
 * are read one line at a time and bounded by the line's length; quoted
 * fields are unescaped into a buffer of the line's size on the stack.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/feedfmt.h"
#include "lib/fileutil.h"

#define STR_(x) #x
#define STR(x)	STR_(x)
/* How much of an offending row or host an error message quotes. */
#define QUOTE_MAX 64

/* Columns of the dump: id,dateadded,url,url_status,last_online,threat,... */
enum urlhaus_col {
	COL_ID = 0,
	COL_URL = 2,
	COL_STATUS = 3,
	COL_THREAT = 5,
	COL_KEPT = 6, /* columns remembered; the rest are only counted */
};

/* A row split into fields, unescaped into dec[]. */
struct csv_row {
	char dec[DOMLIST_MAX_LINE];
	size_t off[COL_KEPT];
	size_t n[COL_KEPT];
	size_t nfields;
};

static void saturating_inc(unsigned int *v)
{
	if (*v < ~0u)
		(*v)++;
}

/* Count a bad row; the first problem of the list is described. */
static void row_bad(struct domlist_error *e, unsigned int line, const char *why, const char *tok,
		    size_t n)
{
	char q[QUOTE_MAX + 4];

	saturating_inc(&e->bad_lines);
	if (e->bad_lines > 1)
		return;
	text_quote(q, tok, n, QUOTE_MAX);
	e->line = line;
	snprintf(e->reason, sizeof(e->reason), "%s: \"%s\"", why, q);
}

/* "...": the field after the opening quote at s[*i]; *i ends after the closing one. */
static const char *quoted_field(const char *s, size_t n, size_t *i, char *dec, size_t *o)
{
	for ((*i)++; *i < n; (*i)++) {
		if (s[*i] != '"') {
			dec[(*o)++] = s[*i];
			continue;
		}
		if (*i + 1 < n && s[*i + 1] == '"') {
			dec[(*o)++] = '"';
			(*i)++;
			continue;
		}
		(*i)++;
		if (*i < n && s[*i] != ',')
			return "text after a closing quote";
		return NULL;
	}
	return "unterminated quoted field";
}

/* A field without quotes, up to the next comma. */
static const char *bare_field(const char *s, size_t n, size_t *i, char *dec, size_t *o)
{
	for (; *i < n && s[*i] != ','; (*i)++) {
		if (s[*i] == '"')
			return "quote inside an unquoted field";
		dec[(*o)++] = s[*i];
	}
	return NULL;
}

/* Split a line of at most DOMLIST_MAX_LINE bytes: NULL, or why it is no CSV row. */
static const char *split_row(const char *s, size_t n, struct csv_row *r)
{
	size_t i = 0, o = 0;

	r->nfields = 0;
	for (;;) {
		size_t start = o;
		const char *why;

		if (i < n && s[i] == '"')
			why = quoted_field(s, n, &i, r->dec, &o);
		else
			why = bare_field(s, n, &i, r->dec, &o);
		if (why)
			return why;
		if (r->nfields < COL_KEPT) {
			r->off[r->nfields] = start;
			r->n[r->nfields] = o - start;
		}
		r->nfields++;
		if (i >= n)
			return NULL;
		i++; /* the comma */
	}
}

static int field_is(const struct csv_row *r, size_t col, const char *word)
{
	return r->n[col] == strlen(word) && strncasecmp(r->dec + r->off[col], word, r->n[col]) == 0;
}

/* The row's kept fields, empty when the row is shorter. */
static void row_view(const struct csv_row *r, struct urlhaus_row *v)
{
	static const size_t cols[3] = {COL_URL, COL_STATUS, COL_THREAT};
	const char **ptr[3] = {&v->url, &v->status, &v->threat};
	size_t *len[3] = {&v->url_len, &v->status_len, &v->threat_len};
	size_t k;

	for (k = 0; k < 3; k++) {
		int have = cols[k] < r->nfields;

		*ptr[k] = have ? r->dec + r->off[cols[k]] : r->dec;
		*len[k] = have ? r->n[cols[k]] : 0;
	}
}

/* One trimmed, non-comment line: 1 when it is a row to hand on (in *v). */
static int handle_line(struct csv_row *r, const char *s, size_t n, unsigned int line,
		       struct urlhaus_row *v, struct domlist_error *e)
{
	const char *why;

	if (n > DOMLIST_MAX_LINE) {
		row_bad(e, line, "line longer than " STR(DOMLIST_MAX_LINE) " characters", s, n);
		return 0;
	}
	why = split_row(s, n, r);
	if (!why && r->nfields <= COL_URL)
		why = "fewer than 3 fields";
	if (why) {
		row_bad(e, line, why, s, n);
		return 0;
	}
	/* The header row of a dump that lost its '#'. */
	if (field_is(r, COL_ID, "id") && field_is(r, COL_URL, "url"))
		return 0;
	row_view(r, v);
	return 1;
}

/* The rows of buf, counting bad ones in e (never NULL). */
static long scan_rows(const char *buf, size_t len, urlhaus_row_fn fn, void *ctx,
		      struct domlist_error *e)
{
	struct csv_row row;
	unsigned int no = 0;
	size_t pos = 0, n;
	long rows = 0;
	const char *s;

	while (feedfmt_next_line(buf, len, &pos, &no, &s, &n)) {
		struct urlhaus_row v;

		if (n == 0 || s[0] == '#' || !handle_line(&row, s, n, no, &v, e))
			continue;
		rows++;
		if (fn) {
			int stop = fn(&v, no, ctx);

			if (stop)
				return stop;
		}
	}
	return rows;
}

long urlhaus_csv_rows(const char *buf, size_t len, urlhaus_row_fn fn, void *ctx,
		      struct domlist_error *err)
{
	struct domlist_error e = {0};
	long ret = scan_rows(buf, len, fn, ctx, &e);

	if (err)
		*err = e;
	return ret;
}

/* ---- Hosts ------------------------------------------------------------- */

static int is_scheme_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '.';
}

/* Where the authority starts: after "scheme://" or "//", else at 0. */
static size_t authority_start(const char *s, size_t n)
{
	size_t i;

	if (n >= 2 && s[0] == '/' && s[1] == '/')
		return 2;
	for (i = 0; i < n && is_scheme_char(s[i]); i++)
		;
	if (i > 0 && i + 3 <= n && memcmp(s + i, "://", 3) == 0)
		return i + 3;
	return 0;
}

/* The URL's host: its bytes in [*h, *h + *hn); *bracketed for "[...]". NULL, or why not. */
static const char *url_host(const char *s, size_t n, const char **h, size_t *hn, int *bracketed)
{
	size_t p = authority_start(s, n), q;
	const char *at, *end;

	for (q = p; q < n && s[q] != '/' && s[q] != '?' && s[q] != '#'; q++)
		;
	at = memrchr(s + p, '@', q - p);
	if (at)
		p = (size_t)(at - s) + 1;
	*bracketed = p < q && s[p] == '[';
	if (*bracketed) {
		end = memchr(s + p, ']', q - p);
		if (!end)
			return "no ']' after '[' in the host";
		p++;
	} else {
		end = memchr(s + p, ':', q - p);
		if (!end)
			end = s + q;
	}
	*h = s + p;
	*hn = (size_t)(end - *h);
	return *hn ? NULL : "URL without a host";
}

struct host_parser {
	domlist_entry_fn fn;
	void *ctx;
	struct domlist_error e;
	long entries;
	int stop; /* fn's non-zero return, which ends the parse */
};

/* Trim the blanks around a field (a bare field keeps them). */
static const char *trimmed(const char *s, size_t *n)
{
	while (*n > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* A bracketed host must be an IPv6 address: count it, or call it bad. */
static void bracketed_host(struct host_parser *hp, const char *h, size_t hn, unsigned int line)
{
	if (dnsname_is_ip(h, hn))
		saturating_inc(&hp->e.ip_entries);
	else
		row_bad(&hp->e, line, "bracketed host is not an IP address", h, hn);
}

static int host_of_row(const struct urlhaus_row *row, unsigned int line, void *ctx)
{
	struct host_parser *hp = ctx;
	size_t un = row->url_len, hn;
	const char *url = trimmed(row->url, &un), *h, *why;
	char dwhy[DNSNAME_WHY_MAX];
	struct dom_entry ent;
	int bracketed, rc;

	why = url_host(url, un, &h, &hn, &bracketed);
	if (why) {
		row_bad(&hp->e, line, why, url, un);
		return 0;
	}
	if (bracketed) {
		bracketed_host(hp, h, hn, line);
		return 0;
	}
	memset(&ent, 0, sizeof(ent));
	rc = dnsname_normalize(h, hn, ent.name, sizeof(ent.name), dwhy, sizeof(dwhy));
	if (rc == DNSNAME_IS_IP) {
		saturating_inc(&hp->e.ip_entries);
	} else if (rc == DNSNAME_SINGLE_LABEL) {
		saturating_inc(&hp->e.single_label);
	} else if (rc != DNSNAME_OK) {
		row_bad(&hp->e, line, dwhy, h, hn);
	} else {
		/* The exact host only: a bad URL does not condemn the names below it. */
		ent.covers_name = 1;
		hp->entries++;
		if (hp->fn)
			hp->stop = hp->fn(&ent, line, hp->ctx);
	}
	return hp->stop;
}

long urlhaus_csv_parse(const char *buf, size_t len, domlist_entry_fn fn, void *ctx,
		       struct domlist_error *err)
{
	struct host_parser hp = {.fn = fn, .ctx = ctx};
	/* It returns rows (or hp.stop): the entries are what counts here. */
	scan_rows(buf, len, host_of_row, &hp, &hp.e);
	if (err)
		*err = hp.e;
	return hp.stop ? hp.stop : hp.entries;
}

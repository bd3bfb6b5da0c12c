// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Emerging Threats IP reputation (see feedfmt.h): the category file
 * "id,shortname,description" and the list "address,category,score". Also
 * the line and error helpers the other feed formats share, since this is
 * the plainest of them. Every scan is bounded by the buffer's length.
 */
#include <stdio.h>
#include <string.h>

#include "lib/feedfmt.h"
#include "lib/fileutil.h"

#define STR_(x) #x
#define STR(x)	STR_(x)
/* How much of an offending field an error message quotes. */
#define QUOTE_MAX 64
/* Longest text ip_prefix_parse accepts: an IPv6 address, '/', three digits. */
#define PREFIX_TEXT_MAX 50

#define TOO_LONG "line longer than " STR(IPLIST_MAX_LINE) " characters"
/* Room for a short "why" before the offending field is appended. */
#define WHY_MAX 80

#define ETREP_MAX_CATEGORY 255
#define ETREP_MAX_SCORE	   127

/* ---- Shared helpers ---------------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Drop the blanks around s[0..*n): returns the new start. */
static const char *trim(const char *s, size_t *n)
{
	while (*n > 0 && is_blank(s[0])) {
		s++;
		(*n)--;
	}
	while (*n > 0 && is_blank(s[*n - 1]))
		(*n)--;
	return s;
}

int feedfmt_next_line(const char *buf, size_t len, size_t *pos, unsigned int *no, const char **s,
		      size_t *n)
{
	const char *nl;
	size_t end;

	/* A UTF-8 byte order mark is only meaningful at the very start. */
	if (*pos == 0 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		*pos = 3;
	if (!buf || *pos >= len)
		return 0;
	nl = memchr(buf + *pos, '\n', len - *pos);
	end = nl ? (size_t)(nl - buf) : len;
	*n = end - *pos;
	*s = trim(buf + *pos, n);
	*pos = end + 1;
	if (*no < ~0u)
		(*no)++;
	return 1;
}

void feedfmt_bad_line(struct iplist_error *err, unsigned int line, const char *why, const char *tok,
		      size_t n)
{
	char q[QUOTE_MAX + 4];

	if (err->bad_lines < ~0u)
		err->bad_lines++;
	if (err->bad_lines > 1)
		return;
	text_quote(q, tok, n, QUOTE_MAX);
	err->line = line;
	snprintf(err->reason, sizeof(err->reason), "%s: \"%s\"", why, q);
}

int feedfmt_prefix_parse(const char *s, size_t n, struct ip_prefix *out)
{
	char text[PREFIX_TEXT_MAX + 1];

	/* A NUL inside would cut the text short and hide what follows it. */
	if (n == 0 || n > PREFIX_TEXT_MAX || memchr(s, '\0', n))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	return ip_prefix_parse(text, out);
}

/* A NULL buffer with a length: refused rather than read. */
static int no_buffer(struct iplist_error *err)
{
	if (err) {
		err->bad_lines = 1;
		snprintf(err->reason, sizeof(err->reason), "no buffer");
	}
	return -1;
}

/* ---- Fields ------------------------------------------------------------ */

/* A comma-separated field of a line, trimmed. */
struct field {
	const char *s;
	size_t n;
};

/*
 * Split s into at most max fields at commas; the last one takes the rest of
 * the line. Returns how many there are (at least 1).
 */
static size_t split_commas(const char *s, size_t n, struct field *f, size_t max)
{
	size_t nf = 0, b = 0;

	while (nf + 1 < max) {
		const char *comma = memchr(s + b, ',', n - b);

		if (!comma)
			break;
		f[nf].n = (size_t)(comma - s) - b;
		f[nf].s = trim(s + b, &f[nf].n);
		nf++;
		b = (size_t)(comma - s) + 1;
	}
	f[nf].n = n - b;
	f[nf].s = trim(s + b, &f[nf].n);
	return nf + 1;
}

/*
 * A decimal number 0..max: digits only (no sign, no hex). NULL, or why not
 * (written to why, WHY_MAX bytes).
 */
static const char *parse_number(const struct field *f, unsigned int max, const char *what,
				unsigned int *out, char *why)
{
	unsigned int v = 0;
	size_t i;

	if (f->n == 0) {
		snprintf(why, WHY_MAX, "missing %s", what);
		return why;
	}
	for (i = 0; i < f->n; i++) {
		if (f->s[i] < '0' || f->s[i] > '9') {
			snprintf(why, WHY_MAX, "%s is not a number", what);
			return why;
		}
		if (v <= max)
			v = v * 10 + (unsigned int)(f->s[i] - '0');
	}
	if (v > max) {
		snprintf(why, WHY_MAX, "%s out of range 0..%u", what, max);
		return why;
	}
	*out = v;
	return NULL;
}

static int has_control_char(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	}
	return 0;
}

/* ---- Categories -------------------------------------------------------- */

const char *etrep_category_name(const struct etrep_categories *c, unsigned int id)
{
	unsigned int i;

	if (!c)
		return NULL;
	for (i = 0; i < c->n && i < sizeof(c->cat) / sizeof(c->cat[0]); i++) {
		if (c->cat[i].id == id)
			return c->cat[i].name;
	}
	return NULL;
}

/* One "id,shortname,description" line: NULL, or why it is bad (f[] names the field). */
static const char *category_line(struct etrep_categories *out, const char *s, size_t n,
				 struct field *bad, char *why)
{
	struct field f[3];
	size_t nf = split_commas(s, n, f, 3), cut;
	unsigned int id;

	*bad = f[0];
	if (parse_number(&f[0], ETREP_MAX_CATEGORY, "category id", &id, why))
		return why;
	if (nf < 2 || f[1].n == 0) {
		*bad = (struct field){s, n};
		return "missing category name";
	}
	*bad = f[1];
	if (has_control_char(f[1].s, f[1].n))
		return "control character in category name";
	if (etrep_category_name(out, id)) {
		*bad = f[0];
		return "category id defined twice";
	}
	cut = f[1].n < sizeof(out->cat[0].name) ? f[1].n : sizeof(out->cat[0].name) - 1;
	out->cat[out->n].id = (uint16_t)id;
	memcpy(out->cat[out->n].name, f[1].s, cut);
	out->cat[out->n].name[cut] = '\0';
	out->n++;
	return NULL;
}

int etrep_categories_parse(const char *buf, size_t len, struct etrep_categories *out,
			   struct iplist_error *err)
{
	struct iplist_error e = {0};
	unsigned int no = 0;
	size_t pos = 0, n;
	const char *s;

	memset(out, 0, sizeof(*out));
	if (err)
		memset(err, 0, sizeof(*err));
	if (!buf && len)
		return no_buffer(err);
	while (feedfmt_next_line(buf, len, &pos, &no, &s, &n)) {
		char why[WHY_MAX];
		struct field bad;
		const char *msg;

		if (n == 0 || s[0] == '#')
			continue;
		if (n > IPLIST_MAX_LINE) {
			feedfmt_bad_line(&e, no, TOO_LONG, s, n);
			continue;
		}
		msg = category_line(out, s, n, &bad, why);
		if (msg)
			feedfmt_bad_line(&e, no, msg, bad.s, bad.n);
	}
	if (err)
		*err = e;
	return e.bad_lines ? -1 : 0;
}

/* ---- Reputation list --------------------------------------------------- */

struct etrep_line {
	struct ip_prefix prefix;
	unsigned int category;
	unsigned int score;
};

/* One "address,category,score" line: NULL, or why it is bad (*bad: the field). */
static const char *reputation_line(const char *s, size_t n, struct etrep_line *out,
				   struct field *bad, char *why)
{
	struct field f[4];
	size_t nf = split_commas(s, n, f, 4);

	*bad = (struct field){s, n};
	if (nf < 2)
		return "missing category";
	if (nf < 3)
		return "missing score";
	if (nf > 3)
		return "more than 3 fields";
	*bad = f[0];
	if (feedfmt_prefix_parse(f[0].s, f[0].n, &out->prefix))
		return "not an IP address or CIDR";
	*bad = f[1];
	if (parse_number(&f[1], ETREP_MAX_CATEGORY, "category", &out->category, why))
		return why;
	*bad = f[2];
	if (parse_number(&f[2], ETREP_MAX_SCORE, "score", &out->score, why))
		return why;
	return NULL;
}

static int wanted(const struct etrep_filter *f, const struct etrep_line *l)
{
	static const uint8_t none[256];

	if (!f)
		return 1;
	if (l->score < f->min_score)
		return 0;
	/* No category chosen means every category. */
	return memcmp(f->want, none, sizeof(none)) == 0 || f->want[l->category];
}

long etrep_parse(const char *buf, size_t len, const struct etrep_filter *f, iplist_entry_fn fn,
		 void *ctx, struct iplist_error *err)
{
	struct iplist_error e = {0};
	unsigned int no = 0;
	size_t pos = 0, n;
	long entries = 0;
	const char *s;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!buf && len)
		return no_buffer(err);
	while (feedfmt_next_line(buf, len, &pos, &no, &s, &n)) {
		struct etrep_line l;
		char why[WHY_MAX];
		struct field bad;
		const char *msg;

		if (n == 0 || s[0] == '#')
			continue;
		if (n > IPLIST_MAX_LINE) {
			feedfmt_bad_line(&e, no, TOO_LONG, s, n);
			continue;
		}
		msg = reputation_line(s, n, &l, &bad, why);
		if (msg) {
			feedfmt_bad_line(&e, no, msg, bad.s, bad.n);
			continue;
		}
		if (!wanted(f, &l))
			continue;
		entries++;
		/* Once a line is bad the list is refused: spare the caller the work. */
		if (fn && !e.bad_lines) {
			int stop = fn(&l.prefix, no, ctx);

			if (stop)
				return stop;
		}
	}
	if (err)
		*err = e;
	return e.bad_lines ? -1 : entries;
}

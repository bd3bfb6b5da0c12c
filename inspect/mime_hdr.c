// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Structured MIME header fields: the value and parameters of Content-Type and
 * Content-Disposition (RFC 2045 5.1, RFC 2183), parameter continuations and
 * charsets (RFC 2231), encoded words (RFC 2047). Lenient where mail clients
 * are: unquoted values with blanks, a missing ';', and encoded words inside
 * quoted file names (Outlook and Japanese mailers write them, clients decode
 * them) are all accepted, so that the name logged is the name the user sees.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "inspect/mime.h"

/* Segments of an RFC 2231 continued parameter followed. */
#define CONT_MAX 64

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip a comment "(...)" (nested, with quoted pairs) starting at f[i] == '('. */
static size_t skip_comment(const char *f, size_t len, size_t i)
{
	int level = 0;

	for (; i < len; i++) {
		if (f[i] == '\\')
			i++;
		else if (f[i] == '(')
			level++;
		else if (f[i] == ')' && --level == 0)
			return i + 1;
	}
	return len;
}

/* End of the value before the parameters: a blank, ';' or a comment. */
static size_t value_end(const char *f, size_t len, size_t *start)
{
	size_t i = 0;

	for (;;) {
		while (i < len && is_blank(f[i]))
			i++;
		if (i < len && f[i] == '(')
			i = skip_comment(f, len, i);
		else
			break;
	}
	*start = i;
	while (i < len && !is_blank(f[i]) && f[i] != ';' && f[i] != '(')
		i++;
	return i;
}

size_t mime_hdr_value(const char *field, size_t len, char *out, size_t cap)
{
	size_t s, e = value_end(field, len, &s), n = 0;

	for (; s < e && n + 1 < cap; s++)
		out[n++] = (char)tolower((unsigned char)field[s]);
	out[n] = '\0';
	return n;
}

/* One parameter as written: attribute and value (still quoted if quoted). */
struct param {
	const char *name;
	size_t nlen;
	const char *val;
	size_t vlen;
	bool quoted;
};

/* The parameter at or after *pos; false at the end. Attributes without '=' are skipped. */
static bool next_param(const char *f, size_t len, size_t *pos, struct param *p)
{
	size_t i = *pos, s;

	for (;;) {
		while (i < len && (f[i] == ';' || is_blank(f[i])))
			i++;
		if (i < len && f[i] == '(') {
			i = skip_comment(f, len, i);
			continue;
		}
		if (i >= len)
			return false;
		s = i;
		while (i < len && f[i] != '=' && f[i] != ';' && !is_blank(f[i]) && f[i] != '"')
			i++;
		p->name = f + s;
		p->nlen = i - s;
		while (i < len && is_blank(f[i]))
			i++;
		if (i < len && f[i] == '=' && p->nlen)
			break;
		/* Not "attribute=": skip to the next ';' (at least one byte, to progress). */
		if (i == s)
			i++;
		while (i < len && f[i] != ';')
			i++;
	}
	i++;
	while (i < len && is_blank(f[i]))
		i++;
	p->quoted = i < len && f[i] == '"';
	if (p->quoted) {
		s = ++i;
		while (i < len && f[i] != '"')
			i += f[i] == '\\' ? 2 : 1;
		if (i > len)
			i = len;
		p->val = f + s;
		p->vlen = i - s;
		while (i < len && f[i] != ';')
			i++;
	} else {
		size_t e;

		s = i;
		while (i < len && f[i] != ';')
			i++;
		/* A trailing comment or blanks are not the value; inner blanks are (lenient). */
		for (e = s; e < i; e++)
			if (f[e] == '(' && e > s && is_blank(f[e - 1]))
				break;
		while (e > s && is_blank(f[e - 1]))
			e--;
		p->val = f + s;
		p->vlen = e - s;
	}
	*pos = i;
	return true;
}

/* Where the parameters begin: after the value (the ';' is optional, as for clients). */
static size_t params_start(const char *f, size_t len)
{
	size_t s;

	return value_end(f, len, &s);
}

/* The value, quoted pairs resolved, cut to cap bytes; returns its length. */
static size_t unquote(const struct param *p, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < p->vlen && n < cap; i++) {
		if (p->quoted && p->val[i] == '\\' && i + 1 < p->vlen)
			i++;
		out[n++] = p->val[i];
	}
	return n;
}

/* Attribute "name", "name*", "name*3" or "name*3*": base length, index (-1), extended. */
static size_t attr_split(const struct param *p, int *index, bool *ext)
{
	const char *star = memchr(p->name, '*', p->nlen);
	size_t base = star ? (size_t)(star - p->name) : p->nlen, i = base + 1;

	*index = -1;
	*ext = false;
	if (!star)
		return base;
	if (i < p->nlen && isdigit((unsigned char)p->name[i])) {
		*index = 0;
		for (; i < p->nlen && isdigit((unsigned char)p->name[i]) && *index < 100000; i++)
			*index = *index * 10 + (p->name[i] - '0');
	}
	if (i == p->nlen && *index < 0) {
		*ext = true; /* "name*" */
	} else if (i + 1 == p->nlen && p->name[i] == '*') {
		*ext = true; /* "name*N*" */
	} else if (i != p->nlen) {
		*index = -2; /* not an RFC 2231 form: never matches */
		return p->nlen;
	}
	return base;
}

/* Find the first parameter name[*index][*]; index -1 means no index. */
static bool find_param(const char *f, size_t len, const char *name, int index, struct param *p,
		       bool *ext)
{
	size_t pos = params_start(f, len), nl = strlen(name);

	while (next_param(f, len, &pos, p)) {
		int idx;
		size_t base = attr_split(p, &idx, ext);

		if (idx == index && base == nl && !strncasecmp(p->name, name, nl))
			return true;
	}
	return false;
}

bool mime_hdr_param_raw(const char *field, size_t len, const char *name, char *out, size_t cap,
			size_t *out_len)
{
	struct param p;
	bool ext;
	size_t n;

	if (!find_param(field, len, name, -1, &p, &ext) || ext)
		return false;
	n = unquote(&p, out, cap - 1);
	out[n] = '\0';
	if (out_len)
		*out_len = n;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* %XX decoding of an RFC 2231 value into raw[*n..cap); bad escapes are kept as text. */
static void pct_decode(const char *v, size_t len, uint8_t *raw, size_t *n, size_t cap)
{
	size_t i;

	for (i = 0; i < len && *n < cap; i++) {
		int h, l;

		if (v[i] == '%' && i + 2 < len && (h = hexval(v[i + 1])) >= 0 &&
		    (l = hexval(v[i + 2])) >= 0) {
			raw[(*n)++] = (uint8_t)(h << 4 | l);
			i += 2;
		} else {
			raw[(*n)++] = (uint8_t)v[i];
		}
	}
}

/* "charset'language'rest": copy the charset, return where rest starts (0 if no quotes). */
static size_t ext_prefix(const char *v, size_t len, char *charset, size_t cap)
{
	const char *q1 = memchr(v, '\'', len), *q2;
	size_t n;

	charset[0] = '\0';
	if (!q1)
		return 0;
	q2 = memchr(q1 + 1, '\'', len - (size_t)(q1 + 1 - v));
	if (!q2)
		return 0;
	n = (size_t)(q1 - v) < cap - 1 ? (size_t)(q1 - v) : cap - 1;
	memcpy(charset, v, n);
	charset[n] = '\0';
	return (size_t)(q2 + 1 - v);
}

/* RFC 2231: name* or name*0[*], name*1[*]... into UTF-8; false if neither form is there. */
static bool param_2231(const char *f, size_t len, const char *name, char *out, size_t cap)
{
	char charset[MIME_CHARSET_MAX] = "", val[MIME_FIELD_MAX];
	uint8_t raw[MIME_FIELD_MAX];
	size_t n = 0, vlen, skip;
	struct param p;
	bool ext;
	int i;

	if (find_param(f, len, name, -1, &p, &ext) && ext) {
		vlen = unquote(&p, val, sizeof(val));
		skip = ext_prefix(val, vlen, charset, sizeof(charset));
		pct_decode(val + skip, vlen - skip, raw, &n, sizeof(raw));
	} else {
		for (i = 0; i < CONT_MAX; i++) {
			if (!find_param(f, len, name, i, &p, &ext))
				break;
			vlen = unquote(&p, val, sizeof(val));
			skip = 0;
			if (ext && i == 0)
				skip = ext_prefix(val, vlen, charset, sizeof(charset));
			if (ext) {
				pct_decode(val + skip, vlen - skip, raw, &n, sizeof(raw));
			} else {
				size_t m = vlen < sizeof(raw) - n ? vlen : sizeof(raw) - n;

				memcpy(raw + n, val, m);
				n += m;
			}
		}
		if (!i)
			return false;
	}
	mime_charset_to_utf8(charset, raw, n, out, cap);
	return true;
}

bool mime_hdr_param_text(const char *field, size_t len, const char *name, char *out, size_t cap)
{
	char val[MIME_FIELD_MAX];
	struct param p;
	size_t n;
	bool ext;

	if (param_2231(field, len, name, out, cap))
		return true;
	if (!find_param(field, len, name, -1, &p, &ext) || ext)
		return false;
	n = unquote(&p, val, sizeof(val));
	mime_hdr_decode_words(val, n, out, cap);
	return true;
}

/* An encoded word "=?charset?B|Q?text?=" at in[0..len); its length, or 0 if none. */
static size_t parse_word(const char *in, size_t len, char *charset, size_t ccap, char *enc,
			 const char **text, size_t *tlen)
{
	size_t i = 2, c;
	const char *end;

	if (len < 8 || in[0] != '=' || in[1] != '?')
		return 0;
	while (i < len && in[i] != '?' && !is_blank(in[i]))
		i++;
	c = i - 2;
	if (!c || c >= ccap || i + 3 > len || in[i] != '?' || in[i + 2] != '?')
		return 0;
	*enc = (char)toupper((unsigned char)in[i + 1]);
	if (*enc != 'B' && *enc != 'Q')
		return 0;
	memcpy(charset, in + 2, c);
	charset[c] = '\0';
	*text = in + i + 3;
	end = memmem(*text, len - (i + 3), "?=", 2);
	if (!end)
		return 0;
	*tlen = (size_t)(end - *text);
	/* Blanks inside are not RFC 2047, but some mailers fold inside a word. */
	return (size_t)(end + 2 - in);
}

/* Q encoding (RFC 2047 4.2): "_" is a space, =XX a byte. */
static size_t q_decode(const char *t, size_t len, uint8_t *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len && n < cap; i++) {
		int h, l;

		if (t[i] == '_') {
			out[n++] = ' ';
		} else if (t[i] == '=' && i + 2 < len && (h = hexval(t[i + 1])) >= 0 &&
			   (l = hexval(t[i + 2])) >= 0) {
			out[n++] = (uint8_t)(h << 4 | l);
			i += 2;
		} else {
			out[n++] = (uint8_t)t[i];
		}
	}
	return n;
}

/* Decoded words of one charset waiting to be converted together: a character may be
 * split across adjacent words (RFC 2047 forbids it; mailers do it). */
struct run {
	char charset[MIME_CHARSET_MAX];
	uint8_t raw[MIME_FIELD_MAX];
	size_t n;
};

static size_t flush_run(struct run *r, char *out, size_t cap, size_t o)
{
	if (r->n)
		o += mime_charset_to_utf8(r->charset, r->raw, r->n, out + o, cap - o);
	r->n = 0;
	return o;
}

size_t mime_hdr_decode_words(const char *in, size_t len, char *out, size_t cap)
{
	struct run r = {.n = 0};
	size_t i = 0, plain = 0, o = 0;
	bool after_word = false;

	out[0] = '\0';
	while (i < len) {
		char charset[MIME_CHARSET_MAX], enc;
		const char *text;
		size_t tlen, wl = in[i] == '=' ? parse_word(in + i, len - i, charset,
							    sizeof(charset), &enc, &text, &tlen)
					       : 0;
		size_t k;

		if (!wl) {
			i++;
			continue;
		}
		/* Blanks between two encoded words are dropped (RFC 2047 6.2). */
		for (k = plain; k < i && is_blank(in[k]); k++)
			;
		if (!after_word || k < i) {
			o = flush_run(&r, out, cap, o);
			o += mime_charset_to_utf8("", (const uint8_t *)in + plain, i - plain,
						  out + o, cap - o);
		}
		if (r.n && strcasecmp(r.charset, charset))
			o = flush_run(&r, out, cap, o);
		strcpy(r.charset, charset);
		if (enc == 'B')
			r.n += mime_decode_buf(MIME_CTE_BASE64, (const uint8_t *)text, tlen,
					       r.raw + r.n, sizeof(r.raw) - r.n, NULL);
		else
			r.n += q_decode(text, tlen, r.raw + r.n, sizeof(r.raw) - r.n);
		i += wl;
		plain = i;
		after_word = true;
	}
	o = flush_run(&r, out, cap, o);
	o += mime_charset_to_utf8("", (const uint8_t *)in + plain, len - plain, out + o, cap - o);
	return o;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Content-Transfer-Encoding decoders (RFC 2045 6.7, 6.8), streaming: the
 * state between pieces is a few bytes in struct mime_dec, so a part split
 * anywhere decodes to the same bytes. Both are lenient the way mail clients
 * are, because an antivirus must see what the recipient's client will.
 */
#include <string.h>
#include <strings.h>

#include "inspect/mime.h"

/* Base64 alphabet value, 64 for '=', 0xfe for blanks and line ends, 0xff for others. */
static uint8_t b64_val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	if (c == '=')
		return 64;
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v')
		return 0xfe;
	return 0xff;
}

/* A partial group at '=' or the end: 2 sextets give 1 byte, 3 give 2; 1 is dangling. */
static size_t b64_flush(struct mime_dec *d, uint8_t *out)
{
	size_t n = 0;

	if (d->n == 1)
		d->bad++;
	if (d->n >= 2)
		out[n++] = (uint8_t)(d->acc >> (6 * d->n - 8));
	if (d->n == 3)
		out[n++] = (uint8_t)(d->acc >> 2);
	d->n = 0;
	d->acc = 0;
	return n;
}

static size_t b64_feed(struct mime_dec *d, const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		uint8_t v = b64_val(in[i]);

		if (v < 64) {
			/* Data after padding: encoders that concatenate chunks do this. */
			d->ended = false;
			d->acc = (d->acc << 6) | v;
			if (++d->n == 4) {
				out[o++] = (uint8_t)(d->acc >> 16);
				out[o++] = (uint8_t)(d->acc >> 8);
				out[o++] = (uint8_t)d->acc;
				d->n = 0;
				d->acc = 0;
			}
		} else if (v == 64) {
			if (!d->ended)
				o += b64_flush(d, out + o);
			d->ended = true;
		} else if (v == 0xff) {
			d->bad++;
		}
	}
	return o;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	/* Lower case is not RFC 2045 but some encoders write it; clients accept it. */
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

enum { QP_TEXT, QP_EQ, QP_EQ_HEX, QP_EQ_BLANK };

/* A held "=..." turned out to be no escape: it is text (counted as an error). */
static size_t qp_literal(struct mime_dec *d, uint8_t *out)
{
	size_t n = d->n;

	memcpy(out, d->held, n);
	d->n = 0;
	d->state = QP_TEXT;
	d->bad++;
	return n;
}

static size_t qp_feed(struct mime_dec *d, const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0;

	while (i < len) {
		uint8_t c = in[i];
		int h;

		switch (d->state) {
		case QP_TEXT: {
			const uint8_t *eq = memchr(in + i, '=', len - i);
			size_t n = eq ? (size_t)(eq - (in + i)) : len - i;

			/* Hard line breaks and other text are kept as they are. */
			memcpy(out + o, in + i, n);
			o += n;
			i += n;
			if (eq) {
				d->held[0] = '=';
				d->n = 1;
				d->state = QP_EQ;
				i++;
			}
			break;
		}
		case QP_EQ:
			if (c == '\n') {
				/* Soft line break ("=" CRLF, or "=" LF from LF-only mailers). */
				d->n = 0;
				d->state = QP_TEXT;
				i++;
			} else if (c == '\r' || c == ' ' || c == '\t') {
				/* "=" then blanks then CRLF: a soft break with transport padding.
				 */
				d->held[d->n++] = (char)c;
				d->state = QP_EQ_BLANK;
				i++;
			} else if ((h = hexval(c)) >= 0) {
				d->held[d->n++] = (char)c;
				d->state = QP_EQ_HEX;
				i++;
			} else {
				o += qp_literal(d, out + o);
			}
			break;
		case QP_EQ_HEX:
			if ((h = hexval(c)) >= 0) {
				out[o++] = (uint8_t)(hexval((uint8_t)d->held[1]) << 4 | h);
				d->n = 0;
				d->state = QP_TEXT;
				i++;
			} else {
				o += qp_literal(d, out + o);
			}
			break;
		case QP_EQ_BLANK:
			if (c == '\n') {
				d->n = 0;
				d->state = QP_TEXT;
				i++;
			} else if ((c == '\r' || c == ' ' || c == '\t') && d->n < sizeof(d->held)) {
				d->held[d->n++] = (char)c;
				i++;
			} else {
				o += qp_literal(d, out + o);
			}
			break;
		}
	}
	return o;
}

void mime_dec_init(struct mime_dec *d, enum mime_cte cte)
{
	memset(d, 0, sizeof(*d));
	d->cte = cte;
}

size_t mime_dec_feed(struct mime_dec *d, const uint8_t *in, size_t len, uint8_t *out)
{
	switch (d->cte) {
	case MIME_CTE_BASE64:
		return b64_feed(d, in, len, out);
	case MIME_CTE_QP:
		return qp_feed(d, in, len, out);
	default:
		memcpy(out, in, len);
		return len;
	}
}

size_t mime_dec_finish(struct mime_dec *d, uint8_t *out)
{
	size_t n = 0;

	if (d->cte == MIME_CTE_BASE64 && !d->ended) {
		n = b64_flush(d, out);
	} else if (d->cte == MIME_CTE_QP) {
		/* A final "=" (or "=" and blanks) is a soft break; "=X" is text. */
		if (d->state == QP_EQ_HEX)
			n = qp_literal(d, out);
		d->n = 0;
		d->state = QP_TEXT;
	}
	return n;
}

size_t mime_decode_buf(enum mime_cte cte, const uint8_t *in, size_t len, uint8_t *out, size_t cap,
		       uint32_t *bad)
{
	struct mime_dec d;
	uint8_t tmp[MIME_DEC_OUT(64)];
	size_t o = 0, i, n;

	mime_dec_init(&d, cte);
	for (i = 0; i < len + 64; i += 64) {
		size_t chunk = i < len ? (len - i < 64 ? len - i : 64) : 0;

		n = chunk ? mime_dec_feed(&d, in + i, chunk, tmp) : mime_dec_finish(&d, tmp);
		if (n > cap - o)
			n = cap - o;
		memcpy(out + o, tmp, n);
		o += n;
		if (!chunk)
			break;
	}
	if (bad)
		*bad = d.bad;
	return o;
}

enum mime_cte mime_cte_parse(const char *s, size_t len)
{
	static const struct {
		const char *name;
		enum mime_cte cte;
	} names[] = {
		{"7bit", MIME_CTE_7BIT},	   {"8bit", MIME_CTE_8BIT},
		{"binary", MIME_CTE_BINARY},	   {"base64", MIME_CTE_BASE64},
		{"quoted-printable", MIME_CTE_QP},
	};
	size_t i, n;

	while (len && (*s == ' ' || *s == '\t' || *s == '"')) {
		s++;
		len--;
	}
	/* The token ends at a blank, a comment, a quote or a stray parameter. */
	for (n = 0; n < len; n++)
		if (s[n] == ' ' || s[n] == '\t' || s[n] == '(' || s[n] == '"' || s[n] == ';')
			break;
	if (!n)
		return MIME_CTE_7BIT;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && !strncasecmp(s, names[i].name, n))
			return names[i].cte;
	return MIME_CTE_OTHER;
}

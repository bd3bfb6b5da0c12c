// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Header text in a MIME charset to UTF-8 for logs and names: glibc's iconv,
 * with the labels mailers use mapped to the Windows supersets they really
 * mean, and ISO-2022-JP read as Microsoft's CP50221 (NEC row 13: the circled
 * digits of Japanese business mail), which glibc's ISO-2022-JP rejects. The
 * result is always valid UTF-8 without control characters, so that it can go
 * into a log line or a JSON string as it is.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "inspect/mime.h"

/* UTF-8 output cut at a character boundary. */
struct u8out {
	char *buf;
	size_t cap; /* room for text (the NUL excluded) */
	size_t len;
	bool full;
};

static void put(struct u8out *w, const uint8_t *c, size_t n)
{
	if (w->full || n > w->cap - w->len) {
		w->full = true;
		return;
	}
	memcpy(w->buf + w->len, c, n);
	w->len += n;
}

static const uint8_t REPL[3] = {0xef, 0xbf, 0xbd}; /* U+FFFD */

/* Controls would let a crafted name forge log lines or reorder what an admin reads. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Append in[] as UTF-8: invalid sequences become U+FFFD, controls '_'. */
static void put_utf8(struct u8out *w, const uint8_t *in, size_t len)
{
	size_t i = 0;

	while (i < len && !w->full) {
		uint8_t c = in[i];
		size_t n, k;
		uint32_t cp, min;

		if (c < 0x80) {
			n = 1, cp = c, min = 0;
		} else if (c >= 0xc2 && c < 0xe0) {
			n = 2, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c < 0xf0) {
			n = 3, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c < 0xf5) {
			n = 4, cp = c & 0x07, min = 0x10000;
		} else {
			put(w, REPL, 3);
			i++;
			continue;
		}
		for (k = 1; k < n; k++) {
			if (i + k >= len || (in[i + k] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (in[i + k] & 0x3f);
		}
		if (k < n || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
			put(w, REPL, 3);
			i += k;
			continue;
		}
		if (is_control(cp))
			put(w, (const uint8_t *)"_", 1);
		else
			put(w, in + i, n);
		i += n;
	}
}

/* ISO-2022-JP (with CP50221's extensions) to CP932 bytes; out has room for len bytes. */
static size_t jis_to_sjis(const uint8_t *in, size_t len, uint8_t *out)
{
	enum { ROMAN, KANJI, KANA } mode = ROMAN;
	size_t i = 0, o = 0;

	while (i < len) {
		uint8_t c = in[i];

		if (c == 0x1b && i + 2 < len) {
			const uint8_t *e = in + i + 1;

			if (e[0] == '(' && (e[1] == 'B' || e[1] == 'J')) {
				mode = ROMAN;
			} else if (e[0] == '$' && (e[1] == 'B' || e[1] == '@')) {
				mode = KANJI;
			} else if (e[0] == '(' && e[1] == 'I') {
				mode = KANA;
			} else {
				out[o++] = '?';
				i++;
				continue;
			}
			i += 3;
			continue;
		}
		if (c < 0x21 || c > 0x7e || mode == ROMAN) {
			out[o++] = c;
			i++;
		} else if (mode == KANA) {
			out[o++] = (uint8_t)(c + 0x80);
			i++;
		} else if (i + 1 < len && in[i + 1] >= 0x21 && in[i + 1] <= 0x7e) {
			uint8_t j2 = in[i + 1], s1 = (uint8_t)(((c - 0x21) >> 1) + 0x81);

			if (s1 > 0x9f)
				s1 += 0x40;
			out[o++] = s1;
			if (c & 1)
				out[o++] = (uint8_t)(j2 + (j2 >= 0x60 ? 0x20 : 0x1f));
			else
				out[o++] = (uint8_t)(j2 + 0x7e);
			i += 2;
		} else {
			out[o++] = '?';
			i++;
		}
	}
	return o;
}

/* The iconv name for a MIME charset label (lower-cased in name). */
static const char *iconv_name(const char *name)
{
	static const struct {
		const char *label, *conv;
	} alias[] = {
		{"shift_jis", "CP932"},	     {"shift-jis", "CP932"},   {"sjis", "CP932"},
		{"x-sjis", "CP932"},	     {"ms_kanji", "CP932"},    {"windows-31j", "CP932"},
		{"iso-2022-jp", "CP932"},    {"csiso2022jp", "CP932"}, {"euc-jp", "EUC-JP-MS"},
		{"x-euc-jp", "EUC-JP-MS"},   {"gb2312", "GB18030"},    {"gbk", "GB18030"},
		{"x-gbk", "GB18030"},	     {"euc-cn", "GB18030"},    {"cp936", "GB18030"},
		{"ks_c_5601-1987", "CP949"}, {"euc-kr", "CP949"},      {"iso-8859-1", "CP1252"},
		{"latin1", "CP1252"},	     {"iso_8859-1", "CP1252"}, {"us-ascii", "UTF-8"},
		{"ascii", "UTF-8"},	     {"utf8", "UTF-8"},	       {"utf-8", "UTF-8"},
	};
	size_t i;

	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(name, alias[i].label))
			return alias[i].conv;
	return name;
}

/* Convert with iconv, appending to w; false if the charset is unknown to iconv. */
static bool put_iconv(struct u8out *w, const char *conv, const uint8_t *in, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", conv);
	char *ip = (char *)in, tmp[1024];
	size_t il = len;

	if (cd == (iconv_t)-1)
		return false;
	while (!w->full) {
		char *op = tmp;
		size_t ol = sizeof(tmp), r;

		r = il ? iconv(cd, &ip, &il, &op, &ol) : iconv(cd, NULL, NULL, &op, &ol);
		put_utf8(w, (const uint8_t *)tmp, (size_t)(op - tmp));
		if (r != (size_t)-1) {
			if (!il)
				break; /* the final call (shift state reset) was made */
			continue;
		}
		if (errno == E2BIG)
			continue;
		put(w, REPL, 3);
		if (errno != EILSEQ || !il)
			break; /* EINVAL: incomplete sequence at the end */
		ip++;
		il--;
	}
	iconv_close(cd);
	return true;
}

size_t mime_charset_to_utf8(const char *charset, const uint8_t *in, size_t len, char *out,
			    size_t cap)
{
	struct u8out w = {.buf = out, .cap = cap - 1};
	char name[MIME_CHARSET_MAX];
	const char *conv;
	size_t i;

	/* RFC 2231 section 5 lets an encoded word's charset carry "*language". */
	for (i = 0; charset[i] && charset[i] != '*' && i + 1 < sizeof(name); i++)
		name[i] = (char)tolower((unsigned char)charset[i]);
	name[i] = '\0';
	conv = iconv_name(name);
	if (!name[0] || !strcmp(conv, "UTF-8")) {
		put_utf8(&w, in, len);
	} else if (!strcmp(name, "iso-2022-jp") || !strcmp(name, "csiso2022jp")) {
		uint8_t sjis[MIME_FIELD_MAX];

		if (len > sizeof(sjis))
			len = sizeof(sjis);
		if (!put_iconv(&w, conv, sjis, jis_to_sjis(in, len, sjis)))
			put_utf8(&w, in, len);
	} else if (!put_iconv(&w, conv, in, len)) {
		put_utf8(&w, in, len);
	}
	out[w.len] = '\0';
	return w.len;
}

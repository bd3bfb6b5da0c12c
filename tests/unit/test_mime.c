// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/mime*.c: messages as real mailers write them
 * (Thunderbird's and Outlook's structures, Japanese names in RFC 2231 and
 * ISO-2022-JP encoded words) are fed whole, one byte at a time and in random
 * pieces; the events (parts, names, decoded bytes, offsets, anomalies) must be
 * the expected ones and the same for every split, and each part's offsets
 * must frame exactly its encoded body in the message. Every buffer handed to
 * the parser is a malloc of exactly its length, so ASan catches over-reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/mime.h"

#define LOG_MAX	  16384
#define PARTS_MAX 64
#define DATA_MAX  65536

struct got_part {
	struct mime_part end; /* as at part_end */
	uint8_t data[DATA_MAX];
	size_t len;
	bool open;
};

/* What the callbacks saw. */
struct rec {
	char log[LOG_MAX];
	size_t log_len;
	struct got_part part[PARTS_MAX];
	unsigned int nparts;
	unsigned int anomalies[32];
};

static void logf_(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->log + r->log_len, sizeof(r->log) - r->log_len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(r->log) - r->log_len);
	r->log_len += (size_t)n;
}

static const char *cte_name(enum mime_cte c)
{
	static const char *const n[] = {"7bit", "8bit", "binary", "base64", "qp", "other"};

	return n[c];
}

static void on_start(void *u, const struct mime_part *p)
{
	struct rec *r = u;

	assert_true(r->nparts < PARTS_MAX);
	assert_false(r->nparts && r->part[r->nparts - 1].open);
	r->part[r->nparts].open = true;
	r->part[r->nparts].len = 0;
	r->nparts++;
	logf_(r, "S %s d%u %s cs=%s %s disp=%s name=%s @%llu\n", p->path, p->depth, p->type,
	      p->charset, cte_name(p->cte), p->disposition, p->filename,
	      (unsigned long long)p->body_start);
}

static void on_data(void *u, const struct mime_part *p, const uint8_t *d, size_t len)
{
	struct rec *r = u;
	struct got_part *g = &r->part[r->nparts - 1];

	assert_true(r->nparts && g->open && len);
	assert_true(g->len + len <= DATA_MAX);
	memcpy(g->data + g->len, d, len);
	g->len += len;
	assert_int_equal(p->decoded, g->len);
}

static void on_end(void *u, const struct mime_part *p)
{
	struct rec *r = u;
	struct got_part *g = &r->part[r->nparts - 1];

	assert_true(r->nparts && g->open);
	g->open = false;
	g->end = *p;
	assert_int_equal(p->decoded, g->len);
	logf_(r, "E %s %llu-%llu dec=%llu bad=%u %s\n", p->path, (unsigned long long)p->body_start,
	      (unsigned long long)p->body_end, (unsigned long long)p->decoded, p->bad,
	      p->ended ? "ended" : "cut");
}

static void on_anomaly(void *u, enum mime_anomaly a, uint64_t off)
{
	struct rec *r = u;

	r->anomalies[a]++;
	logf_(r, "A %s @%llu\n", mime_anomaly_name(a), (unsigned long long)off);
}

static const struct mime_callbacks cbs = {
	.part_start = on_start,
	.part_data = on_data,
	.part_end = on_end,
	.anomaly = on_anomaly,
};

/* Feed msg cut into pieces: step 0 = whole, 1 = byte by byte, else random pieces. */
static struct rec *feed(const char *msg, size_t len, unsigned int mode)
{
	struct rec *r = calloc(1, sizeof(*r));
	struct mime_ctx *ctx = malloc(sizeof(*ctx));
	size_t i = 0;

	assert_non_null(r);
	assert_non_null(ctx);
	srand(mode);
	mime_init(ctx, &cbs, r);
	while (i < len) {
		size_t n = mode == 0 ? len - i : mode == 1 ? 1 : 1 + (size_t)rand() % 97;
		uint8_t *piece;

		if (n > len - i)
			n = len - i;
		piece = malloc(n);
		assert_non_null(piece);
		memcpy(piece, msg + i, n);
		mime_feed(ctx, piece, n);
		free(piece);
		i += n;
	}
	mime_finish(ctx);
	free(ctx);
	return r;
}

/* Parse msg whole, then check that every other split gives the same events and that each
 * part's offsets frame an encoded body that decodes to the bytes reported. */
static struct rec *parse(const char *msg)
{
	size_t len = strlen(msg);
	struct rec *r = feed(msg, len, 0);
	unsigned int mode, i;

	for (mode = 1; mode < 12; mode++) {
		struct rec *o = feed(msg, len, mode);

		assert_string_equal(o->log, r->log);
		assert_int_equal(o->nparts, r->nparts);
		for (i = 0; i < r->nparts; i++) {
			assert_int_equal(o->part[i].len, r->part[i].len);
			assert_memory_equal(o->part[i].data, r->part[i].data, r->part[i].len);
		}
		free(o);
	}
	for (i = 0; i < r->nparts; i++) {
		const struct mime_part *p = &r->part[i].end;
		uint8_t *dec = malloc(DATA_MAX);
		size_t n;

		assert_true(p->body_start <= p->body_end && p->body_end <= len);
		n = mime_decode_buf(p->cte, (const uint8_t *)msg + p->body_start,
				    p->body_end - p->body_start, dec, DATA_MAX, NULL);
		assert_int_equal(n, r->part[i].len);
		assert_memory_equal(dec, r->part[i].data, n);
		free(dec);
	}
	return r;
}

/* The encoded body of part i, as a string, for exact comparisons. */
static char *body_of(const char *msg, const struct rec *r, unsigned int i)
{
	const struct mime_part *p = &r->part[i].end;
	size_t n = p->body_end - p->body_start;
	char *s = malloc(n + 1);

	memcpy(s, msg + p->body_start, n);
	s[n] = '\0';
	return s;
}

static void data_is(const struct rec *r, unsigned int i, const void *want, size_t len)
{
	assert_int_equal(r->part[i].len, len);
	assert_memory_equal(r->part[i].data, want, len);
}

/* Test-side base64 encoder: a line break every wrap characters (0: none). */
static char *b64(const uint8_t *in, size_t len, size_t wrap, bool pad)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc(len * 2 + 16), *o = out;
	size_t i, col = 0;

	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		int k, n = len - i >= 3 ? 4 : (int)(len - i) + 1;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		for (k = 0; k < 4; k++) {
			if (k < n)
				*o++ = al[(v >> (18 - 6 * k)) & 63];
			else if (pad)
				*o++ = '=';
			else
				break;
			if (wrap && ++col == wrap) {
				*o++ = '\r';
				*o++ = '\n';
				col = 0;
			}
		}
	}
	*o = '\0';
	return out;
}

static char *cat(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *cat(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) > 0);
	va_end(ap);
	return s;
}

static void test_single_text(void **state)
{
	const char *msg = "Return-Path: <a@example.jp>\r\n"
			  "From: =?UTF-8?B?5pel5pys?= <a@example.jp>\r\n"
			  "Subject: hello\r\n"
			  "MIME-Version: 1.0\r\n"
			  "Content-Type: text/plain; charset=\"UTF-8\"\r\n"
			  "Content-Transfer-Encoding: 8bit\r\n"
			  "\r\n"
			  "Hello\r\n"
			  "--not a boundary\r\n"
			  "World\r\n";
	struct rec *r = parse(msg);
	size_t start = strstr(msg, "\r\n\r\n") - msg + 4;
	char *want = cat("S 1 d0 text/plain cs=utf-8 8bit disp= name= @%zu\n"
			 "E 1 %zu-%zu dec=%zu bad=0 ended\n",
			 start, start, strlen(msg), strlen(msg) - start);

	assert_string_equal(r->log, want);
	data_is(r, 0, msg + start, strlen(msg) - start);
	free(want);
	free(r);
}

/* Thunderbird's layout: text, then two attachments with Japanese names. */
static void test_mixed_japanese_names(void **state)
{
	uint8_t pdf[300];
	char *enc, *msg, *want, *b;
	struct rec *r;
	size_t i;

	for (i = 0; i < sizeof(pdf); i++)
		pdf[i] = (uint8_t)(i * 7 + 3);
	memcpy(pdf, "%PDF-1.4\n", 9);
	enc = b64(pdf, sizeof(pdf), 76, true);
	msg = cat("From: a@example.jp\r\n"
		  "Content-Type: multipart/mixed;\r\n"
		  " boundary=\"------------0B1C2D3E4F\"\r\n"
		  "\r\n"
		  "This is a multi-part message in MIME format.\r\n"
		  "--------------0B1C2D3E4F\r\n"
		  "Content-Type: text/plain; charset=ISO-2022-JP\r\n"
		  "Content-Transfer-Encoding: 7bit\r\n"
		  "\r\n"
		  "see attached\r\n"
		  "\r\n"
		  "--------------0B1C2D3E4F\r\n"
		  "Content-Type: application/pdf;\r\n"
		  " name*=utf-8''%%E8%%AB%%8B%%E6%%B1%%82%%E6%%9B%%B8.pdf\r\n"
		  "Content-Disposition: attachment;\r\n"
		  " filename*=utf-8''%%E8%%AB%%8B%%E6%%B1%%82%%E6%%9B%%B8.pdf\r\n"
		  "Content-Transfer-Encoding: base64\r\n"
		  "\r\n"
		  "%s\r\n"
		  "--------------0B1C2D3E4F\r\n"
		  "Content-Type: application/vnd.ms-excel;\r\n"
		  "\tname=\"=?ISO-2022-JP?B?GyRCOCtAUT1xGyhCLnhsc3g=?=\"\r\n"
		  "Content-Disposition: attachment;\r\n"
		  "\tfilename=\"=?ISO-2022-JP?B?GyRCOCtAUT1xGyhCLnhsc3g=?=\"\r\n"
		  "Content-Transfer-Encoding: base64\r\n"
		  "\r\n"
		  "AAEC\r\n"
		  "--------------0B1C2D3E4F--\r\n"
		  "epilogue\r\n",
		  enc);
	r = parse(msg);
	assert_int_equal(r->nparts, 3);
	want = strstr(r->log, "S 2 d1 application/pdf cs= base64 disp=attachment "
			      "name=請求書.pdf @");
	assert_non_null(want);
	assert_non_null(strstr(r->log, "S 3 d1 application/vnd.ms-excel cs= base64 "
				       "disp=attachment name=見積書.xlsx @"));
	assert_non_null(strstr(r->log, "S 1 d1 text/plain cs=iso-2022-jp 7bit"));
	data_is(r, 0, "see attached\r\n", 14);
	data_is(r, 1, pdf, sizeof(pdf));
	data_is(r, 2, "\x00\x01\x02", 3);
	/* The offsets frame the base64 text exactly (the delimiter's CRLF excluded). */
	b = body_of(msg, r, 1);
	assert_string_equal(b, enc);
	free(b);
	b = body_of(msg, r, 2);
	assert_string_equal(b, "AAEC");
	free(b);
	for (i = 0; i < 3; i++)
		assert_true(r->part[i].end.ended);
	assert_null(strstr(r->log, "A "));
	free(enc);
	free(msg);
	free(r);
}

/* Outlook's layout: mixed { alternative { plain, html }, attachment }. */
static void test_nested_alternative(void **state)
{
	const char *msg = "Content-Type: multipart/mixed; boundary=\"_004_outer_\"\r\n"
			  "\r\n"
			  "--_004_outer_\r\n"
			  "Content-Type: multipart/alternative; boundary=\"_000_inner_\"\r\n"
			  "\r\n"
			  "--_000_inner_\r\n"
			  "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
			  "\r\n"
			  "plain\r\n"
			  "--_000_inner_\r\n"
			  "Content-Type: text/html; charset=\"us-ascii\"\r\n"
			  "Content-Transfer-Encoding: quoted-printable\r\n"
			  "\r\n"
			  "<p class=3D\"x\">html</p>\r\n"
			  "--_000_inner_--\r\n"
			  "\r\n"
			  "--_004_outer_\r\n"
			  "Content-Type: application/octet-stream; name=\"a b.bin\"\r\n"
			  "Content-Disposition: attachment; filename=\"a \\\"q\\\" b.bin\"\r\n"
			  "Content-Transfer-Encoding: base64\r\n"
			  "\r\n"
			  "aGVsbG8=\r\n"
			  "--_004_outer_--\r\n";
	struct rec *r = parse(msg);

	assert_int_equal(r->nparts, 3);
	assert_non_null(strstr(r->log, "S 1.1 d2 text/plain cs=us-ascii 7bit"));
	assert_non_null(strstr(r->log, "S 1.2 d2 text/html cs=us-ascii qp"));
	assert_non_null(strstr(r->log, "S 2 d1 application/octet-stream cs= base64 "
				       "disp=attachment name=a \"q\" b.bin @"));
	data_is(r, 0, "plain", 5);
	data_is(r, 1, "<p class=\"x\">html</p>", 21);
	data_is(r, 2, "hello", 5);
	assert_null(strstr(r->log, "A "));
	free(r);
}

/* A forwarded message with its own attachment, and a single-part one in a digest. */
static void test_rfc822_attachment(void **state)
{
	const char *msg = "Content-Type: multipart/mixed; boundary=outer\r\n"
			  "\r\n"
			  "--outer\r\n"
			  "Content-Type: text/plain\r\n"
			  "\r\n"
			  "fwd\r\n"
			  "--outer\r\n"
			  "Content-Type: message/rfc822\r\n"
			  "Content-Disposition: attachment; filename=\"orig.eml\"\r\n"
			  "\r\n"
			  "From: b@example.com\r\n"
			  "Subject: orig\r\n"
			  "Content-Type: multipart/mixed; boundary=\"in\"\r\n"
			  "\r\n"
			  "--in\r\n"
			  "\r\n"
			  "inner text\r\n"
			  "--in\r\n"
			  "Content-Type: application/zip; name=x.zip\r\n"
			  "Content-Transfer-Encoding: base64\r\n"
			  "\r\n"
			  "UEsDBA==\r\n"
			  "--in--\r\n"
			  "--outer\r\n"
			  "Content-Type: message/rfc822\r\n"
			  "\r\n"
			  "Subject: single\r\n"
			  "\r\n"
			  "only body\r\n"
			  "--outer--\r\n";
	struct rec *r = parse(msg);

	assert_int_equal(r->nparts, 4);
	assert_non_null(strstr(r->log, "S 1 d1 text/plain"));
	assert_non_null(strstr(r->log, "S 2.1 d3 text/plain"));
	assert_non_null(strstr(r->log, "S 2.2 d3 application/zip cs= base64 disp= name=x.zip"));
	assert_non_null(strstr(r->log, "S 3.1 d2 text/plain"));
	data_is(r, 1, "inner text", 10);
	data_is(r, 2, "PK\x03\x04", 4);
	data_is(r, 3, "only body", 9);
	assert_null(strstr(r->log, "A "));
	free(r);
}

static void test_qp_soft_breaks(void **state)
{
	const char *msg = "Content-Type: text/plain; charset=utf-8\r\n"
			  "Content-Transfer-Encoding: Quoted-Printable\r\n"
			  "\r\n"
			  "caf=C3=A9 au lait, tr=\r\n"
			  "=C3=A8s long line that was wr=  \r\n"
			  "apped\r\n"
			  "x=3dy =ZZ end=\r\n";
	const char *want = "café au lait, très long line that was wrapped\r\nx=y =ZZ end";
	struct rec *r = parse(msg);

	data_is(r, 0, want, strlen(want));
	assert_int_equal(r->part[0].end.bad, 1);
	assert_int_equal(r->anomalies[MIME_ANOM_BAD_QP], 1);
	free(r);
}

static void test_missing_close(void **state)
{
	const char *msg = "Content-Type: multipart/mixed; boundary=b\r\n"
			  "\r\n"
			  "--b\r\n"
			  "\r\n"
			  "one\r\n"
			  "--b\r\n"
			  "Content-Transfer-Encoding: base64\r\n"
			  "\r\n"
			  "dHdv\r\n";
	struct rec *r = parse(msg);

	assert_int_equal(r->nparts, 2);
	assert_true(r->part[0].end.ended);
	assert_false(r->part[1].end.ended);
	assert_int_equal(r->part[1].end.body_end, strlen(msg));
	data_is(r, 1, "two", 3);
	assert_int_equal(r->anomalies[MIME_ANOM_MISSING_CLOSE], 1);
	free(r);
}

/* 76-character lines with CRLF; a second part without padding and with junk. */
static void test_base64_lines_padding(void **state)
{
	uint8_t bin[1000];
	char *enc, *nopad, *msg, *b;
	struct rec *r;
	size_t i;

	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(i ^ (i >> 3));
	enc = b64(bin, sizeof(bin), 76, true);
	nopad = b64(bin, 998, 0, false);
	assert_null(strchr(nopad, '='));
	msg = cat("Content-Type: multipart/mixed; boundary=\"=_b\"\r\n\r\n"
		  "--=_b\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
		  "--=_b\r\nContent-Transfer-Encoding: BASE64\r\n\r\n%s\r\n"
		  "--=_b\r\nContent-Transfer-Encoding: base64\r\n\r\naGVs!bG8\r\n"
		  "--=_b--\r\n",
		  enc, nopad);
	r = parse(msg);
	assert_int_equal(r->nparts, 3);
	data_is(r, 0, bin, sizeof(bin));
	data_is(r, 1, bin, 998);
	assert_int_equal(r->part[1].end.bad, 0);
	data_is(r, 2, "hello", 5);
	assert_int_equal(r->part[2].end.bad, 1);
	assert_int_equal(r->anomalies[MIME_ANOM_BAD_BASE64], 1);
	b = body_of(msg, r, 1);
	assert_string_equal(b, nopad);
	free(b);
	free(enc);
	free(nopad);
	free(msg);
	free(r);
}

static void test_depth_limit(void **state)
{
	char *msg = cat("Content-Type: multipart/mixed; boundary=b00\r\n\r\n"), *t;
	struct rec *r;
	int i;

	for (i = 0; i < 20; i++) {
		t = cat("%s--b%02d\r\nContent-Type: multipart/mixed; boundary=b%02d\r\n\r\n", msg,
			i, i + 1);
		free(msg);
		msg = t;
	}
	t = cat("%s--b20\r\n\r\ndeep\r\n--b20--\r\n", msg);
	free(msg);
	msg = t;
	r = parse(msg);
	assert_int_equal(r->anomalies[MIME_ANOM_DEPTH_EXCEEDED], 1);
	/* The 16th multipart is a leaf: its raw body (nested boundaries and all) is scanned. */
	assert_int_equal(r->nparts, 1);
	assert_non_null(strstr(r->log, "S 1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1 d16 multipart/mixed"));
	assert_non_null(memmem(r->part[0].data, r->part[0].len, "deep", 4));
	assert_int_equal(r->anomalies[MIME_ANOM_MISSING_CLOSE], 16);
	free(msg);
	free(r);
}

/* Irregular structures: LF line ends, a part after the close, a boundary in headers,
 * no blank line, boundary junk, a long header line, an encoded multipart. */
static void test_irregular(void **state)
{
	char *msg, *longline = malloc(3000);
	struct rec *r;

	memset(longline, 'x', 2999);
	longline[2999] = '\0';
	msg = cat("Content-Type: multipart/mixed; boundary=zz\n"
		  "X-Long: %s\n"
		  "\n"
		  "--zz\n"
		  "Content-Type: text/plain\n"
		  "--zz   \n"
		  "Content-Type: application/octet-stream\n"
		  "TVqQAAMAAAAEAAAA\n"
		  "--zz junk\n"
		  "Content-Type: multipart/mixed; boundary=q\n"
		  "Content-Transfer-Encoding: base64\n"
		  "\n"
		  "LS1x\n"
		  "--zz--\n"
		  "--zz\n"
		  "\n"
		  "late\n",
		  longline);
	r = parse(msg);
	assert_int_equal(r->nparts, 4);
	assert_int_equal(r->anomalies[MIME_ANOM_LINE_TOO_LONG], 1);
	assert_int_equal(r->anomalies[MIME_ANOM_BAD_HEADER_LINE], 1);
	assert_int_equal(r->anomalies[MIME_ANOM_BOUNDARY_JUNK], 1);
	assert_int_equal(r->anomalies[MIME_ANOM_ENCODED_CONTAINER], 1);
	assert_int_equal(r->anomalies[MIME_ANOM_PART_AFTER_CLOSE], 1);
	assert_int_equal(r->anomalies[MIME_ANOM_MISSING_CLOSE], 1);
	assert_int_equal(r->part[0].len, 0);
	assert_int_equal(r->part[0].end.body_start, r->part[0].end.body_end);
	data_is(r, 1, "TVqQAAMAAAAEAAAA", 16);
	data_is(r, 2, "--q", 3);
	data_is(r, 3, "late\n", 5);
	assert_non_null(strstr(r->log, "S 4 d1"));
	free(longline);
	free(msg);
	free(r);
}

static void test_decoders(void **state)
{
	struct mime_dec d;
	uint8_t out[64];
	uint32_t bad;
	size_t n;

	/* Whitespace anywhere, '=' in the middle (concatenated encoders), bad characters. */
	n = mime_decode_buf(MIME_CTE_BASE64, (const uint8_t *)" aGk=\r\n\taGk*", 12, out,
			    sizeof(out), &bad);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "hihi", 4);
	assert_int_equal(bad, 1);
	/* A dangling sextet is an error. */
	n = mime_decode_buf(MIME_CTE_BASE64, (const uint8_t *)"aGk", 3, out, sizeof(out), &bad);
	assert_int_equal(n, 2);
	assert_int_equal(bad, 0);
	n = mime_decode_buf(MIME_CTE_BASE64, (const uint8_t *)"aGlpa", 5, out, sizeof(out), &bad);
	assert_int_equal(n, 3);
	assert_int_equal(bad, 1);
	/* Output cut at cap. */
	n = mime_decode_buf(MIME_CTE_BASE64, (const uint8_t *)"aGVsbG8=", 8, out, 2, NULL);
	assert_int_equal(n, 2);
	/* QP split inside an escape, lower-case hex, "=" blanks LF soft break. */
	mime_dec_init(&d, MIME_CTE_QP);
	n = mime_dec_feed(&d, (const uint8_t *)"a=", 2, out);
	n += mime_dec_feed(&d, (const uint8_t *)"e", 1, out + n);
	n += mime_dec_feed(&d, (const uint8_t *)"9b= \t", 5, out + n);
	n += mime_dec_feed(&d, (const uint8_t *)"\nc=4", 4, out + n);
	n += mime_dec_finish(&d, out + n);
	assert_int_equal(n, 6);
	assert_memory_equal(out,
			    "a\xe9"
			    "bc=4",
			    6);
	assert_int_equal(d.bad, 1);
	assert_int_equal(mime_cte_parse(" Base64 (comment)", 17), MIME_CTE_BASE64);
	assert_int_equal(mime_cte_parse("x-uuencode", 10), MIME_CTE_OTHER);
	assert_int_equal(mime_cte_parse("", 0), MIME_CTE_7BIT);
}

static bool param(const char *f, const char *name, char *out, size_t cap)
{
	return mime_hdr_param_text(f, strlen(f), name, out, cap);
}

static void test_header_params(void **state)
{
	char out[MIME_NAME_MAX], small[8];
	const char *f;

	/* RFC 2231 continuations, mixed encoded and plain segments, out of order. */
	f = "attachment; filename*1*=%E6%B1%82%E6%9B%B8; filename*0*=UTF-8'ja'%E8%AB%8B;"
	    " filename*2=\".pdf\"";
	assert_true(param(f, "filename", out, sizeof(out)));
	assert_string_equal(out, "請求書.pdf");
	/* RFC 2231 in Shift_JIS. */
	assert_true(param("attachment; filename*=shift_jis''%90%BF%8B%81%8F%91.txt", "filename",
			  out, sizeof(out)));
	assert_string_equal(out, "請求書.txt");
	/* RFC 2047 Q in UTF-8, split across two words inside a character, blanks dropped. */
	assert_true(param("inline; filename=\"=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9_menu.txt?=\"",
			  "filename", out, sizeof(out)));
	assert_string_equal(out, "café menu.txt");
	/* ISO-2022-JP with a NEC circled digit (CP50221), and text around encoded words. */
	assert_true(param("a; name=\"x =?iso-2022-jp?B?GyRCLSEbKEIudHh0?= y\"", "name", out,
			  sizeof(out)));
	assert_string_equal(out, "x ①.txt y");
	/* Quoted pairs, comments, unquoted with blanks, case of names, first one wins. */
	assert_true(param("attachment (c); FileName = \"a\\\\b\\\".txt\"; filename=z", "filename",
			  out, sizeof(out)));
	assert_string_equal(out, "a\\b\".txt");
	assert_true(param("attachment; filename=my report.doc (comment)", "filename", out,
			  sizeof(out)));
	assert_string_equal(out, "my report.doc");
	assert_false(param("attachment; size=3", "filename", out, sizeof(out)));
	/* Controls and bidirectional overrides replaced; invalid UTF-8 made U+FFFD. */
	assert_true(param("a; filename=\"=?UTF-8?B?ZXZpbOKArmZkcC5leGU=?=\"", "filename", out,
			  sizeof(out)));
	assert_string_equal(out, "evil_fdp.exe");
	assert_true(param("a; filename*=utf-8''a%0Ab%FFc", "filename", out, sizeof(out)));
	assert_string_equal(out, "a_b\xef\xbf\xbd"
				 "c");
	/* Cut at a character boundary. */
	assert_true(param("a; filename*=utf-8''%E8%AB%8B%E6%B1%82%E6%9B%B8", "filename", small,
			  sizeof(small)));
	assert_string_equal(small, "請求");
	/* Values and raw parameters. */
	f = "Multipart/Mixed (x);boundary=\"--=_a\\\"b\"; charset=UTF-8";
	assert_int_equal(mime_hdr_value(f, strlen(f), out, sizeof(out)), 15);
	assert_string_equal(out, "multipart/mixed");
	assert_true(mime_hdr_param_raw(f, strlen(f), "boundary", out, sizeof(out), NULL));
	assert_string_equal(out, "--=_a\"b");
	f = "=?utf-8?b?44GU5qGI5YaFIOODhuOCueODiA==?= (2)";
	mime_hdr_decode_words(f, strlen(f), out, sizeof(out));
	assert_string_equal(out, "ご案内 テスト (2)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_text),
		cmocka_unit_test(test_mixed_japanese_names),
		cmocka_unit_test(test_nested_alternative),
		cmocka_unit_test(test_rfc822_attachment),
		cmocka_unit_test(test_qp_soft_breaks),
		cmocka_unit_test(test_missing_close),
		cmocka_unit_test(test_base64_lines_padding),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_irregular),
		cmocka_unit_test(test_decoders),
		cmocka_unit_test(test_header_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

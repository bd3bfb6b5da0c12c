// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/tls.c: ClientHellos and ServerHellos captured from
 * curl and openssl (tests/fixtures/inspect/tls/README.md), fed whole, byte
 * by byte, in two pieces at every offset and re-cut into many small
 * records; hand-built hellos for GREASE, odd SNIs and every refusal. Every
 * buffer handed to the parser is an exact-size heap copy so that ASan sees
 * any read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/tls.h"

/* ---- helpers ----------------------------------------------------------- */

static uint8_t *fixture(const char *name, size_t *len)
{
	char rel[128], path[PATH_MAX];
	char *buf;

	snprintf(rel, sizeof(rel), "tests/fixtures/inspect/tls/%s", name);
	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = read_file(path, len);
	if (!buf)
		fail_msg("cannot read fixture %s", path);
	return (uint8_t *)buf;
}

/* A stream with its own heap buffer of cap bytes. */
struct stream {
	struct tls_stream s;
	uint8_t *buf;
};

static void stream_open(struct stream *st, uint8_t expect, size_t cap)
{
	st->buf = malloc(cap ? cap : 1);
	assert_non_null(st->buf);
	tls_stream_init(&st->s, expect, st->buf, cap);
}

/* Feed len bytes as an exact-size copy, so reads past it are caught. */
static enum tls_status feed(struct stream *st, const uint8_t *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum tls_status ret;

	assert_non_null(copy);
	memcpy(copy, data, len);
	ret = tls_stream_feed(&st->s, copy, len);
	free(copy);
	return ret;
}

/*
 * A one-line summary of a finished client stream: everything extracted,
 * so that two ways of feeding the same bytes can be compared exactly.
 */
static void summary(const struct tls_stream *s, char *out, size_t outlen)
{
	const struct tls_client_hello *h = &s->hello.client;
	char ja3[4096] = "";
	size_t n;
	unsigned int i;

	if (s->status == TLS_DONE && s->expect == TLS_HS_CLIENT_HELLO)
		assert_true(tls_ja3_string(h, ja3, sizeof(ja3)) >= 0);
	n = (size_t)snprintf(out, outlen, "st=%d err=%d rv=%04x recs=%u used=%llu ja3=%s",
			     s->status, s->error, s->record_version, s->records,
			     (unsigned long long)s->consumed, ja3);
	if (s->status != TLS_DONE || s->expect != TLS_HS_CLIENT_HELLO)
		return;
	n += (size_t)snprintf(out + n, outlen - n, " sni=%s/%d alpn", h->sni, h->sni_check);
	for (i = 0; i < h->alpn_count && i < TLS_ALPN_MAX; i++)
		n += (size_t)snprintf(out + n, outlen - n, ":%.*s", h->alpn[i].len,
				      (const char *)h->alpn[i].p);
	snprintf(out + n, outlen - n, " max=%04x sig=%u", h->max_version, h->signature_algs.n);
}

static void feed_whole(const uint8_t *data, size_t len, uint8_t expect, char *sum, size_t sumlen)
{
	struct stream st;

	stream_open(&st, expect, TLS_STREAM_BUF_DEFAULT);
	feed(&st, data, len);
	summary(&st.s, sum, sumlen);
	free(st.buf);
}

/* ---- captured ClientHellos ---------------------------------------------- */

/* Build the JA3 string into ja3 and check the returned length is its length. */
static void assert_ja3_len(const struct tls_client_hello *h, char *ja3, size_t len)
{
	int n = tls_ja3_string(h, ja3, len);

	assert_int_equal(n, strlen(ja3));
}

static void assert_alpn_h2_http11(const struct tls_client_hello *h)
{
	assert_int_equal(h->has_alpn, 1);
	assert_int_equal(h->alpn_count, 2);
	assert_int_equal(h->alpn[0].len, 2);
	assert_memory_equal(h->alpn[0].p, "h2", 2);
	assert_int_equal(h->alpn[1].len, 8);
	assert_memory_equal(h->alpn[1].p, "http/1.1", 8);
	assert_int_equal(h->alpn_raw_len, 12);
}

static void test_curl_tls13(void **state)
{
	size_t len;
	uint8_t *data = fixture("curl-tls13-sni-alpn.client", &len);
	struct stream st;
	const struct tls_client_hello *h = &st.s.hello.client;
	char ja3[2048];

	stream_open(&st, TLS_HS_CLIENT_HELLO, TLS_STREAM_BUF_DEFAULT);
	assert_int_equal(feed(&st, data, len), TLS_DONE);
	assert_int_equal(st.s.record_version, TLS_VERSION_TLS10);
	assert_int_equal(st.s.records, 1);
	assert_int_equal(st.s.consumed, 517);
	assert_int_equal(h->legacy_version, TLS_VERSION_TLS12);
	assert_int_equal(h->max_version, TLS_VERSION_TLS13);
	assert_int_equal(h->supported_versions.n, 4);
	assert_int_equal(h->session_id_len, 32);
	assert_int_equal(h->ciphers.n, 31);
	assert_int_equal(tls_u16_at(&h->ciphers, 0), 0x1302);
	assert_int_equal(tls_u16_at(&h->ciphers, 30), 0x00ff);
	assert_int_equal(h->compression_len, 1);
	assert_int_equal(h->compression[0], 0);
	assert_int_equal(h->ext_count, 12);
	assert_int_equal(h->has_sni, 1);
	assert_string_equal(h->sni, "www.example.test");
	assert_int_equal(h->sni_len, 16);
	assert_memory_equal(h->sni_raw, "www.example.test", 16);
	assert_int_equal(h->sni_check, TLS_SNI_VALID);
	assert_alpn_h2_http11(h);
	assert_int_equal(h->groups.n, 10);
	assert_int_equal(h->ec_point_formats_len, 3);
	assert_int_equal(h->signature_algs.n, 20);
	assert_ja3_len(h, ja3, sizeof(ja3));
	assert_string_equal(ja3, "771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-"
				 "49199-158-49188-49192-107-49187-49191-103-49162-49172-57-"
				 "49161-49171-51-157-156-61-60-53-47-255,0-11-10-16-22-23-49-"
				 "13-43-45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-2");
	free(st.buf);
	free(data);
}

static void test_curl_tls12(void **state)
{
	size_t len;
	uint8_t *data = fixture("curl-tls12-sni-alpn.client", &len);
	struct stream st;
	const struct tls_client_hello *h = &st.s.hello.client;
	char ja3[2048];

	stream_open(&st, TLS_HS_CLIENT_HELLO, TLS_STREAM_BUF_DEFAULT);
	assert_int_equal(feed(&st, data, len), TLS_DONE);
	assert_int_equal(st.s.consumed, 227);
	assert_int_equal(h->legacy_version, TLS_VERSION_TLS12);
	/* No supported_versions extension: TLS 1.2 is the most it speaks. */
	assert_int_equal(h->supported_versions.n, 0);
	assert_int_equal(h->max_version, TLS_VERSION_TLS12);
	assert_int_equal(h->session_id_len, 0);
	assert_int_equal(h->ciphers.n, 28);
	assert_string_equal(h->sni, "www.example.test");
	assert_alpn_h2_http11(h);
	assert_int_equal(h->ext_count, 7);
	assert_ja3_len(h, ja3, sizeof(ja3));
	assert_string_equal(ja3, "771,49196-49200-159-52393-52392-52394-49195-49199-158-49188-"
				 "49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-"
				 "156-61-60-53-47-255,0-11-10-16-22-23-13,29-23-30-25-24,0-1-2");
	free(st.buf);
	free(data);
}

static void test_openssl_no_sni(void **state)
{
	size_t len;
	uint8_t *data = fixture("openssl-tls12-nosni.client", &len);
	struct stream st;
	const struct tls_client_hello *h = &st.s.hello.client;
	char ja3[2048];

	stream_open(&st, TLS_HS_CLIENT_HELLO, TLS_STREAM_BUF_DEFAULT);
	assert_int_equal(feed(&st, data, len), TLS_DONE);
	assert_int_equal(h->has_sni, 0);
	assert_null(h->sni_raw);
	assert_string_equal(h->sni, "");
	assert_int_equal(h->has_alpn, 0);
	assert_int_equal(h->alpn_count, 0);
	assert_int_equal(h->max_version, TLS_VERSION_TLS12);
	assert_ja3_len(h, ja3, sizeof(ja3));
	assert_string_equal(ja3, "771,49196-49200-159-52393-52392-52394-49195-49199-158-49188-"
				 "49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-"
				 "156-61-60-53-47-255,11-10-35-22-23-13,29-23-30-25-24,0-1-2");
	/* Too small a buffer: -1 and an empty string, never a cut-off one. */
	assert_int_equal(tls_ja3_string(h, ja3, 20), -1);
	assert_string_equal(ja3, "");
	free(st.buf);
	free(data);
}

static void test_openssl_tls13_mixed_case_sni(void **state)
{
	size_t len;
	uint8_t *data = fixture("openssl-tls13-sni-alpn.client", &len);
	struct stream st;
	const struct tls_client_hello *h = &st.s.hello.client;
	char ja3[2048];

	stream_open(&st, TLS_HS_CLIENT_HELLO, TLS_STREAM_BUF_DEFAULT);
	assert_int_equal(feed(&st, data, len), TLS_DONE);
	assert_memory_equal(h->sni_raw, "WWW.Example.TEST", 16);
	assert_string_equal(h->sni, "www.example.test");
	assert_int_equal(h->sni_check, TLS_SNI_VALID);
	assert_alpn_h2_http11(h);
	assert_int_equal(h->supported_versions.n, 1);
	assert_int_equal(h->max_version, TLS_VERSION_TLS13);
	assert_int_equal(h->ciphers.n, 4);
	assert_int_equal(h->signature_algs.n, 14);
	assert_ja3_len(h, ja3, sizeof(ja3));
	assert_string_equal(ja3, "771,4866-4867-4865-255,0-11-10-35-16-22-23-13-43-45-51,"
				 "29-23-30-25-24-256-257-258-259-260,0-1-2");
	free(st.buf);
	free(data);
}

/* ---- split input --------------------------------------------------------- */

static const char *const client_fixtures[] = {
	"curl-tls13-sni-alpn.client",
	"curl-tls12-sni-alpn.client",
	"openssl-tls12-nosni.client",
	"openssl-tls13-sni-alpn.client",
};

static void test_split_every_offset(void **state)
{
	char whole[8192], got[8192];
	size_t f, len, cut, i;

	for (f = 0; f < sizeof(client_fixtures) / sizeof(client_fixtures[0]); f++) {
		uint8_t *data = fixture(client_fixtures[f], &len);
		struct stream st;

		feed_whole(data, len, TLS_HS_CLIENT_HELLO, whole, sizeof(whole));
		assert_non_null(strstr(whole, "st=1 "));
		/* One byte at a time: need-more until the very last byte. */
		stream_open(&st, TLS_HS_CLIENT_HELLO, TLS_STREAM_BUF_DEFAULT);
		for (i = 0; i < len; i++)
			assert_int_equal(feed(&st, data + i, 1),
					 i + 1 < len ? TLS_NEED_MORE : TLS_DONE);
		summary(&st.s, got, sizeof(got));
		assert_string_equal(got, whole);
		free(st.buf);
		/* Two pieces, cut at every offset (an empty piece included). */
		for (cut = 0; cut <= len; cut++) {
			stream_open(&st, TLS_HS_CLIENT_HELLO, TLS_STREAM_BUF_DEFAULT);
			assert_int_equal(feed(&st, data, cut),
					 cut < len ? TLS_NEED_MORE : TLS_DONE);
			feed(&st, data + cut, len - cut);
			summary(&st.s, got, sizeof(got));
			assert_string_equal(got, whole);
			free(st.buf);
		}
		free(data);
	}
}

/*
 * Re-cut a single-record hello into records of at most chunk payload bytes
 * (the handshake message then spans many records). Returns the new length.
 */
static size_t recut(const uint8_t *in, size_t len, size_t chunk, uint8_t *out, size_t cap)
{
	size_t payload = (size_t)in[3] << 8 | in[4], off, n, o = 0;

	assert_int_equal(payload + 5, len);
	for (off = 0; off < payload; off += n) {
		n = payload - off < chunk ? payload - off : chunk;
		assert_true(o + 5 + n <= cap);
		memcpy(out + o, in, 3);
		out[o + 3] = (uint8_t)(n >> 8);
		out[o + 4] = (uint8_t)n;
		memcpy(out + o + 5, in + 5 + off, n);
		o += 5 + n;
	}
	return o;
}

static void test_hello_over_many_records(void **state)
{
	static const size_t chunks[] = {1, 2, 3, 4, 5, 100, 200};
	static uint8_t cut[16384];
	char whole[8192], got[8192], *rec;
	size_t f, c, len, n, i;

	for (f = 0; f < sizeof(client_fixtures) / sizeof(client_fixtures[0]); f++) {
		uint8_t *data = fixture(client_fixtures[f], &len);

		feed_whole(data, len, TLS_HS_CLIENT_HELLO, whole, sizeof(whole));
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct stream st;
			size_t want_recs = (len - 5 + chunks[c] - 1) / chunks[c];

			n = recut(data, len, chunks[c], cut, sizeof(cut));
			stream_open(&st, TLS_HS_CLIENT_HELLO, TLS_STREAM_BUF_DEFAULT);
			for (i = 0; i < n; i += 7)
				feed(&st, cut + i, n - i < 7 ? n - i : 7);
			assert_int_equal(st.s.status, TLS_DONE);
			assert_int_equal(st.s.records, want_recs);
			assert_int_equal(st.s.consumed, n);
			summary(&st.s, got, sizeof(got));
			/* Same result apart from the record count and bytes used. */
			rec = strstr(got, " ja3=");
			assert_non_null(rec);
			assert_string_equal(rec, strstr(whole, " ja3="));
			free(st.buf);
		}
		free(data);
	}
}

/* ---- ServerHellos -------------------------------------------------------- */

static void server_hello(const char *name, struct stream *st)
{
	size_t len;
	uint8_t *data = fixture(name, &len);
	size_t i;

	/* Byte by byte, to exercise the same reassembly on the server side. */
	stream_open(st, TLS_HS_SERVER_HELLO, TLS_STREAM_BUF_DEFAULT);
	for (i = 0; i < len && st->s.status == TLS_NEED_MORE; i++)
		feed(st, data + i, 1);
	assert_int_equal(st->s.status, TLS_DONE);
	assert_int_equal(st->s.consumed, i);
	free(data);
}

static void test_server_hellos(void **state)
{
	struct stream st;
	const struct tls_server_hello *h = &st.s.hello.server;

	server_hello("curl-tls13-sni-alpn.server", &st);
	assert_int_equal(st.s.consumed, 5 + 4 + 118);
	assert_int_equal(st.s.record_version, TLS_VERSION_TLS12);
	assert_int_equal(h->legacy_version, TLS_VERSION_TLS12);
	assert_int_equal(h->selected_version, TLS_VERSION_TLS13);
	assert_int_equal(h->cipher, 0x1302);
	assert_int_equal(h->compression, 0);
	assert_int_equal(h->session_id_len, 32);
	assert_int_equal(h->ext_count, 2);
	assert_int_equal(h->hello_retry, 0);
	/* TLS 1.3 sends the ALPN choice encrypted. */
	assert_null(h->alpn);
	free(st.buf);

	server_hello("curl-tls12-sni-alpn.server", &st);
	assert_int_equal(st.s.consumed, 5 + 4 + 98);
	assert_int_equal(h->selected_version, TLS_VERSION_TLS12);
	assert_int_equal(h->cipher, 0xc02c);
	assert_int_equal(h->ext_count, 4);
	assert_int_equal(h->alpn_len, 2);
	assert_memory_equal(h->alpn, "h2", 2);
	free(st.buf);

	server_hello("openssl-tls12-nosni.server", &st);
	assert_int_equal(h->selected_version, TLS_VERSION_TLS12);
	assert_int_equal(h->session_id_len, 0);
	assert_null(h->alpn);
	free(st.buf);
}

/* ---- hand-built hellos --------------------------------------------------- */

/* A byte string under construction. */
struct bb {
	uint8_t b[4096];
	size_t n;
};

static void put8(struct bb *b, unsigned int v)
{
	assert_true(b->n < sizeof(b->b));
	b->b[b->n++] = (uint8_t)v;
}

static void put16(struct bb *b, unsigned int v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void putn(struct bb *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* An extension with a name as SNI host_name. */
static void ext_sni(struct bb *b, const char *name)
{
	size_t n = strlen(name);

	put16(b, TLS_EXT_SERVER_NAME);
	put16(b, n + 5);
	put16(b, n + 3);
	put8(b, 0);
	put16(b, n);
	putn(b, name, n);
}

/* A ClientHello body with GREASE in every list and the given extension block. */
static void hello_body(struct bb *b, const struct bb *exts)
{
	static const uint8_t random[32] = {1, 2, 3};

	b->n = 0;
	put16(b, TLS_VERSION_TLS12);
	putn(b, random, 32);
	put8(b, 0); /* session id */
	put16(b, 6);
	put16(b, 0x2a2a); /* GREASE */
	put16(b, 0x1301);
	put16(b, 0xc02f);
	put8(b, 1);
	put8(b, 0);
	if (exts) {
		put16(b, exts->n);
		putn(b, exts->b, exts->n);
	}
}

/* The standard extensions of the GREASE hello, with an SNI of name (none if NULL). */
static void grease_exts(struct bb *e, const char *name)
{
	e->n = 0;
	put16(e, 0xdada); /* GREASE extension, empty */
	put16(e, 0);
	if (name)
		ext_sni(e, name);
	put16(e, TLS_EXT_SUPPORTED_GROUPS);
	put16(e, 8);
	put16(e, 6);
	put16(e, 0x8a8a);
	put16(e, 29);
	put16(e, 23);
	put16(e, TLS_EXT_SUPPORTED_VERSIONS);
	put16(e, 7);
	put8(e, 6);
	put16(e, 0x7a7a);
	put16(e, TLS_VERSION_TLS13);
	put16(e, TLS_VERSION_TLS12);
	put16(e, TLS_EXT_EC_POINT_FORMATS);
	put16(e, 2);
	put8(e, 1);
	put8(e, 0);
}

/* The exact-size copy parse_body made last: the hello points into it until the next call. */
static uint8_t *last_body;

/* Parse b as a ClientHello body from an exact-size copy. */
static enum tls_error parse_body(const struct bb *b, struct tls_client_hello *h)
{
	free(last_body);
	last_body = malloc(b->n ? b->n : 1);
	assert_non_null(last_body);
	memcpy(last_body, b->b, b->n);
	return tls_client_hello_parse(last_body, b->n, h);
}

static int free_last_body(void **state)
{
	free(last_body);
	last_body = NULL;
	return 0;
}

static void test_grease_and_ja3(void **state)
{
	struct bb e, b;
	struct tls_client_hello h;
	char ja3[256];

	grease_exts(&e, "Mail.Example.COM");
	hello_body(&b, &e);
	assert_int_equal(tls_client_hello_parse(b.b, b.n, &h), TLS_OK);
	assert_int_equal(h.ext_count, 5);
	assert_int_equal(h.max_version, TLS_VERSION_TLS13);
	assert_string_equal(h.sni, "mail.example.com");
	assert_int_equal(tls_ja3_string(&h, ja3, sizeof(ja3)), 33);
	assert_string_equal(ja3, "771,4865-49199,0-10-43-11,29-23,0");
	/* Exactly the room needed, then one byte less. */
	assert_int_equal(tls_ja3_string(&h, ja3, 34), 33);
	assert_int_equal(tls_ja3_string(&h, ja3, 33), -1);

	/* No extensions at all is a valid (old-style) hello. */
	hello_body(&b, NULL);
	assert_int_equal(parse_body(&b, &h), TLS_OK);
	assert_null(h.extensions);
	assert_int_equal(tls_ja3_string(&h, ja3, sizeof(ja3)), 17);
	assert_string_equal(ja3, "771,4865-49199,,,");
}

static void test_sni_checks(void **state)
{
	static const struct {
		const char *name;
		enum tls_sni_check want;
	} cases[] = {
		{"www.example.test", TLS_SNI_VALID},
		{"_acme.x-y.example", TLS_SNI_VALID},
		{"localhost", TLS_SNI_VALID},
		{"1.2.3.4", TLS_SNI_IS_IPV4},
		{"1.2.3.4.5", TLS_SNI_VALID},
		{"example.test.", TLS_SNI_TRAILING_DOT},
		{".example", TLS_SNI_EMPTY_LABEL},
		{"a..b", TLS_SNI_EMPTY_LABEL},
		{"a b.example", TLS_SNI_BAD_CHAR},
		{"::1", TLS_SNI_BAD_CHAR},
		{"caf\xc3\xa9.example", TLS_SNI_BAD_CHAR},
	};
	char label[70], longname[300];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(
			tls_sni_classify((const uint8_t *)cases[i].name, strlen(cases[i].name)),
			cases[i].want);
	memset(label, 'a', 64);
	label[64] = '\0';
	assert_int_equal(tls_sni_classify((const uint8_t *)label, 64), TLS_SNI_LABEL_TOO_LONG);
	assert_int_equal(tls_sni_classify((const uint8_t *)label, 63), TLS_SNI_VALID);
	/* 254 bytes in labels of 63 + '.': too long as a whole. */
	for (i = 0; i < 254; i++)
		longname[i] = i % 64 == 63 ? '.' : 'a';
	assert_int_equal(tls_sni_classify((const uint8_t *)longname, 254), TLS_SNI_TOO_LONG);
	assert_int_equal(tls_sni_classify((const uint8_t *)longname, 253), TLS_SNI_VALID);
}

static void test_odd_sni_kept_raw(void **state)
{
	struct bb e, b;
	struct tls_client_hello h;
	char big[300];

	/* A NUL inside: raw kept, no text, judged a bad character. */
	e.n = 0;
	put16(&e, TLS_EXT_SERVER_NAME);
	put16(&e, 10);
	put16(&e, 8);
	put8(&e, 0);
	put16(&e, 5);
	putn(&e, "ab\0cd", 5);
	hello_body(&b, &e);
	assert_int_equal(parse_body(&b, &h), TLS_OK);
	assert_int_equal(h.has_sni, 1);
	assert_int_equal(h.sni_len, 5);
	assert_string_equal(h.sni, "");
	assert_int_equal(h.sni_check, TLS_SNI_BAD_CHAR);

	/* 299 bytes: raw only. */
	memset(big, 'x', 299);
	big[299] = '\0';
	e.n = 0;
	ext_sni(&e, big);
	hello_body(&b, &e);
	assert_int_equal(parse_body(&b, &h), TLS_OK);
	assert_int_equal(h.sni_len, 299);
	assert_string_equal(h.sni, "");
	assert_int_equal(h.sni_check, TLS_SNI_LABEL_TOO_LONG);
}

/* ---- refusals ------------------------------------------------------------ */

static void test_truncated_body_every_length(void **state)
{
	struct bb e, b, cutb;
	struct tls_client_hello h;
	size_t n, no_ext_len;

	grease_exts(&e, "a.example");
	hello_body(&b, &e);
	hello_body(&cutb, NULL);
	no_ext_len = cutb.n;
	for (n = 0; n < b.n; n++) {
		cutb.n = n;
		memcpy(cutb.b, b.b, n);
		/* Cut right after the compression methods it is a valid hello with no extensions.
		 */
		assert_int_equal(parse_body(&cutb, &h) == TLS_OK, n == no_ext_len);
	}
	assert_int_equal(parse_body(&b, &h), TLS_OK);
	/* One byte more than the extension block says. */
	put8(&b, 0);
	assert_int_equal(parse_body(&b, &h), TLS_ERR_TRAILING);
}

/* The GREASE hello with byte `at` of the body set to v: the parse error. */
static enum tls_error poke(size_t at, uint8_t v)
{
	struct bb e, b;
	struct tls_client_hello h;

	grease_exts(&e, "a.example");
	hello_body(&b, &e);
	assert_true(at < b.n);
	b.b[at] = v;
	return parse_body(&b, &h);
}

static void test_lying_lengths(void **state)
{
	/* Offsets in the GREASE hello body: 2 version, 32 random, 1 sid len at 34. */
	const size_t sid = 34, cs = 35, comp = 43, ext_len = 45, ext0 = 47;
	/* SNI extension: after the 4-byte GREASE extension. */
	const size_t sni_ext_len = ext0 + 6, sni_list = ext0 + 9, sni_name_len = ext0 + 12;

	assert_int_equal(poke(sid, 33), TLS_ERR_SESSION_ID);
	assert_int_equal(poke(cs + 1, 5), TLS_ERR_CIPHER_SUITES);
	assert_int_equal(poke(cs + 1, 0), TLS_ERR_CIPHER_SUITES);
	assert_int_equal(poke(cs + 1, 200), TLS_ERR_TRUNCATED);
	assert_int_equal(poke(comp, 0), TLS_ERR_COMPRESSION);
	assert_int_equal(poke(ext_len, 0xff), TLS_ERR_TRUNCATED);
	assert_int_equal(poke(ext_len + 1, 1), TLS_ERR_TRAILING);
	/* The GREASE extension claims 255 bytes: beyond the block. */
	assert_int_equal(poke(ext0 + 3, 0xff), TLS_ERR_EXTENSION_LENGTH);
	assert_int_equal(poke(sni_ext_len, 0x40), TLS_ERR_EXTENSION_LENGTH);
	assert_int_equal(poke(sni_list, 0), TLS_ERR_SNI);
	assert_int_equal(poke(sni_list, 0x20), TLS_ERR_SNI);
	assert_int_equal(poke(sni_name_len, 0x20), TLS_ERR_SNI);
	assert_int_equal(poke(sni_name_len, 0), TLS_ERR_SNI);
	assert_int_equal(poke(sni_name_len, 3), TLS_ERR_SNI);
	/* Supported groups list length 5 (odd). */
	assert_int_equal(poke(ext0 + 4 + 4 + 14 + 5, 5), TLS_ERR_LIST);
}

static void test_duplicates(void **state)
{
	struct bb e, b;
	struct tls_client_hello h;

	/* Two server_name extensions. */
	e.n = 0;
	ext_sni(&e, "good.example");
	ext_sni(&e, "evil.example");
	hello_body(&b, &e);
	assert_int_equal(parse_body(&b, &h), TLS_ERR_DUPLICATE_EXT);
	/* Two host_names in one extension. */
	e.n = 0;
	put16(&e, TLS_EXT_SERVER_NAME);
	put16(&e, 2 + 2 * (3 + 5));
	put16(&e, 2 * (3 + 5));
	put8(&e, 0);
	put16(&e, 5);
	putn(&e, "a.com", 5);
	put8(&e, 0);
	put16(&e, 5);
	putn(&e, "b.com", 5);
	hello_body(&b, &e);
	assert_int_equal(parse_body(&b, &h), TLS_ERR_SNI);
	/* An unknown name type is skipped; the host_name after it counts. */
	b.b[b.n - 16] = 7;
	assert_int_equal(parse_body(&b, &h), TLS_OK);
	assert_string_equal(h.sni, "b.com");
}

static void test_bad_alpn(void **state)
{
	struct bb e, b;
	struct tls_client_hello h;
	static const uint8_t empty_name[] = {0, 16, 0, 4, 0, 2, 0, 0};
	static const uint8_t short_list[] = {0, 16, 0, 3, 0, 1, 0};
	static const uint8_t lying[] = {0, 16, 0, 5, 0, 3, 4, 'h', '2'};

	e.n = 0;
	putn(&e, empty_name, sizeof(empty_name));
	hello_body(&b, &e);
	assert_int_equal(parse_body(&b, &h), TLS_ERR_ALPN);
	e.n = 0;
	putn(&e, short_list, sizeof(short_list));
	hello_body(&b, &e);
	assert_int_equal(parse_body(&b, &h), TLS_ERR_ALPN);
	e.n = 0;
	putn(&e, lying, sizeof(lying));
	hello_body(&b, &e);
	assert_int_equal(parse_body(&b, &h), TLS_ERR_ALPN);
}

/* Feed bytes whole into a fresh client stream with the given cap. */
static struct tls_stream run_stream(const void *data, size_t len, size_t cap)
{
	struct stream st;
	struct tls_stream copy;

	stream_open(&st, TLS_HS_CLIENT_HELLO, cap);
	feed(&st, data, len);
	copy = st.s;
	free(st.buf);
	return copy;
}

static void test_not_tls(void **state)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const uint8_t sslv2[] = {0x80, 0x2e, 0x01, 0x00, 0x02};
	static const uint8_t bad_major[] = {0x16, 0x02, 0x00, 0x00, 0x10};
	struct tls_stream s;
	struct stream st;

	s = run_stream(http, strlen(http), 64);
	assert_int_equal(s.status, TLS_NOT_TLS);
	assert_int_equal(s.error, TLS_ERR_NOT_HANDSHAKE);
	assert_int_equal(s.consumed, 1);
	s = run_stream(sslv2, sizeof(sslv2), 64);
	assert_int_equal(s.status, TLS_NOT_TLS);
	s = run_stream(bad_major, sizeof(bad_major), 64);
	assert_int_equal(s.status, TLS_NOT_TLS);
	assert_int_equal(s.error, TLS_ERR_BAD_RECORD_VERSION);
	assert_string_equal(tls_strerror(s.error), "record version is not 3.x");
	assert_string_equal(tls_status_name(s.status), "not TLS");

	/* Once decided, later bytes change nothing. */
	stream_open(&st, TLS_HS_CLIENT_HELLO, 64);
	assert_int_equal(feed(&st, (const uint8_t *)"G", 1), TLS_NOT_TLS);
	assert_int_equal(feed(&st, (const uint8_t *)"\x16\x03", 2), TLS_NOT_TLS);
	assert_int_equal(st.s.consumed, 1);
	free(st.buf);
}

static void test_stream_refusals(void **state)
{
	size_t len;
	uint8_t *data = fixture("openssl-tls13-sni-alpn.client", &len);
	uint8_t m[1024];
	struct tls_stream s;
	static const uint8_t empty_rec[] = {0x16, 0x03, 0x01, 0x00, 0x00};
	static const uint8_t huge_rec[] = {0x16, 0x03, 0x01, 0x40, 0x01};
	static const uint8_t server_first[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0, 0, 0};

	s = run_stream(empty_rec, sizeof(empty_rec), 64);
	assert_int_equal(s.status, TLS_MALFORMED);
	assert_int_equal(s.error, TLS_ERR_RECORD_LENGTH);
	s = run_stream(huge_rec, sizeof(huge_rec), 64);
	assert_int_equal(s.error, TLS_ERR_RECORD_LENGTH);
	s = run_stream(server_first, sizeof(server_first), 64);
	assert_int_equal(s.status, TLS_MALFORMED);
	assert_int_equal(s.error, TLS_ERR_UNEXPECTED_MESSAGE);

	/* The hello does not fit a 200-byte buffer; it does fit exactly 4 + 259. */
	s = run_stream(data, len, 200);
	assert_int_equal(s.status, TLS_MALFORMED);
	assert_int_equal(s.error, TLS_ERR_TOO_BIG);
	assert_int_equal(s.consumed, 9);
	s = run_stream(data, len, 4 + 259);
	assert_int_equal(s.status, TLS_DONE);
	s = run_stream(data, len, 3);
	assert_int_equal(s.error, TLS_ERR_TOO_BIG);

	/* Truncated stream: need more at every length short of the end. */
	for (size_t n = 0; n < len; n++) {
		s = run_stream(data, n, TLS_STREAM_BUF_DEFAULT);
		assert_int_equal(s.status, TLS_NEED_MORE);
	}

	/* An alert record between the two halves of a hello. */
	assert_int_equal(recut(data, len, 100, m, sizeof(m)), len + 10);
	m[105] = 21;
	s = run_stream(m, len + 10, TLS_STREAM_BUF_DEFAULT);
	assert_int_equal(s.status, TLS_MALFORMED);
	assert_int_equal(s.error, TLS_ERR_RECORD_TYPE);

	/* The handshake length says more than the records carry: the body is then cut short. */
	memcpy(m, data, len);
	m[8] = (uint8_t)(m[8] - 1); /* message 1 byte shorter than its record */
	s = run_stream(m, len, TLS_STREAM_BUF_DEFAULT);
	assert_int_equal(s.status, TLS_MALFORMED);
	assert_int_equal(s.error, TLS_ERR_TRUNCATED);
	assert_int_equal(s.consumed, len - 1);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curl_tls13),
		cmocka_unit_test(test_curl_tls12),
		cmocka_unit_test(test_openssl_no_sni),
		cmocka_unit_test(test_openssl_tls13_mixed_case_sni),
		cmocka_unit_test(test_split_every_offset),
		cmocka_unit_test(test_hello_over_many_records),
		cmocka_unit_test(test_server_hellos),
		cmocka_unit_test(test_grease_and_ja3),
		cmocka_unit_test(test_sni_checks),
		cmocka_unit_test(test_odd_sni_kept_raw),
		cmocka_unit_test(test_truncated_body_every_length),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bad_alpn),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_stream_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, free_last_body);
}

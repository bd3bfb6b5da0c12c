// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/http*.c: requests and responses captured from curl
 * against python3 -m http.server (tests/fixtures/inspect/http/) and written
 * by hand. Every piece handed to http_feed() is a malloc of exactly its
 * length, so ASan catches a read past len. Each transaction is recorded as a
 * canonical text (every sticky buffer, flags, anomalies, the streamed
 * bodies) so that feeding whole, 1 byte at a time and in 2 pieces at every
 * split position can be compared exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "inspect/http.h"

#define MAX_TX 16

/* A growable byte string. */
struct str {
	char *p;
	size_t len, cap;
};

static void str_add(struct str *s, const void *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void str_fmt(struct str *s, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	str_add(s, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* What one transaction looked like at tx_done. */
struct txrec {
	struct str method, uri, uri_raw, host, host_raw, ua, cookie, req_headers, proto;
	struct str stat_code, stat_msg, resp_headers, req_body, resp_body, trailer;
	struct str streamed[2]; /* body callback bytes (first 256 KiB) */
	uint64_t streamed_len[2], body_wire[2];
	unsigned int status, flags, req_flags, resp_flags;
	uint64_t anomalies;
};

/* Everything the callbacks saw on one connection. */
struct rec {
	struct str log; /* canonical transcript */
	struct txrec tx[MAX_TX];
	size_t n_tx;
	struct str body[2]; /* streamed bodies of the tx in progress */
	uint64_t body_len[2];
	uint64_t conn_anomalies;
};

static void str_free(struct str *s)
{
	free(s->p);
	memset(s, 0, sizeof(*s));
}

static void rec_free(struct rec *r)
{
	str_free(&r->log);
	str_free(&r->body[0]);
	str_free(&r->body[1]);
	for (size_t i = 0; i < r->n_tx && i < MAX_TX; i++) {
		struct str *f = &r->tx[i].method;

		/* every member up to streamed[] is a struct str */
		for (size_t k = 0; k < 17; k++)
			str_free(&f[k]);
	}
}

static void copy_buf(struct str *s, struct http_buf b)
{
	str_add(s, "", 0);
	if (b.ptr)
		str_add(s, b.ptr, b.len);
}

/* Log a view escaped, so that the transcript is one comparable string. */
static void log_buf(struct str *log, const char *name, struct http_buf b)
{
	str_fmt(log, " %s=", name);
	if (!b.ptr) {
		str_add(log, "(null)", 6);
		return;
	}
	for (size_t i = 0; i < b.len; i++) {
		if (b.ptr[i] >= 0x20 && b.ptr[i] < 0x7f && b.ptr[i] != '\\')
			str_add(log, &b.ptr[i], 1);
		else
			str_fmt(log, "\\x%02x", b.ptr[i]);
	}
}

static void cb_req(void *u, struct http_tx *tx)
{
	struct rec *r = u;

	str_fmt(&r->log, "[reqhead %llu", (unsigned long long)tx->id);
	log_buf(&r->log, "m", tx->method);
	log_buf(&r->log, "u", tx->uri);
	str_add(&r->log, "]\n", 2);
}

static void cb_resp(void *u, struct http_tx *tx)
{
	struct rec *r = u;

	str_fmt(&r->log, "[resphead %llu %u]\n", (unsigned long long)tx->id, tx->status);
}

static void cb_body(void *u, struct http_tx *tx, enum http_dir dir, const uint8_t *d, size_t n)
{
	struct rec *r = u;

	assert_true(n > 0);
	if (r->body_len[dir] < 256 * 1024)
		str_add(&r->body[dir], d, n);
	r->body_len[dir] += n;
}

static void cb_msg(void *u, struct http_tx *tx, enum http_dir dir)
{
	struct rec *r = u;

	str_fmt(&r->log, "[msgdone %llu %d %llu]\n", (unsigned long long)tx->id, dir,
		(unsigned long long)r->body_len[dir]);
}

static void cb_anom(void *u, struct http_tx *tx, enum http_dir dir, enum http_anomaly code,
		    const char *text)
{
	struct rec *r = u;

	assert_non_null(text);
	str_fmt(&r->log, "[anomaly %lld %s]\n", tx ? (long long)tx->id : -1LL,
		http_anomaly_name(code, dir));
	if (!tx)
		r->conn_anomalies |= 1ull << code;
}

static void cb_done(void *u, struct http_tx *tx)
{
	struct rec *r = u;
	struct txrec *t;

	assert_int_equal(tx->id, r->n_tx);
	log_buf(&r->log, "method", tx->method);
	log_buf(&r->log, "uri", tx->uri);
	log_buf(&r->log, "raw", tx->uri_raw);
	log_buf(&r->log, "host", tx->host);
	log_buf(&r->log, "hostraw", tx->host_raw);
	log_buf(&r->log, "ua", tx->user_agent);
	log_buf(&r->log, "cookie", tx->cookie);
	log_buf(&r->log, "hdr", tx->req.headers);
	log_buf(&r->log, "code", tx->stat_code);
	log_buf(&r->log, "msg", tx->stat_msg);
	log_buf(&r->log, "rhdr", tx->resp.headers);
	log_buf(&r->log, "reqbody", tx->req.body);
	log_buf(&r->log, "respbody", tx->resp.body);
	str_fmt(&r->log, " flags=%x/%x/%x anomalies=%llx streamed=%llu/%llu\n", tx->flags,
		tx->req.flags, tx->resp.flags, (unsigned long long)tx->anomalies,
		(unsigned long long)r->body_len[0], (unsigned long long)r->body_len[1]);
	if (r->n_tx < MAX_TX) {
		t = &r->tx[r->n_tx];
		copy_buf(&t->method, tx->method);
		copy_buf(&t->uri, tx->uri);
		copy_buf(&t->uri_raw, tx->uri_raw);
		copy_buf(&t->host, tx->host);
		copy_buf(&t->host_raw, tx->host_raw);
		copy_buf(&t->ua, tx->user_agent);
		copy_buf(&t->cookie, tx->cookie);
		copy_buf(&t->req_headers, tx->req.headers);
		copy_buf(&t->proto, tx->req.proto);
		copy_buf(&t->stat_code, tx->stat_code);
		copy_buf(&t->stat_msg, tx->stat_msg);
		copy_buf(&t->resp_headers, tx->resp.headers);
		copy_buf(&t->req_body, tx->req.body);
		copy_buf(&t->resp_body, tx->resp.body);
		copy_buf(&t->trailer, tx->resp.trailer);
		for (int d = 0; d < 2; d++) {
			t->streamed[d] = r->body[d];
			t->streamed_len[d] = r->body_len[d];
			t->body_wire[d] = d ? tx->resp.body_wire : tx->req.body_wire;
			memset(&r->body[d], 0, sizeof(r->body[d]));
		}
		t->status = tx->status;
		t->flags = tx->flags;
		t->req_flags = tx->req.flags;
		t->resp_flags = tx->resp.flags;
		t->anomalies = tx->anomalies;
	} else {
		str_free(&r->body[0]);
		str_free(&r->body[1]);
	}
	r->body_len[0] = r->body_len[1] = 0;
	r->n_tx++;
}

static const struct http_callbacks cbs = {
	.request_headers = cb_req,
	.response_headers = cb_resp,
	.body = cb_body,
	.msg_done = cb_msg,
	.tx_done = cb_done,
	.anomaly = cb_anom,
};

/* Feed text[0..len) in pieces of at most piece bytes, each an exact malloc. */
static enum http_state feed_pieces(struct http_conn *c, enum http_dir dir, const char *text,
				   size_t len, size_t piece)
{
	enum http_state st = http_conn_state(c, dir);

	for (size_t off = 0; off < len; off += piece) {
		size_t n = len - off < piece ? len - off : piece;
		uint8_t *b = malloc(n);

		memcpy(b, text + off, n);
		st = http_feed(c, dir, b, n);
		free(b);
	}
	return st;
}

/* Feed text split in two at split (0: whole). */
static void feed_split(struct http_conn *c, enum http_dir dir, const char *text, size_t len,
		       size_t split)
{
	if (split == 0 || split >= len) {
		feed_pieces(c, dir, text, len, len ? len : 1);
		return;
	}
	feed_pieces(c, dir, text, split, split);
	feed_pieces(c, dir, text + split, len - split, len - split);
}

/* Run a connection: the requests, then the responses, then both EOFs. */
static void run_split(struct rec *r, const struct http_limits *lim, const char *req, size_t req_len,
		      const char *resp, size_t resp_len, size_t piece, size_t req_split,
		      size_t resp_split)
{
	struct http_conn *c = http_conn_new(&cbs, r, lim);

	assert_non_null(c);
	if (piece) {
		feed_pieces(c, HTTP_TO_SERVER, req, req_len, piece);
		feed_pieces(c, HTTP_TO_CLIENT, resp, resp_len, piece);
	} else {
		feed_split(c, HTTP_TO_SERVER, req, req_len, req_split);
		feed_split(c, HTTP_TO_CLIENT, resp, resp_len, resp_split);
	}
	http_eof(c, HTTP_TO_SERVER);
	http_eof(c, HTTP_TO_CLIENT);
	http_conn_free(c);
}

static void run(struct rec *r, const char *req, size_t req_len, const char *resp, size_t resp_len)
{
	run_split(r, NULL, req, req_len, resp, resp_len, 0, 0, 0);
}

#define RUN(r, req, resp) run(r, req, sizeof(req) - 1, resp, sizeof(resp) - 1)

/*
 * The transcript of whole feeding equals the one of 1-byte feeding and of
 * every 2-piece split of the request and of the response.
 */
static void assert_incremental(const struct http_limits *lim, const char *req, size_t req_len,
			       const char *resp, size_t resp_len)
{
	struct rec whole = {0}, r = {0};

	run_split(&whole, lim, req, req_len, resp, resp_len, 0, 0, 0);
	run_split(&r, lim, req, req_len, resp, resp_len, 1, 0, 0);
	assert_string_equal(r.log.p, whole.log.p);
	rec_free(&r);
	for (size_t k = 1; k < req_len; k++) {
		memset(&r, 0, sizeof(r));
		run_split(&r, lim, req, req_len, resp, resp_len, 0, k, 0);
		if (strcmp(r.log.p, whole.log.p) != 0)
			fail_msg("request split at %zu:\n%s\nvs whole:\n%s", k, r.log.p,
				 whole.log.p);
		rec_free(&r);
	}
	for (size_t k = 1; k < resp_len; k++) {
		memset(&r, 0, sizeof(r));
		run_split(&r, lim, req, req_len, resp, resp_len, 0, 0, k);
		if (strcmp(r.log.p, whole.log.p) != 0)
			fail_msg("response split at %zu:\n%s\nvs whole:\n%s", k, r.log.p,
				 whole.log.p);
		rec_free(&r);
	}
	rec_free(&whole);
}

#define ASSERT_INCREMENTAL(req, resp)                                                              \
	assert_incremental(NULL, req, sizeof(req) - 1, resp, sizeof(resp) - 1)

static void assert_str(const struct str *s, const char *want)
{
	size_t n = strlen(want);

	if (s->len != n || (n && memcmp(s->p, want, n) != 0))
		fail_msg("\"%.*s\" (%zu) != \"%s\" (%zu)", (int)s->len, s->p ? s->p : "", s->len,
			 want, n);
}

static void assert_mem(const struct str *s, const void *want, size_t n)
{
	assert_int_equal(s->len, n);
	if (n)
		assert_memory_equal(s->p, want, n);
}

static bool has(const struct txrec *t, enum http_anomaly a)
{
	return t->anomalies & (1ull << a);
}

static char *fixture(const char *name, size_t *len)
{
	char rel[128], path[PATH_MAX];
	char *buf;

	snprintf(rel, sizeof(rel), "tests/fixtures/inspect/http/%s", name);
	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = read_file(path, len);
	if (!buf)
		fail_msg("cannot read fixture %s", path);
	return buf;
}

/* ---- captured from curl / python3 -m http.server ------------------------- */

static void test_curl_get(void **state)
{
	size_t ql, sl;
	char *q = fixture("curl_get.req", &ql), *s = fixture("curl_get.resp", &sl);
	struct rec r = {0};

	run(&r, q, ql, s, sl);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].method, "GET");
	assert_str(&r.tx[0].uri, "/index.txt");
	assert_str(&r.tx[0].uri_raw, "/index.txt");
	assert_str(&r.tx[0].proto, "HTTP/1.1");
	assert_str(&r.tx[0].host, "127.0.0.1");
	assert_str(&r.tx[0].host_raw, "127.0.0.1:18081");
	assert_str(&r.tx[0].ua, "curl/8.5.0");
	assert_str(&r.tx[0].cookie, "");
	assert_str(&r.tx[0].req_headers,
		   "Host: 127.0.0.1:18081\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n");
	assert_str(&r.tx[0].stat_code, "200");
	assert_str(&r.tx[0].stat_msg, "OK");
	assert_int_equal(r.tx[0].status, 200);
	assert_str(&r.tx[0].resp_body, "hello from http.server\n");
	assert_str(&r.tx[0].streamed[1], "hello from http.server\n");
	assert_int_equal(r.tx[0].anomalies, 0);
	assert_int_equal(r.tx[0].req_flags, HTTP_MSG_HEAD_DONE | HTTP_MSG_DONE);
	assert_int_equal(r.tx[0].resp_flags, HTTP_MSG_HEAD_DONE | HTTP_MSG_DONE);
	assert_non_null(strstr(r.tx[0].resp_headers.p, "Content-Length: 23\r\nLast-Modified: "));
	rec_free(&r);
	assert_incremental(NULL, q, ql, s, sl);
	free(q);
	free(s);
}

static void test_curl_head(void **state)
{
	size_t ql, sl;
	char *q = fixture("curl_head.req", &ql), *s = fixture("curl_head.resp", &sl);
	struct rec r = {0};

	run(&r, q, ql, s, sl);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].method, "HEAD");
	assert_true(r.tx[0].flags & HTTP_TX_HEAD);
	assert_int_equal(r.tx[0].status, 200);
	assert_str(&r.tx[0].resp_body, "");
	assert_int_equal(r.tx[0].resp_flags, HTTP_MSG_HEAD_DONE | HTTP_MSG_DONE);
	rec_free(&r);
	assert_incremental(NULL, q, ql, s, sl);
	free(q);
	free(s);
}

static void test_curl_404_path(void **state)
{
	size_t ql, sl;
	char *q = fixture("curl_404.req", &ql), *s = fixture("curl_404.resp", &sl);
	struct rec r = {0};

	run(&r, q, ql, s, sl);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].uri_raw, "/a/../missing%20file?x=%41");
	assert_str(&r.tx[0].uri, "/missing file?x=A");
	assert_str(&r.tx[0].stat_code, "404");
	assert_str(&r.tx[0].stat_msg, "File not found");
	assert_int_equal(r.tx[0].streamed_len[1], 335);
	assert_int_equal(r.tx[0].resp_body.len, 335);
	assert_int_equal(r.tx[0].anomalies, 0);
	rec_free(&r);
	free(q);
	free(s);
}

/* ---- URI and host normalisation ------------------------------------------ */

static void assert_uri(const char *in, const char *want)
{
	size_t n = strlen(in);
	uint8_t *b = malloc(n ? n : 1), *out = malloc(n ? n : 1);
	size_t got;

	memcpy(b, in, n);
	got = http_uri_normalize(b, n, out);
	if (got != strlen(want) || memcmp(out, want, got) != 0)
		fail_msg("uri \"%s\" -> \"%.*s\", want \"%s\"", in, (int)got, out, want);
	free(b);
	free(out);
}

static void test_uri_normalize(void **state)
{
	assert_uri("/", "/");
	assert_uri("/a/b/c", "/a/b/c");
	assert_uri("/a/./b", "/a/b");
	assert_uri("/a/../b", "/b");
	assert_uri("/../../etc/passwd", "/etc/passwd");
	assert_uri("/a//b///c", "/a/b/c");
	assert_uri("/a\\b\\..\\c", "/a/c");
	assert_uri("/%2e%2e/%2E%2e%2fetc/passwd", "/etc/passwd");
	assert_uri("/a/b/..", "/a/");
	assert_uri("/a/b/.", "/a/b/");
	assert_uri("/a/", "/a/");
	assert_uri("/%41%42c", "/ABc");
	assert_uri("/x%zz%4", "/x%zz%4");
	assert_uri("/q?a=/../b&c=%20d", "/q?a=/../b&c= d");
	assert_uri("/q%3fx/../y", "/y");
	assert_uri("http://Example.com:8080/a/../b?x", "/b?x");
	assert_uri("http://example.com", "/");
	assert_uri("http://example.com?x=1", "/?x=1");
	assert_uri("*", "*");
	assert_uri("", "");
	assert_uri("a/../b", "b");
}

static void assert_host(const char *in, const char *want)
{
	size_t n = strlen(in), got;
	uint8_t *b = malloc(n ? n : 1), *out = malloc(n ? n : 1);

	memcpy(b, in, n);
	got = http_host_normalize(b, n, out);
	if (got != strlen(want) || memcmp(out, want, got) != 0)
		fail_msg("host \"%s\" -> \"%.*s\", want \"%s\"", in, (int)got, out, want);
	free(b);
	free(out);
}

static void test_host_normalize(void **state)
{
	struct http_buf a;
	const char *u = "http://user:pw@Www.Example.COM:81/x";

	assert_host("Example.COM", "example.com");
	assert_host(" www.example.com:8080 ", "www.example.com");
	assert_host("[2001:DB8::1]:443", "[2001:db8::1]");
	assert_host("user@host", "host");
	assert_host("example.com.", "example.com.");
	assert_host("", "");
	a = http_uri_authority((const uint8_t *)u, strlen(u));
	assert_int_equal(a.len, strlen("Www.Example.COM:81"));
	assert_memory_equal(a.ptr, "Www.Example.COM:81", a.len);
	a = http_uri_authority((const uint8_t *)"/x", 2);
	assert_null(a.ptr);
}

/* ---- hand-written exchanges ----------------------------------------------- */

static const char pipe_req[] = "GET /one HTTP/1.1\r\nHost: a.example\r\n\r\n"
			       "POST /two HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\n"
			       "Cookie: x=1\r\nCookie: y=2\r\n\r\nhello"
			       "GET /three HTTP/1.1\r\nHost: a.example\r\n\r\n";
static const char pipe_resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
				"HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\ntwo"
				"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthree";

static void test_pipelining(void **state)
{
	struct rec r = {0};

	RUN(&r, pipe_req, pipe_resp);
	assert_int_equal(r.n_tx, 3);
	assert_str(&r.tx[0].uri, "/one");
	assert_str(&r.tx[0].resp_body, "one");
	assert_str(&r.tx[1].method, "POST");
	assert_str(&r.tx[1].req_body, "hello");
	assert_str(&r.tx[1].cookie, "x=1, y=2");
	assert_str(&r.tx[1].stat_code, "201");
	assert_str(&r.tx[1].stat_msg, "Created");
	assert_str(&r.tx[1].resp_body, "two");
	assert_str(&r.tx[2].uri, "/three");
	assert_str(&r.tx[2].resp_body, "three");
	for (int i = 0; i < 3; i++)
		assert_int_equal(r.tx[i].anomalies, 0);
	rec_free(&r);
	ASSERT_INCREMENTAL(pipe_req, pipe_resp);
}

static const char chunk_req[] = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
				"3\r\nabc\r\n0\r\n\r\n";
static const char chunk_resp[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				 "5;name=value\r\nhello\r\n"
				 "1A \r\nabcdefghijklmnopqrstuvwxyz\r\n"
				 "0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n";

static void test_chunked(void **state)
{
	struct rec r = {0};

	RUN(&r, chunk_req, chunk_resp);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].req_body, "abc");
	assert_str(&r.tx[0].resp_body, "helloabcdefghijklmnopqrstuvwxyz");
	assert_str(&r.tx[0].streamed[1], "helloabcdefghijklmnopqrstuvwxyz");
	assert_str(&r.tx[0].trailer, "X-Trailer: t\r\nX-Other: u\r\n");
	assert_int_equal(r.tx[0].anomalies, 1ull << HTTP_ANOM_CHUNK_EXTENSION);
	assert_int_equal(r.tx[0].resp_flags, HTTP_MSG_HEAD_DONE | HTTP_MSG_DONE);
	rec_free(&r);
	ASSERT_INCREMENTAL(chunk_req, chunk_resp);
}

static void test_chunked_invalid(void **state)
{
	static const char req[] = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
				  "zz\r\nabc\r\n0\r\n\r\n";
	static const char req2[] =
		"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
		"3\r\nabcX\r\n0\r\n\r\n";
	struct rec r = {0};

	RUN(&r, req, "");
	assert_int_equal(r.n_tx, 1);
	assert_true(has(&r.tx[0], HTTP_ANOM_INVALID_CHUNK_LEN));
	assert_true(r.tx[0].req_flags & HTTP_MSG_TRUNCATED);
	rec_free(&r);
	memset(&r, 0, sizeof(r));
	RUN(&r, req2, "");
	assert_true(has(&r.tx[0], HTTP_ANOM_INVALID_CHUNK_LEN));
	assert_str(&r.tx[0].req_body, "abc");
	rec_free(&r);
}

/* A compressed body made with zlib: windowBits 31 gzip, 15 zlib, -15 raw. */
static size_t compress_with(const void *in, size_t n, uint8_t *out, size_t cap, int bits)
{
	z_stream z = {0};

	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, bits, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return z.total_out;
}

/* A response "HTTP/1.1 200" with Content-Encoding coding and body[0..n). */
static size_t make_resp(char *out, const char *coding, const uint8_t *body, size_t n, bool chunked)
{
	size_t o;

	if (chunked) {
		o = sprintf(out,
			    "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n"
			    "Transfer-Encoding: chunked\r\n\r\n%zx\r\n",
			    coding, n);
		memcpy(out + o, body, n);
		o += n;
		o += sprintf(out + o, "\r\n0\r\n\r\n");
	} else {
		o = sprintf(
			out,
			"HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %zu\r\n\r\n",
			coding, n);
		memcpy(out + o, body, n);
		o += n;
	}
	return o;
}

static const char simple_get[] = "GET /f HTTP/1.1\r\nHost: h\r\n\r\n";

static void check_coding(const char *coding, int bits, bool chunked)
{
	static const char text[] = "The quick brown fox jumps over the lazy dog. "
				   "The quick brown fox jumps over the lazy dog.\n";
	uint8_t z[512];
	char resp[1024];
	size_t zn = compress_with(text, sizeof(text) - 1, z, sizeof(z), bits);
	size_t rn = make_resp(resp, coding, z, zn, chunked);
	struct rec r = {0};

	run(&r, simple_get, sizeof(simple_get) - 1, resp, rn);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].resp_body, text);
	assert_str(&r.tx[0].streamed[1], text);
	assert_int_equal(r.tx[0].body_wire[1], zn);
	assert_int_equal(r.tx[0].anomalies, 0);
	rec_free(&r);
	assert_incremental(NULL, simple_get, sizeof(simple_get) - 1, resp, rn);
}

static void test_gzip_deflate(void **state)
{
	check_coding("gzip", 31, false);
	check_coding("x-gzip", 31, true);
	check_coding("deflate", 15, false);
	check_coding("deflate", -15, true);
}

static void test_gzip_corrupt(void **state)
{
	static const char text[] = "some text that will not survive corruption intact, no";
	uint8_t z[256];
	char resp[1024];
	size_t zn = compress_with(text, sizeof(text) - 1, z, sizeof(z), 31), rn;
	struct rec r = {0};

	z[3] = 0xff; /* reserved FLG bits: zlib refuses the header */
	rn = make_resp(resp, "gzip", z, zn, false);
	run(&r, simple_get, sizeof(simple_get) - 1, resp, rn);
	assert_true(has(&r.tx[0], HTTP_ANOM_DECOMPRESSION_FAILED));
	assert_true(r.tx[0].resp_flags & HTTP_MSG_DECODE_RAW);
	/* passed on as received */
	assert_mem(&r.tx[0].resp_body, z, zn);
	rec_free(&r);
}

static void test_gzip_bomb(void **state)
{
	size_t big = 64u * 1024 * 1024, zcap = 256 * 1024, zn, rn;
	uint8_t *zeros = calloc(1, big), *z = malloc(zcap);
	char *resp = malloc(zcap + 256);
	struct rec r = {0};
	struct http_limits lim = {.resp_body_depth = 4096};

	zn = compress_with(zeros, big, z, zcap, 31);
	assert_true(zn < 100 * 1024);
	rn = make_resp(resp, "gzip", z, zn, false);
	/* and a second transaction after it still parses */
	memcpy(resp + rn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 40);
	rn += 40;
	{
		static const char two[] = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
					  "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";
		run_split(&r, &lim, two, sizeof(two) - 1, resp, rn, 0, 0, 0);
	}
	assert_int_equal(r.n_tx, 2);
	assert_true(has(&r.tx[0], HTTP_ANOM_COMPRESSION_BOMB));
	assert_true(r.tx[0].resp_flags & HTTP_MSG_DECODE_STOPPED);
	assert_true(r.tx[0].resp_flags & HTTP_MSG_DONE);
	assert_true(r.tx[0].resp_flags & HTTP_MSG_BODY_CUT);
	/* the ratio guard (1000) stops it far before 64 MiB */
	assert_true(r.tx[0].streamed_len[1] <= 1000 * zn + 16384);
	assert_true(r.tx[0].streamed_len[1] >= 1024 * 1024);
	assert_int_equal(r.tx[0].body_wire[1], zn);
	assert_int_equal(r.tx[0].resp_body.len, 4096);
	assert_str(&r.tx[1].resp_body, "ok");
	assert_int_equal(r.tx[1].anomalies, 0);
	rec_free(&r);

	/* an absolute cap stops a stream that is not a bomb by ratio */
	memset(&r, 0, sizeof(r));
	lim.decomp_max = 100000;
	lim.bomb_ratio = 1u << 30;
	rn = make_resp(resp, "gzip", z, zn, false);
	run_split(&r, &lim, simple_get, sizeof(simple_get) - 1, resp, rn, 0, 0, 0);
	assert_true(has(&r.tx[0], HTTP_ANOM_COMPRESSION_BOMB));
	assert_true(r.tx[0].streamed_len[1] <= 100000);
	rec_free(&r);
	free(zeros);
	free(z);
	free(resp);
}

/* A large download streams through without being kept whole. */
static void test_large_stream(void **state)
{
	size_t n = 8u * 1024 * 1024, hl;
	char *resp = malloc(n + 128);
	struct rec r = {0};
	struct http_limits lim = {.resp_body_depth = 1000};

	hl = sprintf(resp, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", n);
	for (size_t i = 0; i < n; i++)
		resp[hl + i] = (char)('a' + i % 26);
	run_split(&r, &lim, simple_get, sizeof(simple_get) - 1, resp, hl + n, 65536, 0, 0);
	assert_int_equal(r.tx[0].streamed_len[1], n);
	assert_int_equal(r.tx[0].resp_body.len, 1000);
	assert_memory_equal(r.tx[0].resp_body.p, resp + hl, 1000);
	assert_true(r.tx[0].resp_flags & HTTP_MSG_BODY_CUT);
	rec_free(&r);
	free(resp);
}

static void test_smuggling(void **state)
{
	static const char cl_te[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
				    "Transfer-Encoding: chunked\r\n\r\n"
				    "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char dup_cl[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
				     "Content-Length: 40\r\n\r\nabcd";
	static const char same_cl[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 4\r\n\r\n"
				      "abcd";
	static const char bad_te[] = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n"
				     "\r\n0\r\n\r\n";
	static const char bad_cl[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4x\r\n\r\nabcd";
	struct rec r = {0};

	/* TE wins: the smuggled request is seen as the second transaction */
	RUN(&r, cl_te, "");
	assert_int_equal(r.n_tx, 2);
	assert_true(has(&r.tx[0], HTTP_ANOM_CL_AND_TE));
	assert_str(&r.tx[1].uri, "/smuggled");
	rec_free(&r);

	memset(&r, 0, sizeof(r));
	RUN(&r, dup_cl, "");
	assert_int_equal(r.n_tx, 1);
	assert_true(has(&r.tx[0], HTTP_ANOM_CL_MISMATCH));
	assert_true(r.tx[0].req_flags & HTTP_MSG_TRUNCATED);
	rec_free(&r);

	memset(&r, 0, sizeof(r));
	RUN(&r, same_cl, "");
	assert_int_equal(r.tx[0].anomalies, 1ull << HTTP_ANOM_HEADER_REPETITION);
	assert_str(&r.tx[0].req_body, "abcd");
	rec_free(&r);

	memset(&r, 0, sizeof(r));
	RUN(&r, bad_te, "");
	assert_true(has(&r.tx[0], HTTP_ANOM_INVALID_TE));
	rec_free(&r);

	memset(&r, 0, sizeof(r));
	RUN(&r, bad_cl, "");
	assert_true(has(&r.tx[0], HTTP_ANOM_INVALID_CL));
	rec_free(&r);
}

static void test_304_204_1xx(void **state)
{
	static const char req[] =
		"GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"
		"POST /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
		"Content-Length: 2\r\n\r\nhi";
	static const char resp[] = "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
				   "HTTP/1.1 204 No Content\r\n\r\n"
				   "HTTP/1.1 100 Continue\r\n\r\n"
				   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
	struct rec r = {0};

	RUN(&r, req, resp);
	assert_int_equal(r.n_tx, 3);
	assert_int_equal(r.tx[0].status, 304);
	assert_str(&r.tx[0].resp_body, "");
	assert_int_equal(r.tx[1].status, 204);
	assert_int_equal(r.tx[2].status, 200);
	assert_str(&r.tx[2].stat_code, "200");
	assert_str(&r.tx[2].req_body, "hi");
	assert_str(&r.tx[2].resp_body, "x");
	for (int i = 0; i < 3; i++)
		assert_int_equal(r.tx[i].anomalies, 0);
	rec_free(&r);
	ASSERT_INCREMENTAL(req, resp);
}

static void test_connection_close_body(void **state)
{
	static const char resp[] = "HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nall of this "
				   "until\r\n\r\nthe end";
	struct rec r = {0};

	RUN(&r, simple_get, resp);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].resp_body, "all of this until\r\n\r\nthe end");
	assert_int_equal(r.tx[0].resp_flags, HTTP_MSG_HEAD_DONE | HTTP_MSG_DONE);
	assert_int_equal(r.tx[0].anomalies, 0);
	rec_free(&r);
	ASSERT_INCREMENTAL(simple_get, resp);
}

static void test_connect_tunnel(void **state)
{
	static const char req[] =
		"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
		"\x16\x03\x01 tls bytes";
	static const char resp[] = "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03 more";
	struct http_conn *c = http_conn_new(&cbs, NULL, NULL);
	struct rec r = {0};

	RUN(&r, req, resp);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].method, "CONNECT");
	assert_str(&r.tx[0].uri_raw, "example.com:443");
	assert_str(&r.tx[0].host, "example.com");
	assert_int_equal(r.tx[0].status, 200);
	assert_true(r.tx[0].flags & HTTP_TX_TUNNEL);
	assert_int_equal(r.tx[0].anomalies, 0);
	rec_free(&r);
	ASSERT_INCREMENTAL(req, resp);

	/* the states say so */
	http_conn_free(c);
	memset(&r, 0, sizeof(r));
	c = http_conn_new(&cbs, &r, NULL);
	assert_int_equal(feed_pieces(c, HTTP_TO_SERVER, req, sizeof(req) - 1, 1000),
			 HTTP_STATE_TUNNEL);
	assert_int_equal(feed_pieces(c, HTTP_TO_CLIENT, resp, sizeof(resp) - 1, 1000),
			 HTTP_STATE_TUNNEL);
	http_conn_free(c);
	rec_free(&r);
}

static void test_websocket_upgrade(void **state)
{
	static const char req[] = "GET /chat HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\n"
				  "Connection: Upgrade\r\n\r\n";
	static const char resp[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
				   "Connection: Upgrade\r\n\r\n\x81\x05hello";
	struct rec r = {0};

	RUN(&r, req, resp);
	assert_int_equal(r.n_tx, 1);
	assert_int_equal(r.tx[0].status, 101);
	assert_int_equal(r.tx[0].flags, HTTP_TX_UPGRADE | HTTP_TX_TUNNEL);
	assert_int_equal(r.tx[0].anomalies, 0);
	rec_free(&r);
}

static void test_http09(void **state)
{
	static const char req[] = "GET /old\r\n";
	static const char resp[] = "<html>raw body</html>";
	struct rec r = {0};

	RUN(&r, req, resp);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].uri, "/old");
	assert_str(&r.tx[0].proto, "");
	assert_true(r.tx[0].flags & HTTP_TX_HTTP09);
	assert_str(&r.tx[0].resp_body, "<html>raw body</html>");
	assert_int_equal(r.tx[0].anomalies, 1ull << HTTP_ANOM_MISSING_PROTOCOL);
	rec_free(&r);
	ASSERT_INCREMENTAL(req, resp);
}

static void test_headers_and_host(void **state)
{
	static const char req[] = "GET http://WWW.Example.org:8080/p/./q/../r HTTP/1.1\r\n"
				  "Host: www.example.org\r\n"
				  "User-Agent: Mozilla/5.0\r\n"
				  " (folded)\r\n"
				  "X-Empty:\r\n"
				  "NoColonHere\r\n"
				  "X-Spaced :  v  \r\n"
				  "Cookie: a=b\n"
				  "\r\n";
	struct rec r = {0};

	RUN(&r, req, "");
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].uri, "/p/r");
	assert_str(&r.tx[0].host, "www.example.org");
	assert_str(&r.tx[0].host_raw, "www.example.org");
	assert_str(&r.tx[0].ua, "Mozilla/5.0 (folded)");
	assert_str(&r.tx[0].cookie, "a=b");
	assert_str(&r.tx[0].req_headers,
		   "Host: www.example.org\r\nUser-Agent: Mozilla/5.0 (folded)\r\n"
		   "X-Empty: \r\nX-Spaced: v\r\nCookie: a=b\r\n");
	assert_int_equal(r.tx[0].anomalies, (1ull << HTTP_ANOM_FIELD_FOLDING) |
						    (1ull << HTTP_ANOM_FIELD_MISSING_COLON) |
						    (1ull << HTTP_ANOM_HEADER_INVALID));
	rec_free(&r);
	ASSERT_INCREMENTAL(req, "");
}

static void test_host_anomalies(void **state)
{
	static const char two_hosts[] =
		"GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n";
	static const char no_host[] = "GET / HTTP/1.1\r\n\r\n";
	static const char uri_host[] = "GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\n\r\n";
	static const char old[] = "GET / HTTP/1.0\r\n\r\n";
	struct rec r = {0};

	RUN(&r, two_hosts, "");
	assert_str(&r.tx[0].host, "a.example");
	assert_int_equal(r.tx[0].anomalies, 1ull << HTTP_ANOM_HOST_AMBIGUOUS);
	rec_free(&r);
	memset(&r, 0, sizeof(r));
	RUN(&r, no_host, "");
	assert_int_equal(r.tx[0].anomalies, 1ull << HTTP_ANOM_MISSING_HOST);
	assert_str(&r.tx[0].host, "");
	rec_free(&r);
	memset(&r, 0, sizeof(r));
	RUN(&r, uri_host, "");
	assert_str(&r.tx[0].host, "a.example");
	assert_str(&r.tx[0].host_raw, "b.example");
	assert_int_equal(r.tx[0].anomalies, 1ull << HTTP_ANOM_HOST_AMBIGUOUS);
	rec_free(&r);
	memset(&r, 0, sizeof(r));
	RUN(&r, old, "");
	assert_int_equal(r.tx[0].anomalies, 0);
	rec_free(&r);
}

/* A malformed request line stops the direction with an anomaly. */
static void assert_bad_request(const char *req, enum http_anomaly want)
{
	struct rec r = {0};
	struct http_conn *c = http_conn_new(&cbs, &r, NULL);

	assert_int_equal(feed_pieces(c, HTTP_TO_SERVER, req, strlen(req), 7), HTTP_STATE_ERROR);
	/* further bytes are ignored */
	assert_int_equal(http_feed(c, HTTP_TO_SERVER, (const uint8_t *)"GET", 3), HTTP_STATE_ERROR);
	http_eof(c, HTTP_TO_SERVER);
	http_eof(c, HTTP_TO_CLIENT);
	http_conn_free(c);
	if (!((r.n_tx ? r.tx[0].anomalies : r.conn_anomalies) & (1ull << want)))
		fail_msg("\"%s\": no %s in\n%s", req, http_anomaly_name(want, 0), r.log.p);
	rec_free(&r);
}

static void test_malformed(void **state)
{
	char *big = malloc(70000);

	assert_bad_request("GET\r\nHost: x\r\n\r\n", HTTP_ANOM_LINE_INVALID);
	assert_bad_request("G(T / HTTP/1.1\r\n\r\n", HTTP_ANOM_LINE_INVALID);
	assert_bad_request("GET / FTP/1.0\r\n\r\n", HTTP_ANOM_LINE_INVALID);
	assert_bad_request("GET / HTTP/1.x\r\n\r\n", HTTP_ANOM_LINE_INVALID);
	assert_bad_request("GET / HTTP/3.0\r\n\r\n", HTTP_ANOM_LINE_INVALID);
	assert_bad_request("\x16\x03\x01\x02\x03\x01\x01\x01\xfc\x03\x03\r\n\r\n",
			   HTTP_ANOM_LINE_INVALID);
	/* overlong head: no CRLFCRLF within 64 KiB */
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	memset(big + 19, 'a', 70000 - 20);
	big[69999] = '\0';
	assert_bad_request(big, HTTP_ANOM_FIELD_TOO_LONG);
	free(big);
}

static void test_malformed_response(void **state)
{
	static const char garbage[] = "SSH-2.0-OpenSSH\r\n";
	static const char badcode[] = "HTTP/1.1 2x0 OK\r\n\r\n";
	struct rec r = {0};

	RUN(&r, simple_get, garbage);
	assert_int_equal(r.n_tx, 1);
	assert_true(has(&r.tx[0], HTTP_ANOM_INVALID_PROTOCOL));
	assert_true(r.tx[0].resp_flags & HTTP_MSG_TRUNCATED);
	rec_free(&r);
	memset(&r, 0, sizeof(r));
	RUN(&r, simple_get, badcode);
	assert_true(has(&r.tx[0], HTTP_ANOM_INVALID_STATUS));
	rec_free(&r);
}

static void test_many_headers_and_leading_crlf(void **state)
{
	struct http_limits lim = {.max_headers = 2};
	static const char req[] = "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n";
	struct rec r = {0};

	run_split(&r, &lim, req, sizeof(req) - 1, "", 0, 0, 0, 0);
	assert_int_equal(r.n_tx, 1);
	assert_str(&r.tx[0].req_headers, "Host: h\r\nA: 1\r\n");
	assert_int_equal(r.tx[0].anomalies, 1ull << HTTP_ANOM_TOO_MANY_HEADERS);
	rec_free(&r);
	assert_incremental(&lim, req, sizeof(req) - 1, "", 0);
}

static void test_truncated_and_unsolicited(void **state)
{
	static const char req[] = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc";
	static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
				   "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct rec r = {0};

	RUN(&r, req, resp);
	assert_int_equal(r.n_tx, 2);
	assert_true(has(&r.tx[0], HTTP_ANOM_TRUNCATED));
	assert_true(r.tx[0].req_flags & HTTP_MSG_TRUNCATED);
	assert_str(&r.tx[0].req_body, "abc");
	assert_true(r.tx[1].flags & HTTP_TX_UNSOLICITED);
	assert_true(has(&r.tx[1], HTTP_ANOM_UNMATCHED_RESPONSE));
	rec_free(&r);
}

static void test_pipeline_limit(void **state)
{
	struct http_limits lim = {.max_pipeline = 2};
	static const char req[] =
		"GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /3 HTTP/1.1\r\nHost: h\r\n\r\n";
	struct rec r = {0};
	struct http_conn *c = http_conn_new(&cbs, &r, &lim);

	assert_int_equal(feed_pieces(c, HTTP_TO_SERVER, req, sizeof(req) - 1, 1000),
			 HTTP_STATE_ERROR);
	assert_true(r.conn_anomalies & (1ull << HTTP_ANOM_TOO_MANY_TRANSACTIONS));
	http_conn_free(c);
	rec_free(&r);
}

static void test_anomaly_names(void **state)
{
	assert_string_equal(http_anomaly_name(HTTP_ANOM_FIELD_MISSING_COLON, HTTP_TO_SERVER),
			    "REQUEST_FIELD_MISSING_COLON");
	assert_string_equal(http_anomaly_name(HTTP_ANOM_FIELD_MISSING_COLON, HTTP_TO_CLIENT),
			    "RESPONSE_FIELD_MISSING_COLON");
	assert_string_equal(http_anomaly_name(HTTP_ANOM_COUNT, HTTP_TO_SERVER), "UNKNOWN");
	for (int i = 0; i < HTTP_ANOM_COUNT; i++)
		for (int d = 0; d < 2; d++)
			assert_non_null(http_anomaly_name(i, d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curl_get),
		cmocka_unit_test(test_curl_head),
		cmocka_unit_test(test_curl_404_path),
		cmocka_unit_test(test_uri_normalize),
		cmocka_unit_test(test_host_normalize),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_chunked_invalid),
		cmocka_unit_test(test_gzip_deflate),
		cmocka_unit_test(test_gzip_corrupt),
		cmocka_unit_test(test_gzip_bomb),
		cmocka_unit_test(test_large_stream),
		cmocka_unit_test(test_smuggling),
		cmocka_unit_test(test_304_204_1xx),
		cmocka_unit_test(test_connection_close_body),
		cmocka_unit_test(test_connect_tunnel),
		cmocka_unit_test(test_websocket_upgrade),
		cmocka_unit_test(test_http09),
		cmocka_unit_test(test_headers_and_host),
		cmocka_unit_test(test_host_anomalies),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_response),
		cmocka_unit_test(test_many_headers_and_leading_crlf),
		cmocka_unit_test(test_truncated_and_unsolicited),
		cmocka_unit_test(test_pipeline_limit),
		cmocka_unit_test(test_anomaly_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

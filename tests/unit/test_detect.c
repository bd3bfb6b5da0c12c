// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/mpm.c and inspect/detect.c: rules behind the
 * Hyperscan prefilter fire exactly when their confirmation holds, per
 * buffer and direction, once per run; rules without a literal are still
 * evaluated; IP-only rules stay out of the engine; a stream scanned piece by
 * piece finds literals and chains that straddle pieces, and leaves anchored
 * rules to the start of the stream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "inspect/detect.h"

static const char RULES[] =
	"alert http any any -> any any (msg:\"host\"; flow:to_server; http.host; "
	"content:\"evil.example\"; endswith; sid:1;)\n"
	"alert tcp any any -> any any (msg:\"chain\"; content:\"MAGIC\"; content:\"END\"; "
	"distance:0; within:10; sid:2;)\n"
	"alert tcp any any -> any any (msg:\"pcre only\"; pcre:\"/x[0-9]{4}y/\"; sid:3;)\n"
	"alert dns any any -> any any (msg:\"dns\"; dns.query; content:\"bad.example\"; nocase; "
	"sid:4;)\n"
	"alert ip 203.0.113.0/24 any -> any any (msg:\"ip only\"; sid:5;)\n"
	"alert tcp any any -> any any (msg:\"twice\"; content:\"AA\"; sid:6;)\n"
	"alert tcp any any -> any any (msg:\"reply\"; flow:to_client; content:\"SRVMARK\"; "
	"sid:7;)\n"
	"alert tcp any any -> any any (msg:\"anchored\"; content:\"HELO\"; depth:4; sid:8;)\n"
	"alert tcp any any -> any any (msg:\"beacon\"; flow:to_server; content:\"BEACON-\"; "
	"content:\"CMD\"; distance:0; within:20; sid:9;)\n"
	"alert tcp any any -> any any (msg:\"logged in\"; flow:to_server; content:\"LOGIN ok\"; "
	"flowbits:set,auth; flowbits:noalert; sid:10;)\n"
	"alert tcp any any -> any any (msg:\"secret after login\"; flow:to_client; "
	"content:\"SECRET\"; flowbits:isset,auth; sid:11;)\n"
	/* the checker comes first in the file: the setter must still run first */
	"alert tcp any any -> any any (msg:\"zap checked\"; content:\"ZAPZAP\"; "
	"flowbits:isset,zap; "
	"sid:12;)\n"
	"alert tcp any any -> any any (msg:\"zap set\"; content:\"ARMED\"; flowbits:set,zap; "
	"flowbits:noalert; sid:13;)\n";

struct hits {
	uint32_t sid[16];
	size_t n;
};

static void collect(const struct rule *r, void *ctx)
{
	struct hits *h = ctx;

	h->sid[h->n++] = r->sid;
}

struct env {
	struct ruleset *rs;
	struct detect_engine *e;
	struct detect_thread *t;
};

static int setup(void **state)
{
	static struct env env;
	char why[200];

	env.rs = ruleset_new(NULL, NULL, NULL);
	if (!env.rs || ruleset_load(env.rs, RULES, sizeof(RULES) - 1, "t.rules") < 0)
		return -1;
	env.e = detect_build(env.rs, why, sizeof(why));
	env.t = env.e ? detect_thread_new(env.e) : NULL;
	*state = &env;
	return env.t ? 0 : -1;
}

static int teardown(void **state)
{
	struct env *env = *state;

	detect_thread_free(env->t);
	detect_free(env->e);
	ruleset_free(env->rs);
	return 0;
}

static struct hits run_fb(struct env *env, enum rule_buffer b, const char *s, int to_server,
			  struct flowbits *fb)
{
	struct confirm_bufs bufs = {.to_server = to_server, .established = 1, .fb = fb};
	struct hits h = {.n = 0};
	size_t n;

	bufs.p[b] = (const uint8_t *)s;
	bufs.len[b] = strlen(s);
	bufs.dsize = (uint32_t)strlen(s);
	n = detect_run(env->e, env->t, &bufs, collect, &h);
	assert_int_equal(n, h.n);
	return h;
}

static struct hits run_dir(struct env *env, enum rule_buffer b, const char *s, int to_server)
{
	return run_fb(env, b, s, to_server, NULL);
}

static struct hits run(struct env *env, enum rule_buffer b, const char *s)
{
	return run_dir(env, b, s, 1);
}

static void test_stats(void **state)
{
	struct env *env = *state;
	struct detect_stats st;

	detect_stats(env->e, &st);
	assert_int_equal(st.rules, 12);
	assert_int_equal(st.ip_only, 1);
	assert_int_equal(st.literals, 11);
	assert_int_equal(st.flowbits, 2);
	assert_int_equal(st.no_literal, 1);
	assert_true(st.stream_state > 0);
}

static void test_buffers(void **state)
{
	struct env *env = *state;
	struct hits h;

	h = run(env, RULE_BUF_HTTP_HOST, "www.evil.example");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 1);
	/* the literal alone is not enough: endswith fails */
	assert_int_equal(run(env, RULE_BUF_HTTP_HOST, "evil.example.org").n, 0);
	/* the same bytes in another buffer do not fire the host rule */
	assert_int_equal(run(env, RULE_BUF_PAYLOAD, "www.evil.example").n, 0);
	h = run(env, RULE_BUF_DNS_QUERY, "www.BAD.example");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 4);
}

static void test_payload_rules(void **state)
{
	struct env *env = *state;
	struct hits h;

	h = run(env, RULE_BUF_PAYLOAD, "..MAGIC...END..");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 2);
	assert_int_equal(run(env, RULE_BUF_PAYLOAD, "..MAGIC............END..").n, 0);
	h = run(env, RULE_BUF_PAYLOAD, "zzx1234yzz");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 3);
	/* one alert per rule and run, however often the literal occurs */
	h = run(env, RULE_BUF_PAYLOAD, "AA AA AA AA");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 6);
	assert_int_equal(run(env, RULE_BUF_PAYLOAD, "nothing here").n, 0);
}

/* flow:to_client rules are only in the to-client databases, and the reverse. */
static void test_directions(void **state)
{
	struct env *env = *state;
	struct hits h;

	assert_int_equal(run_dir(env, RULE_BUF_PAYLOAD, "..SRVMARK..", 1).n, 0);
	h = run_dir(env, RULE_BUF_PAYLOAD, "..SRVMARK..", 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 7);
	assert_int_equal(run_dir(env, RULE_BUF_PAYLOAD, "BEACON-CMD", 0).n, 0);
	h = run_dir(env, RULE_BUF_PAYLOAD, "BEACON-CMD", 1);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 9);
}

/* A stream window as the engine keeps one: all of the stream here, from win_start. */
struct window {
	char buf[512];
	size_t len;
	uint64_t start;
};

static struct hits feed(struct env *env, struct detect_stream *ds, struct window *w,
			const char *piece)
{
	struct confirm_bufs bufs = {.to_server = 1, .established = 1};
	struct hits h = {.n = 0};
	size_t n = strlen(piece);
	size_t hits;

	memcpy(w->buf + w->len, piece, n);
	w->len += n;
	bufs.p[RULE_BUF_PAYLOAD] = (const uint8_t *)w->buf;
	bufs.len[RULE_BUF_PAYLOAD] = w->len;
	bufs.dsize = (uint32_t)n;
	hits = detect_stream_run(env->e, env->t, ds, n, w->start, &bufs, collect, &h);
	assert_int_equal(hits, h.n);
	return h;
}

static void test_stream_split(void **state)
{
	struct env *env = *state;
	struct detect_stream *ds = detect_stream_open(env->e, 1);
	struct window w = {.len = 0};
	struct hits h;

	assert_non_null(ds);
	/* the literal straddles the first two pieces; the chain ends in the third */
	assert_int_equal(feed(env, ds, &w, "xxBEA").n, 0);
	assert_int_equal(feed(env, ds, &w, "CON-12").n, 0);
	h = feed(env, ds, &w, "3 CMD");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 9);
	detect_stream_close(ds);
}

static void test_stream_anchored(void **state)
{
	struct env *env = *state;
	struct detect_stream *ds = detect_stream_open(env->e, 1);
	struct window w = {.len = 0};
	struct hits h;

	/* at the stream's start, depth counts from its first byte */
	h = feed(env, ds, &w, "HE");
	assert_int_equal(h.n, 0);
	h = feed(env, ds, &w, "LO there");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 8);
	detect_stream_close(ds);

	/* mid-stream the window's start is not the stream's: no anchored match */
	ds = detect_stream_open(env->e, 1);
	w = (struct window){.len = 0, .start = 8192};
	assert_int_equal(feed(env, ds, &w, "HELO again").n, 0);
	/* while unanchored rules still match there */
	h = feed(env, ds, &w, " ..MAGIC.END");
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 2);
	detect_stream_close(ds);
}

/* No stream for a direction without payload literals is a valid answer; here both have some. */
static void test_stream_directions(void **state)
{
	struct env *env = *state;
	struct detect_stream *ds = detect_stream_open(env->e, 0);
	struct confirm_bufs bufs = {.to_server = 0, .established = 1};
	struct hits h = {.n = 0};
	const char *s = "SRVMARK BEACON-CMD";

	assert_non_null(ds);
	bufs.p[RULE_BUF_PAYLOAD] = (const uint8_t *)s;
	bufs.len[RULE_BUF_PAYLOAD] = strlen(s);
	detect_stream_run(env->e, env->t, ds, strlen(s), 0, &bufs, collect, &h);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 7);
	detect_stream_close(ds);
}

/* A bit set by a noalert rule on the request lets a rule on the reply fire. */
static void test_flowbits(void **state)
{
	struct env *env = *state;
	struct flowbits fb = {.n = 0};
	struct hits h;

	/* without the bit, the reply rule does not fire */
	assert_int_equal(run_fb(env, RULE_BUF_PAYLOAD, "SECRET data", 0, &fb).n, 0);
	/* the setter matches silently */
	assert_int_equal(run_fb(env, RULE_BUF_PAYLOAD, "LOGIN ok", 1, &fb).n, 0);
	assert_int_equal(fb.n, 1);
	h = run_fb(env, RULE_BUF_PAYLOAD, "SECRET data", 0, &fb);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 11);
	/* setter and checker on the same data: the setter first, whatever the file order */
	fb = (struct flowbits){.n = 0};
	h = run_fb(env, RULE_BUF_PAYLOAD, "..ZAPZAP..ARMED", 1, &fb);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.sid[0], 12);
	/* no flow state at all: isset never holds */
	assert_int_equal(run_dir(env, RULE_BUF_PAYLOAD, "..ZAPZAP..ARMED", 1).n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_payload_rules),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_stream_split),
		cmocka_unit_test(test_stream_anchored),
		cmocka_unit_test(test_stream_directions),
		cmocka_unit_test(test_flowbits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

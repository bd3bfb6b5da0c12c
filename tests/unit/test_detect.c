// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/mpm.c and inspect/detect.c: rules behind the
 * Hyperscan prefilter fire exactly when their confirmation holds, per
 * buffer, once per run; rules without a literal are still evaluated;
 * IP-only rules stay out of the engine.
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
	"alert tcp any any -> any any (msg:\"twice\"; content:\"AA\"; sid:6;)\n";

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

static struct hits run(struct env *env, enum rule_buffer b, const char *s)
{
	struct confirm_bufs bufs = {.to_server = 1, .established = 1};
	struct hits h = {.n = 0};
	size_t n;

	bufs.p[b] = (const uint8_t *)s;
	bufs.len[b] = strlen(s);
	bufs.dsize = (uint32_t)strlen(s);
	n = detect_run(env->e, env->t, &bufs, collect, &h);
	assert_int_equal(n, h.n);
	return h;
}

static void test_stats(void **state)
{
	struct env *env = *state;
	struct detect_stats st;

	detect_stats(env->e, &st);
	assert_int_equal(st.rules, 5);
	assert_int_equal(st.ip_only, 1);
	assert_int_equal(st.literals, 4);
	assert_int_equal(st.no_literal, 1);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_payload_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

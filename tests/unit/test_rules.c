// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/rule*.c and inspect/ruleset.c: every supported
 * keyword with its exact AST, variables, lists and negations, content
 * encoding, legacy modifiers, the prefilter choice, refusals, and the
 * ruleset loader (comments, continuation lines, skip report). Every buffer
 * handed to a parser is an exact-size heap copy (no NUL after it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule.h"
#include "inspect/ruleset.h"

/* ---- helpers ----------------------------------------------------------- */

static char *exact_copy(const char *text, size_t len)
{
	char *buf = malloc(len ? len : 1);

	assert_non_null(buf);
	memcpy(buf, text, len);
	return buf;
}

static enum rule_status parse_env(const char *text, const struct rule_env *env, struct rule **r,
				  struct rule_error *err)
{
	char *buf = exact_copy(text, strlen(text));
	enum rule_status st = rule_parse(buf, strlen(text), env, r, err);

	free(buf);
	return st;
}

static struct rule *parse_ok(const char *text)
{
	struct rule_error err;
	struct rule *r = NULL;

	if (parse_env(text, NULL, &r, &err) != RULE_OK)
		fail_msg("refused (%d): %s\n  rule: %s", err.status, err.reason, text);
	assert_non_null(r);
	return r;
}

static void assert_refused(const char *text, enum rule_status st, const char *keyword,
			   const char *reason)
{
	struct rule_error err;
	struct rule *r = (struct rule *)1;

	assert_int_equal(parse_env(text, NULL, &r, &err), st);
	assert_null(r);
	assert_int_equal(err.status, st);
	assert_string_equal(err.keyword, keyword);
	assert_string_equal(err.reason, reason);
}

#define HDR "alert tcp any any -> any any "

static const struct rule_match *match_in(const struct rule *r, enum rule_buffer b, uint32_t i)
{
	const struct rule_group *g = rule_group_find(r, b);

	if (!g || i >= g->n)
		fail_msg("no item %u in buffer %s", i, rule_buffer_name(b));
	return &g->m[i];
}

static void assert_bytes(const struct rule_match *m, const char *want, size_t len)
{
	assert_int_equal(m->len, len);
	assert_memory_equal(m->bytes, want, len);
}

static void assert_prefix(const struct rule_addr *a, const char *text, bool negated)
{
	char buf[64];

	ip_prefix_format(&a->prefix, buf, sizeof(buf));
	assert_string_equal(buf, text);
	assert_int_equal(a->negated, negated);
}

static void assert_port(const struct rule_port *p, uint16_t lo, uint16_t hi, bool negated)
{
	assert_int_equal(p->lo, lo);
	assert_int_equal(p->hi, hi);
	assert_int_equal(p->negated, negated);
}

/* ---- header ------------------------------------------------------------ */

static void test_header_basic(void **state)
{
	struct rule *r = parse_ok("alert tcp any any -> any any (msg:\"x\"; sid:1;)");

	assert_int_equal(r->action, RULE_ACTION_ALERT);
	assert_string_equal(r->proto, "tcp");
	assert_int_equal(r->ipproto, RULE_IPPROTO_TCP);
	assert_false(r->app_layer);
	assert_true(r->src.any);
	assert_int_equal(r->src.n, 0);
	assert_true(r->dst.any);
	assert_true(r->sport.any);
	assert_true(r->dport.any);
	assert_int_equal(r->dir, RULE_DIR_ONEWAY);
	assert_int_equal(r->sid, 1);
	assert_int_equal(r->gid, 1);
	assert_int_equal(r->rev, 0);
	assert_int_equal(r->priority, 3);
	assert_true(r->ip_only);
	rule_free(r);
}

static void test_header_actions_protos(void **state)
{
	static const struct {
		const char *text;
		enum rule_action action;
		const char *proto;
		uint8_t ipproto;
		bool app;
	} cases[] = {
		{"drop udp any any <> any any (sid:2;)", RULE_ACTION_DROP, "udp", RULE_IPPROTO_UDP,
		 false},
		{"reject icmp any any -> any any (sid:3;)", RULE_ACTION_REJECT, "icmp",
		 RULE_IPPROTO_ICMP, false},
		{"pass ip any any -> any any (sid:4;)", RULE_ACTION_PASS, "ip", RULE_IPPROTO_ANY,
		 false},
		{"alert HTTP any any -> any any (sid:5;)", RULE_ACTION_ALERT, "http",
		 RULE_IPPROTO_TCP, true},
		{"alert tls any any -> any any (sid:6;)", RULE_ACTION_ALERT, "tls",
		 RULE_IPPROTO_TCP, true},
		{"alert dns any any -> any any (sid:7;)", RULE_ACTION_ALERT, "dns",
		 RULE_IPPROTO_ANY, true},
		{"alert smtp any any -> any any (sid:8;)", RULE_ACTION_ALERT, "smtp",
		 RULE_IPPROTO_TCP, true},
		{"alert ftp any any -> any any (sid:9;)", RULE_ACTION_ALERT, "ftp",
		 RULE_IPPROTO_TCP, true},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rule *r = parse_ok(cases[i].text);

		assert_int_equal(r->action, cases[i].action);
		assert_string_equal(r->proto, cases[i].proto);
		assert_int_equal(r->ipproto, cases[i].ipproto);
		assert_int_equal(r->app_layer, cases[i].app);
		assert_int_equal(r->ip_only, !cases[i].app);
		rule_free(r);
	}
	{
		struct rule *r = parse_ok("drop udp any any <> any any (sid:2;)");

		assert_int_equal(r->dir, RULE_DIR_BOTH);
		rule_free(r);
	}
}

static void test_header_default_vars(void **state)
{
	struct rule *r = parse_ok(
		"alert http $EXTERNAL_NET any -> $HTTP_SERVERS $HTTP_PORTS (msg:\"v\"; sid:10;)");

	/* $EXTERNAL_NET = !$HOME_NET: the three RFC 1918 networks, negated. */
	assert_false(r->src.any);
	assert_int_equal(r->src.n, 3);
	assert_prefix(&r->src.e[0], "192.168.0.0/16", true);
	assert_prefix(&r->src.e[1], "10.0.0.0/8", true);
	assert_prefix(&r->src.e[2], "172.16.0.0/12", true);
	assert_int_equal(r->dst.n, 3);
	assert_prefix(&r->dst.e[0], "192.168.0.0/16", false);
	assert_int_equal(r->dport.n, 1);
	assert_port(&r->dport.e[0], 80, 80, false);
	assert_false(r->ip_only);
	rule_free(r);
}

static void test_header_caller_vars(void **state)
{
	static const struct rule_var vars[] = {
		{"HOME_NET", "[10.1.0.0/16,2001:db8::/32]"},
		{"HTTP_PORTS", "[80,8080:8090]"},
		{"LOOP", "$LOOP"},
	};
	struct rule_vars v = {vars, 3, true};
	struct rule_env env = {.vars = &v};
	struct rule_error err;
	struct rule *r;

	assert_int_equal(parse_env("alert tcp $EXTERNAL_NET any -> $HOME_NET $HTTP_PORTS (sid:1;)",
				   &env, &r, &err),
			 RULE_OK);
	assert_int_equal(r->src.n, 2);
	assert_prefix(&r->src.e[0], "10.1.0.0/16", true);
	assert_prefix(&r->src.e[1], "2001:db8::/32", true);
	assert_int_equal(r->dst.e[1].prefix.family, 6);
	assert_int_equal(r->dport.n, 2);
	assert_port(&r->dport.e[0], 80, 80, false);
	assert_port(&r->dport.e[1], 8080, 8090, false);
	rule_free(r);
	/* A variable defined in terms of itself ends, refused. */
	assert_int_equal(parse_env("alert tcp $LOOP any -> any any (sid:1;)", &env, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_string_equal(err.reason, "header: address or port nesting too deep");
	assert_int_equal(parse_env("alert tcp $NOPE any -> any any (sid:1;)", &env, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_string_equal(err.reason, "header: undefined variable $NOPE");
	/* Without defaults, $HTTP_SERVERS is unknown. */
	v.use_defaults = false;
	assert_int_equal(
		parse_env("alert tcp any any -> $HTTP_SERVERS any (sid:1;)", &env, &r, &err),
		RULE_ERR_SYNTAX);
}

static void test_header_lists_negation(void **state)
{
	struct rule *r = parse_ok("alert ip [1.2.3.4, !5.6.7.0/24, [8.8.8.8,![9.9.9.9]]] "
				  "![1:1023,!80] -> !1.1.1.1 [:100, 2000:, 443] (sid:11;)");

	assert_int_equal(r->src.n, 4);
	assert_prefix(&r->src.e[0], "1.2.3.4", false);
	assert_prefix(&r->src.e[1], "5.6.7.0/24", true);
	assert_prefix(&r->src.e[2], "8.8.8.8", false);
	assert_prefix(&r->src.e[3], "9.9.9.9", true);
	/* ![1:1023,!80]: outside 1..1023, or 80. */
	assert_int_equal(r->sport.n, 2);
	assert_port(&r->sport.e[0], 1, 1023, true);
	assert_port(&r->sport.e[1], 80, 80, false);
	assert_int_equal(r->dst.n, 1);
	assert_prefix(&r->dst.e[0], "1.1.1.1", true);
	assert_int_equal(r->dport.n, 3);
	assert_port(&r->dport.e[0], 0, 100, false);
	assert_port(&r->dport.e[1], 2000, 65535, false);
	assert_port(&r->dport.e[2], 443, 443, false);
	assert_false(r->ip_only); /* ports are named */
	rule_free(r);
}

static void test_header_cidr_masked_ipv6(void **state)
{
	struct rule *r =
		parse_ok("alert ip [10.1.2.3/8,2001:db8::1/64,::1] any -> any any (sid:1;)");

	assert_int_equal(r->src.n, 3);
	assert_prefix(&r->src.e[0], "10.0.0.0/8", false);
	assert_prefix(&r->src.e[1], "2001:db8::/64", false);
	assert_prefix(&r->src.e[2], "::1", false);
	assert_true(r->ip_only);
	rule_free(r);
}

static void test_header_errors(void **state)
{
	assert_refused("alert tcp any any -> any 70000 (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: bad port \"70000\"");
	assert_refused("alert tcp any any -> any 90:80 (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: bad port range \"90:80\"");
	assert_refused("alert tcp any x -> any any (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: bad port \"x\"");
	assert_refused("alert tcp 1.2.3.256 any -> any any (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: bad address \"1.2.3.256\"");
	assert_refused("alert tcp any any => any any (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: bad direction \"=>\"");
	assert_refused("block tcp any any -> any any (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: unknown action \"block\"");
	assert_refused("alert foo any any -> any any (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: unknown protocol \"foo\"");
	assert_refused("alert tcp any any -> any (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: header has 6 fields, want 7");
	assert_refused("alert tcp [1.1.1.1 any -> any any (sid:1;)", RULE_ERR_SYNTAX, "header",
		       "header: unbalanced '[' in header");
}

/* ---- meta keywords ----------------------------------------------------- */

static void test_meta_keywords(void **state)
{
	struct rule *r = parse_ok(
		HDR "(msg:\"ET TEST a\\;b \\\"q\\\"\"; reference:url,example.com/a,b; "
		    "reference:cve,2021-44228; classtype:trojan-activity; gid:3; sid:2000001; "
		    "rev:7; priority:2; target:dest_ip; metadata:affected_product Windows, "
		    "signature_severity Major, former_category MALWARE, attack_target "
		    "Client_Endpoint;)");

	assert_string_equal(r->msg, "ET TEST a;b \"q\"");
	assert_int_equal(r->n_refs, 2);
	assert_string_equal(r->refs[0].type, "url");
	assert_string_equal(r->refs[0].value, "example.com/a,b");
	assert_string_equal(r->refs[1].type, "cve");
	assert_string_equal(r->refs[1].value, "2021-44228");
	assert_string_equal(r->classtype, "trojan-activity");
	assert_null(r->class_desc); /* no table given */
	assert_int_equal(r->gid, 3);
	assert_int_equal(r->sid, 2000001);
	assert_int_equal(r->rev, 7);
	assert_int_equal(r->priority, 2);
	assert_int_equal(r->target, RULE_TARGET_DST);
	assert_int_equal(r->n_meta, 4);
	assert_string_equal(r->meta[0].key, "affected_product");
	assert_string_equal(r->meta[0].value, "Windows");
	assert_string_equal(r->meta[1].key, "signature_severity");
	assert_string_equal(r->meta[1].value, "Major");
	assert_string_equal(r->meta[2].key, "former_category");
	assert_string_equal(r->meta[2].value, "MALWARE");
	assert_string_equal(r->meta[3].key, "attack_target");
	assert_string_equal(r->meta[3].value, "Client_Endpoint");
	rule_free(r);
}

static const char classification[] =
	"# comment\n"
	"config classification: not-suspicious,Not Suspicious Traffic,3\n"
	"\n"
	"config classification: trojan-activity,A Network Trojan was detected, 1\r\n";

static void test_classtype_table(void **state)
{
	struct rule_classes cl = {0};
	struct rule_env env = {.classes = &cl};
	struct rule_error err;
	unsigned int line = 0;
	struct rule *r;
	char *buf = exact_copy(classification, strlen(classification));

	assert_int_equal(rule_classes_parse(&cl, buf, strlen(classification), &line), 2);
	free(buf);
	assert_string_equal(cl.c[1].name, "trojan-activity");
	assert_string_equal(cl.c[1].desc, "A Network Trojan was detected");
	assert_int_equal(cl.c[1].priority, 1);
	assert_int_equal(parse_env(HDR "(classtype:trojan-activity; sid:1;)", &env, &r, &err),
			 RULE_OK);
	assert_string_equal(r->class_desc, "A Network Trojan was detected");
	assert_int_equal(r->priority, 1);
	rule_free(r);
	/* An explicit priority wins, before or after the classtype. */
	assert_int_equal(
		parse_env(HDR "(priority:4; classtype:trojan-activity; sid:1;)", &env, &r, &err),
		RULE_OK);
	assert_int_equal(r->priority, 4);
	rule_free(r);
	assert_int_equal(parse_env(HDR "(classtype:nope; sid:5;)", &env, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_string_equal(err.reason, "classtype: unknown classtype \"nope\"");
	buf = exact_copy("config classification: x,y\n", 27);
	assert_int_equal(rule_classes_parse(&cl, buf, 27, &line), -1);
	assert_int_equal(line, 1);
	free(buf);
	rule_classes_free(&cl);
}

/* ---- content ----------------------------------------------------------- */

static void test_content_hex_escapes(void **state)
{
	struct rule *r = parse_ok(HDR "(content:\"GET |20 2f|a\\;b\\\"c\\\\d\\:|0D0a|\"; sid:1;)");
	const struct rule_match *m = match_in(r, RULE_BUF_PAYLOAD, 0);

	assert_int_equal(m->kind, RULE_MATCH_CONTENT);
	assert_bytes(m, "GET  /a;b\"c\\d:\r\n", 16);
	assert_false(m->negated);
	assert_false(m->nocase);
	assert_false(r->ip_only);
	rule_free(r);
	r = parse_ok(HDR "(content:\"|00 ff|\"; sid:1;)");
	assert_bytes(match_in(r, RULE_BUF_PAYLOAD, 0), "\0\xff", 2);
	rule_free(r);
}

static void test_content_modifiers(void **state)
{
	struct rule *r = parse_ok(HDR "(content:\"abc\"; nocase; offset:2; depth:10; "
				      "content:!\"xyz\"; distance:-3; within:20; "
				      "content:\"q\"; startswith; content:\"end\"; endswith; "
				      "fast_pattern; sid:1;)");
	const struct rule_match *m;

	m = match_in(r, RULE_BUF_PAYLOAD, 0);
	assert_bytes(m, "abc", 3);
	assert_true(m->nocase);
	assert_true(m->has_offset && m->has_depth);
	assert_int_equal(m->offset, 2);
	assert_int_equal(m->depth, 10);
	assert_false(m->has_distance || m->has_within || m->relative);
	m = match_in(r, RULE_BUF_PAYLOAD, 1);
	assert_bytes(m, "xyz", 3);
	assert_true(m->negated);
	assert_true(m->relative);
	assert_int_equal(m->distance, -3);
	assert_int_equal(m->within, 20);
	m = match_in(r, RULE_BUF_PAYLOAD, 2);
	assert_true(m->startswith);
	assert_false(m->endswith);
	m = match_in(r, RULE_BUF_PAYLOAD, 3);
	assert_true(m->endswith);
	assert_true(m->fast_pattern);
	assert_false(m->fp_only);
	assert_ptr_equal(r->prefilter.match, m);
	rule_free(r);
}

static void test_fast_pattern_forms(void **state)
{
	struct rule *r = parse_ok(HDR "(content:\"abcdefgh\"; fast_pattern:2,3; sid:1;)");

	assert_true(r->prefilter.match->fp_chop);
	assert_int_equal(r->prefilter.len, 3);
	assert_memory_equal(r->prefilter.bytes, "cde", 3);
	assert_false(r->prefilter.only);
	rule_free(r);
	r = parse_ok(HDR "(content:\"longer one\"; content:\"ab\"; nocase; fast_pattern:only; "
			 "sid:1;)");
	assert_int_equal(r->prefilter.len, 2);
	assert_true(r->prefilter.only);
	assert_true(r->prefilter.nocase);
	rule_free(r);
	assert_refused(HDR "(content:\"a\"; fast_pattern; content:\"b\"; fast_pattern; sid:9;)",
		       RULE_ERR_SYNTAX, "fast_pattern", "fast_pattern: fast_pattern given twice");
	assert_refused(HDR "(content:\"abc\"; fast_pattern:2,5; sid:9;)", RULE_ERR_SYNTAX,
		       "fast_pattern", "fast_pattern: fast_pattern chop outside the content");
}

static void test_content_errors(void **state)
{
	assert_refused(HDR "(content:\"abc; sid:1;)", RULE_ERR_SYNTAX, "content",
		       "content: content must be a quoted string (unbalanced quotes?)");
	assert_refused(HDR "(content:\"|4|\"; sid:1;)", RULE_ERR_SYNTAX, "content",
		       "content: odd number of hex digits");
	assert_refused(HDR "(content:\"|41 zz|\"; sid:1;)", RULE_ERR_SYNTAX, "content",
		       "content: bad hex character 'z'");
	assert_refused(HDR "(content:\"|41\"; sid:1;)", RULE_ERR_SYNTAX, "content",
		       "content: unterminated |hex| in content");
	assert_refused(HDR "(content:\"a\\x\"; sid:1;)", RULE_ERR_SYNTAX, "content",
		       "content: bad escape in content");
	assert_refused(HDR "(content:\"\"; sid:1;)", RULE_ERR_SYNTAX, "content",
		       "content: empty content");
	assert_refused(HDR "(nocase; sid:1;)", RULE_ERR_SYNTAX, "nocase",
		       "nocase: modifier without a preceding content");
	assert_refused(HDR "(content:\"a\"; depth:x; sid:1;)", RULE_ERR_SYNTAX, "depth",
		       "depth: bad value \"x\"");
	assert_refused(HDR "(content:\"a\"; startswith; offset:1; sid:1;)", RULE_ERR_SYNTAX,
		       "offset", "offset: startswith with offset/depth/distance/within");
	assert_refused(HDR "(content:\"a\"; nocase:1; sid:1;)", RULE_ERR_SYNTAX, "nocase",
		       "nocase: takes no value");
}

/* ---- sticky buffers and legacy modifiers ------------------------------- */

static void test_sticky_buffers(void **state)
{
	static const struct {
		const char *kw;
		enum rule_buffer buf;
	} cases[] = {
		{"http.uri", RULE_BUF_HTTP_URI},
		{"http.uri.raw", RULE_BUF_HTTP_URI_RAW},
		{"http.host", RULE_BUF_HTTP_HOST},
		{"http.method", RULE_BUF_HTTP_METHOD},
		{"http.user_agent", RULE_BUF_HTTP_USER_AGENT},
		{"http.header", RULE_BUF_HTTP_HEADER},
		{"http.cookie", RULE_BUF_HTTP_COOKIE},
		{"http.request_body", RULE_BUF_HTTP_REQUEST_BODY},
		{"http.response_body", RULE_BUF_HTTP_RESPONSE_BODY},
		{"file.data", RULE_BUF_FILE_DATA},
		{"file_data", RULE_BUF_FILE_DATA},
		{"http.stat_code", RULE_BUF_HTTP_STAT_CODE},
		{"tls.sni", RULE_BUF_TLS_SNI},
		{"tls_sni", RULE_BUF_TLS_SNI},
		{"dns.query", RULE_BUF_DNS_QUERY},
		{"dns_query", RULE_BUF_DNS_QUERY},
		{"http.header_names", RULE_BUF_HTTP_HEADER_NAMES},
		{"http.content_type", RULE_BUF_HTTP_CONTENT_TYPE},
		{"http.referer", RULE_BUF_HTTP_REFERER},
	};
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rule *r;

		snprintf(text, sizeof(text), HDR "(%s; content:\"v\"; sid:1;)", cases[i].kw);
		r = parse_ok(text);
		assert_int_equal(r->n_groups, 1);
		assert_int_equal(r->groups[0].buf, cases[i].buf);
		assert_int_equal(r->groups[0].n, 1);
		assert_int_equal(r->groups[0].m[0].buf, cases[i].buf);
		rule_free(r);
	}
}

static void test_sticky_order_and_attrs(void **state)
{
	struct rule *r = parse_ok(
		"alert http any any -> any any (flow:established,to_server; http.method; "
		"content:\"POST\"; http.uri; content:\"/a\"; startswith; http.header; "
		"content:\"X-Y\"; http.uri; content:\"b\"; distance:0; pkt_data; content:\"raw\"; "
		"dns.query; dotprefix; bsize:<20; content:\".evil.com\"; endswith; sid:1;)");

	assert_int_equal(r->n_groups, 5);
	assert_int_equal(r->groups[0].buf, RULE_BUF_HTTP_METHOD);
	assert_int_equal(r->groups[1].buf, RULE_BUF_HTTP_URI);
	assert_int_equal(r->groups[1].n, 2);
	assert_bytes(&r->groups[1].m[0], "/a", 2);
	assert_bytes(&r->groups[1].m[1], "b", 1);
	assert_true(r->groups[1].m[1].relative);
	assert_int_equal(r->groups[2].buf, RULE_BUF_HTTP_HEADER);
	assert_int_equal(r->groups[3].buf, RULE_BUF_PAYLOAD);
	assert_int_equal(r->groups[4].buf, RULE_BUF_DNS_QUERY);
	assert_true(r->groups[4].dotprefix);
	assert_int_equal(r->groups[4].bsize.op, RULE_CMP_LT);
	assert_int_equal(r->groups[4].bsize.lo, 20);
	assert_false(r->groups[1].dotprefix);
	assert_int_equal(r->groups[1].bsize.op, RULE_CMP_NONE);
	assert_int_equal(r->n_matches, 6);
	/* Application buffer, longest: ".evil.com". */
	assert_int_equal(r->prefilter.buf, RULE_BUF_DNS_QUERY);
	assert_int_equal(r->prefilter.len, 9);
	rule_free(r);
	assert_refused(HDR "(bsize:10; sid:1;)", RULE_ERR_SYNTAX, "bsize",
		       "bsize: needs a sticky buffer before it");
	assert_refused(HDR "(dotprefix; sid:1;)", RULE_ERR_SYNTAX, "dotprefix",
		       "dotprefix: needs a sticky buffer before it");
	assert_refused(HDR "(http.uri:1; sid:1;)", RULE_ERR_UNSUPPORTED, "http.uri",
		       "sid 1: unsupported keyword http.uri");
}

static void test_legacy_modifiers(void **state)
{
	static const struct {
		const char *kw;
		enum rule_buffer buf;
	} cases[] = {
		{"http_uri", RULE_BUF_HTTP_URI},
		{"http_raw_uri", RULE_BUF_HTTP_URI_RAW},
		{"http_host", RULE_BUF_HTTP_HOST},
		{"http_method", RULE_BUF_HTTP_METHOD},
		{"http_user_agent", RULE_BUF_HTTP_USER_AGENT},
		{"http_header", RULE_BUF_HTTP_HEADER},
		{"http_cookie", RULE_BUF_HTTP_COOKIE},
		{"http_client_body", RULE_BUF_HTTP_REQUEST_BODY},
		{"http_server_body", RULE_BUF_HTTP_RESPONSE_BODY},
		{"http_stat_code", RULE_BUF_HTTP_STAT_CODE},
	};
	char text[256];
	struct rule *r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), HDR "(content:\"v\"; nocase; %s; sid:1;)",
			 cases[i].kw);
		r = parse_ok(text);
		assert_int_equal(r->n_groups, 1);
		assert_int_equal(r->groups[0].buf, cases[i].buf);
		assert_true(r->groups[0].m[0].nocase);
		rule_free(r);
	}
	/* ET's Suricata 5 form: modifiers before and after the buffer keyword. */
	r = parse_ok("alert http $HOME_NET any -> $EXTERNAL_NET any (msg:\"l\"; "
		     "flow:to_server,established; content:\"/count.asp?exe=\"; http_uri; "
		     "content:\"payload\"; content:\"&act=\"; http_uri; distance:0; sid:2013502;)");
	assert_int_equal(r->n_groups, 2);
	assert_int_equal(r->groups[0].buf, RULE_BUF_HTTP_URI);
	assert_int_equal(r->groups[0].n, 2);
	assert_bytes(&r->groups[0].m[1], "&act=", 5);
	assert_true(r->groups[0].m[1].has_distance);
	assert_int_equal(r->groups[1].buf, RULE_BUF_PAYLOAD);
	assert_int_equal(r->prefilter.buf, RULE_BUF_HTTP_URI);
	rule_free(r);
	assert_refused(HDR "(http.uri; content:\"a\"; http_header; sid:4;)", RULE_ERR_SYNTAX,
		       "http_header", "http_header: content already has buffer http.uri");
	assert_refused(HDR "(http_uri; sid:4;)", RULE_ERR_SYNTAX, "http_uri",
		       "http_uri: no content before it");
}

/* ---- pcre and isdataat -------------------------------------------------- */

static void test_pcre(void **state)
{
	struct rule *r = parse_ok(HDR "(content:\"a\"; pcre:\"/^x\\;y\\/z[0-9]+$/smixAEGRBO\"; "
				      "pcre:!\"/q/U\"; http.host; pcre:\"/h/iW\"; sid:1;)");
	const struct rule_match *m = match_in(r, RULE_BUF_PAYLOAD, 1);

	assert_int_equal(m->kind, RULE_MATCH_PCRE);
	assert_string_equal(m->pattern, "^x\\;y\\/z[0-9]+$");
	assert_int_equal(m->pcre_flags, RULE_PCRE_DOTALL | RULE_PCRE_MULTILINE |
						RULE_PCRE_CASELESS | RULE_PCRE_EXTENDED |
						RULE_PCRE_ANCHORED | RULE_PCRE_DOLLAR_END |
						RULE_PCRE_UNGREEDY | RULE_PCRE_RELATIVE |
						RULE_PCRE_RAWBYTES | RULE_PCRE_NO_LIMITS);
	assert_true(m->relative);
	m = match_in(r, RULE_BUF_HTTP_URI, 0);
	assert_string_equal(m->pattern, "q");
	assert_true(m->negated);
	assert_int_equal(m->pcre_flags, 0);
	m = match_in(r, RULE_BUF_HTTP_HOST, 0);
	assert_int_equal(m->pcre_flags, RULE_PCRE_CASELESS);
	rule_free(r);
	/* Every http flag maps to its buffer. */
	{
		static const char flags[] = "UIPQHDMCSYVWZ";
		static const enum rule_buffer bufs[] = {
			RULE_BUF_HTTP_URI,	    RULE_BUF_HTTP_URI_RAW,
			RULE_BUF_HTTP_REQUEST_BODY, RULE_BUF_FILE_DATA,
			RULE_BUF_HTTP_HEADER,	    RULE_BUF_HTTP_HEADER_RAW,
			RULE_BUF_HTTP_METHOD,	    RULE_BUF_HTTP_COOKIE,
			RULE_BUF_HTTP_STAT_CODE,    RULE_BUF_HTTP_STAT_MSG,
			RULE_BUF_HTTP_USER_AGENT,   RULE_BUF_HTTP_HOST,
			RULE_BUF_HTTP_HOST_RAW,
		};
		char text[128];
		size_t i;

		for (i = 0; i < strlen(flags); i++) {
			snprintf(text, sizeof(text), HDR "(pcre:\"/a/%c\"; sid:1;)", flags[i]);
			r = parse_ok(text);
			assert_int_equal(r->groups[0].buf, bufs[i]);
			rule_free(r);
		}
	}
	/* A relative pcre continues the previous item's buffer. */
	r = parse_ok(HDR "(content:\"a\"; http_uri; pcre:\"/b/R\"; sid:1;)");
	assert_int_equal(r->n_groups, 1);
	assert_int_equal(r->groups[0].n, 2);
	rule_free(r);
	assert_refused(HDR "(pcre:\"/a/k\"; sid:1;)", RULE_ERR_SYNTAX, "pcre",
		       "pcre: unknown pcre flag 'k'");
	assert_refused(HDR "(pcre:\"/a/UH\"; sid:1;)", RULE_ERR_SYNTAX, "pcre",
		       "pcre: pcre names two buffers");
	assert_refused(HDR "(http.host; pcre:\"/a/U\"; sid:1;)", RULE_ERR_SYNTAX, "pcre",
		       "pcre: pcre flag U conflicts with sticky buffer http.host");
	assert_refused(HDR "(pcre:\"abc\"; sid:1;)", RULE_ERR_SYNTAX, "pcre",
		       "pcre: pcre must be \"/pattern/flags\"");
	assert_refused(HDR "(pcre:\"/abc\"; sid:1;)", RULE_ERR_SYNTAX, "pcre",
		       "pcre: pcre lacks its closing '/'");
}

static void test_isdataat(void **state)
{
	struct rule *r = parse_ok(HDR "(content:\"a\"; http_uri; isdataat:!1,relative; "
				      "isdataat:50; sid:1;)");
	const struct rule_match *m = match_in(r, RULE_BUF_HTTP_URI, 1);

	assert_int_equal(m->kind, RULE_MATCH_ISDATAAT);
	assert_true(m->negated);
	assert_true(m->relative);
	assert_int_equal(m->offset, 1);
	m = match_in(r, RULE_BUF_PAYLOAD, 0);
	assert_false(m->relative);
	assert_int_equal(m->offset, 50);
	rule_free(r);
}

/* ---- other keywords ---------------------------------------------------- */

static void test_flow(void **state)
{
	static const struct {
		const char *v;
		uint32_t want;
	} cases[] = {
		{"to_server", RULE_FLOW_TO_SERVER},
		{"from_client", RULE_FLOW_TO_SERVER},
		{"to_client", RULE_FLOW_TO_CLIENT},
		{"from_server", RULE_FLOW_TO_CLIENT},
		{" established , to_server", RULE_FLOW_ESTABLISHED | RULE_FLOW_TO_SERVER},
		{"not_established", RULE_FLOW_NOT_ESTABLISHED},
		{"stateless", RULE_FLOW_STATELESS},
		{"established,to_server,only_stream",
		 RULE_FLOW_ESTABLISHED | RULE_FLOW_TO_SERVER | RULE_FLOW_ONLY_STREAM},
		{"to_server,established,no_stream",
		 RULE_FLOW_ESTABLISHED | RULE_FLOW_TO_SERVER | RULE_FLOW_NO_STREAM},
	};
	char text[160];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rule *r;

		snprintf(text, sizeof(text), HDR "(flow:%s; sid:1;)", cases[i].v);
		r = parse_ok(text);
		assert_int_equal(r->flow, cases[i].want);
		assert_false(r->ip_only);
		rule_free(r);
	}
	assert_refused(HDR "(flow:to_server,to_client; sid:1;)", RULE_ERR_SYNTAX, "flow",
		       "flow: contradicting flow options");
	assert_refused(HDR "(flow:sideways; sid:1;)", RULE_ERR_SYNTAX, "flow",
		       "flow: unknown flow option \"sideways\"");
}

static void test_sizes(void **state)
{
	struct rule *r = parse_ok(HDR "(dsize:>100; urilen:5<>10,raw; sid:1;)");

	assert_int_equal(r->dsize.op, RULE_CMP_GT);
	assert_int_equal(r->dsize.lo, 100);
	assert_int_equal(r->urilen.op, RULE_CMP_RANGE);
	assert_int_equal(r->urilen.lo, 5);
	assert_int_equal(r->urilen.hi, 10);
	assert_true(r->urilen_raw);
	assert_false(r->ip_only);
	rule_free(r);
	r = parse_ok(HDR "(dsize:0; sid:1;)");
	assert_int_equal(r->dsize.op, RULE_CMP_EQ);
	assert_int_equal(r->dsize.lo, 0);
	rule_free(r);
	r = parse_ok(HDR "(tls.sni; bsize:>=4; sid:1;)");
	assert_int_equal(r->groups[0].bsize.op, RULE_CMP_GE);
	rule_free(r);
	assert_refused(HDR "(dsize:10<>5; sid:1;)", RULE_ERR_SYNTAX, "dsize",
		       "dsize: bad size \"10<>5\"");
}

static void test_tcp_flags(void **state)
{
	struct rule *r = parse_ok(HDR "(flags:S,CE; sid:1;)");

	assert_true(r->tcp_flags.set);
	assert_int_equal(r->tcp_flags.mod, RULE_FLAGS_EXACT);
	assert_int_equal(r->tcp_flags.flags, RULE_TCP_SYN);
	assert_int_equal(r->tcp_flags.ignore, RULE_TCP_CWR | RULE_TCP_ECE);
	assert_false(r->ip_only);
	rule_free(r);
	r = parse_ok(HDR "(flags:+AP; sid:1;)");
	assert_int_equal(r->tcp_flags.mod, RULE_FLAGS_PLUS);
	assert_int_equal(r->tcp_flags.flags, RULE_TCP_ACK | RULE_TCP_PSH);
	rule_free(r);
	r = parse_ok(HDR "(flags:!R; sid:1;)");
	assert_int_equal(r->tcp_flags.mod, RULE_FLAGS_NOT);
	assert_int_equal(r->tcp_flags.flags, RULE_TCP_RST);
	rule_free(r);
	r = parse_ok(HDR "(flags:*FU12; sid:1;)");
	assert_int_equal(r->tcp_flags.mod, RULE_FLAGS_ANY);
	assert_int_equal(r->tcp_flags.flags,
			 RULE_TCP_FIN | RULE_TCP_URG | RULE_TCP_CWR | RULE_TCP_ECE);
	rule_free(r);
	r = parse_ok(HDR "(flags:0; sid:1;)");
	assert_int_equal(r->tcp_flags.flags, 0);
	rule_free(r);
	assert_refused(HDR "(flags:SX; sid:1;)", RULE_ERR_SYNTAX, "flags",
		       "flags: unknown TCP flag 'X'");
}

static void test_threshold(void **state)
{
	struct rule *r = parse_ok("alert ip [1.2.3.4] any -> $HOME_NET any (msg:\"ip\"; "
				  "threshold: type limit, track by_src, seconds 60, count 1; "
				  "sid:2400000;)");

	assert_int_equal(r->threshold.type, RULE_THRESHOLD_LIMIT);
	assert_int_equal(r->threshold.track, RULE_TRACK_BY_SRC);
	assert_int_equal(r->threshold.count, 1);
	assert_int_equal(r->threshold.seconds, 60);
	assert_true(r->ip_only); /* a threshold does not need the inspector */
	rule_free(r);
	r = parse_ok(HDR "(threshold:type both,count 5,seconds 600,track by_dst; sid:1;)");
	assert_int_equal(r->threshold.type, RULE_THRESHOLD_BOTH);
	assert_int_equal(r->threshold.track, RULE_TRACK_BY_DST);
	assert_int_equal(r->threshold.count, 5);
	rule_free(r);
	r = parse_ok(HDR "(threshold:type threshold,count 5,seconds 6,track by_src; sid:1;)");
	assert_int_equal(r->threshold.type, RULE_THRESHOLD_THRESHOLD);
	rule_free(r);
	assert_refused(HDR "(threshold:type limit, count 1; sid:1;)", RULE_ERR_SYNTAX, "threshold",
		       "threshold: needs type, track, count and seconds");
	assert_refused(HDR "(threshold:type often, track by_src, count 1, seconds 1; sid:1;)",
		       RULE_ERR_SYNTAX, "threshold", "threshold: bad type");
}

/* ---- prefilter choice -------------------------------------------------- */

static void test_prefilter_choice(void **state)
{
	struct rule *r;

	/* An application buffer beats a longer payload content. */
	r = parse_ok(HDR "(content:\"a much longer payload\"; content:\"host\"; http_host; "
			 "sid:1;)");
	assert_int_equal(r->prefilter.buf, RULE_BUF_HTTP_HOST);
	rule_free(r);
	/* http.method ranks below the payload. */
	r = parse_ok(HDR "(http.method; content:\"POST\"; pkt_data; content:\"ab\"; sid:1;)");
	assert_int_equal(r->prefilter.buf, RULE_BUF_PAYLOAD);
	assert_int_equal(r->prefilter.len, 2);
	rule_free(r);
	/* Same class: the longest. */
	r = parse_ok(HDR "(http.uri; content:\"/abc\"; http.header; content:\"X-Long\"; sid:1;)");
	assert_int_equal(r->prefilter.buf, RULE_BUF_HTTP_HEADER);
	rule_free(r);
	/* Same length: the stronger pattern (more distinct bytes). */
	r = parse_ok(HDR "(content:\"aaaa\"; content:\"abcd\"; sid:1;)");
	assert_memory_equal(r->prefilter.bytes, "abcd", 4);
	rule_free(r);
	/* Same everything: the first. */
	r = parse_ok(HDR "(content:\"abcd\"; content:\"efgh\"; sid:1;)");
	assert_memory_equal(r->prefilter.bytes, "abcd", 4);
	rule_free(r);
	/* Negated contents only when there is no other. */
	r = parse_ok(HDR "(content:!\"a long negated one\"; content:\"xy\"; sid:1;)");
	assert_memory_equal(r->prefilter.bytes, "xy", 2);
	rule_free(r);
	r = parse_ok(HDR "(content:!\"neg\"; sid:1;)");
	assert_memory_equal(r->prefilter.bytes, "neg", 3);
	rule_free(r);
	/* No content at all. */
	r = parse_ok(HDR "(pcre:\"/x/\"; sid:1;)");
	assert_null(r->prefilter.match);
	assert_int_equal(r->prefilter.len, 0);
	rule_free(r);
}

/* ---- refusals ---------------------------------------------------------- */

static void test_unsupported(void **state)
{
	assert_refused(HDR "(msg:\"f\"; xbits:set,x,track ip_src; content:\"a\"; sid:2001;)",
		       RULE_ERR_UNSUPPORTED, "xbits", "sid 2001: unsupported keyword xbits");
	assert_refused(HDR "(base64_decode:bytes 4; sid:2002; rev:1;)", RULE_ERR_UNSUPPORTED,
		       "base64_decode", "sid 2002: unsupported keyword base64_decode");
	/* byte_test forms we do not implement: dce, a byte_extract variable */
	assert_refused(HDR "(byte_test:4,>,1000,0,relative,dce; sid:2005;)", RULE_ERR_UNSUPPORTED,
		       "byte_test", "sid 2005: unsupported keyword byte_test");
	assert_refused(HDR "(byte_jump:4,off_var,relative; sid:2006;)", RULE_ERR_UNSUPPORTED,
		       "byte_jump", "sid 2006: unsupported keyword byte_jump");
	assert_refused(HDR "(lua:script.lua; luajit:x; sid:2003;)", RULE_ERR_UNSUPPORTED, "lua",
		       "sid 2003: unsupported keyword lua");
	/* A syntax error after the unsupported keyword still wins. */
	assert_refused(HDR "(xbits:isset,x,track ip_src; sid:2004)", RULE_ERR_SYNTAX, "",
		       "rule: missing ';' after \"sid\"");
}

/* flowbits: operations, names with | and &, noalert; bad forms refused with a reason. */
static void test_flowbits(void **state)
{
	struct rule_error err;
	struct rule *r;

	r = parse_ok(HDR "(flowbits:set,ET.a; flowbits:isset,b|c; flowbits:isnotset,d&e; "
			 "flowbits:noalert; content:\"x\"; sid:1;)");
	assert_int_equal(r->n_flowbits, 3);
	assert_int_equal(r->flowbits[0].op, RULE_FB_SET);
	assert_string_equal(r->flowbits[0].names[0], "ET.a");
	assert_int_equal(r->flowbits[1].op, RULE_FB_ISSET);
	assert_true(r->flowbits[1].any);
	assert_int_equal(r->flowbits[1].n, 2);
	assert_string_equal(r->flowbits[1].names[1], "c");
	assert_int_equal(r->flowbits[2].op, RULE_FB_ISNOTSET);
	assert_false(r->flowbits[2].any);
	assert_true(r->noalert);
	assert_false(r->ip_only);
	rule_free(r);
	/* an address rule that only sets bits is still IP-only (ET's reputation rules) */
	r = parse_ok("alert ip [192.0.2.1] any -> $HOME_NET any (flowbits:set,ET.TorIP; sid:2;)");
	assert_true(r->ip_only);
	rule_free(r);
	r = parse_ok("alert ip [192.0.2.1] any -> $HOME_NET any (flowbits:isset,x; sid:3;)");
	assert_false(r->ip_only);
	rule_free(r);
	assert_int_equal(parse_env(HDR "(flowbits:sett,x; sid:4;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_string_equal(err.reason, "flowbits: unknown operation \"sett\"");
	assert_int_equal(parse_env(HDR "(flowbits:set,a|b; sid:5;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_string_equal(err.reason, "flowbits: '|' only with isset and isnotset");
	assert_int_equal(parse_env(HDR "(flowbits:isset,a b; sid:6;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_int_equal(parse_env(HDR "(flowbits:set,; sid:7;)", NULL, &r, &err), RULE_ERR_SYNTAX);
	assert_int_equal(parse_env(HDR "(flowbits:alert; sid:8;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
}

/* byte_test and byte_jump: every field and option; bad forms refused. */
static void test_byte_keywords(void **state)
{
	struct rule_error err;
	struct rule *r;
	const struct rule_match *m;

	r = parse_ok(HDR "(content:\"ab\"; byte_test:2,!>=,0x100,-1,relative,little,bitmask 0xff0; "
			 "byte_jump:4,2,relative,multiplier 2,align,post_offset -3; "
			 "byte_test:0,=,42,0,string,dec; sid:1;)");
	assert_int_equal(r->n_matches, 4);
	m = &r->matches[1];
	assert_int_equal(m->kind, RULE_MATCH_BYTE_TEST);
	assert_int_equal(m->nbytes, 2);
	assert_int_equal(m->byte_op, RULE_BYTE_GE);
	assert_true(m->negated);
	assert_int_equal(m->value, 0x100);
	assert_int_equal(m->offset, -1);
	assert_true(m->relative);
	assert_true(m->little);
	assert_int_equal(m->bitmask, 0xff0);
	m = &r->matches[2];
	assert_int_equal(m->kind, RULE_MATCH_BYTE_JUMP);
	assert_int_equal(m->multiplier, 2);
	assert_true(m->align);
	assert_int_equal(m->post_offset, -3);
	m = &r->matches[3];
	assert_int_equal(m->nbytes, 0);
	assert_int_equal(m->base, 10);
	assert_int_equal(r->prefilter.len, 2); /* the content, not a byte keyword */
	rule_free(r);
	assert_int_equal(parse_env(HDR "(byte_test:9,=,1,0; sid:2;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_string_equal(err.reason, "byte_test: reads 1 to 8 bytes");
	assert_int_equal(parse_env(HDR "(byte_test:1,~,1,0; sid:3;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_int_equal(parse_env(HDR "(byte_test:1,=,1; sid:4;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_int_equal(parse_env(HDR "(byte_jump:1,0,hex; sid:5;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
	assert_int_equal(
		parse_env(HDR "(byte_jump:1,0,from_end,from_beginning; sid:6;)", NULL, &r, &err),
		RULE_ERR_SYNTAX);
	assert_int_equal(parse_env(HDR "(byte_jump:1,0,warp; sid:7;)", NULL, &r, &err),
			 RULE_ERR_SYNTAX);
}

static void test_malformed(void **state)
{
	assert_refused(HDR "(msg:\"x\"; sid:1)", RULE_ERR_SYNTAX, "",
		       "rule: missing ';' after \"sid\"");
	assert_refused(HDR "(msg:\"x; sid:1;)", RULE_ERR_SYNTAX, "msg", "msg: unbalanced quotes");
	assert_refused(HDR "(msg:\"x\"; sid:1;", RULE_ERR_SYNTAX, "",
		       "rule: options do not end with ')'");
	assert_refused("alert tcp any any -> any any", RULE_ERR_SYNTAX, "",
		       "rule: no '(' starting the options");
	assert_refused(HDR "(msg:\"x\";)", RULE_ERR_SYNTAX, "sid", "sid: missing");
	assert_refused(HDR "(sid:abc;)", RULE_ERR_SYNTAX, "sid", "sid: bad number \"abc\"");
	assert_refused(HDR "(sid:1; :x;)", RULE_ERR_SYNTAX, "", "rule: bad option at \":x;\"");
	assert_refused(HDR "(msg; sid:1;)", RULE_ERR_SYNTAX, "msg", "msg: needs a value");
}

static void test_whitespace_and_exact_buffer(void **state)
{
	/* Leading/trailing blanks, blanks around keywords and values. */
	struct rule *r = parse_ok("  alert tcp any any -> any any ( msg : \"m\" ; content: \"a\" ;"
				  " nocase ; sid : 7 ; )  ");

	assert_string_equal(r->msg, "m");
	assert_int_equal(r->sid, 7);
	assert_true(r->matches[0].nocase);
	rule_free(r);
}

/* ---- ruleset ----------------------------------------------------------- */

struct warns {
	unsigned int n;
	unsigned int line[8];
	char reason[8][200];
	char file[32];
};

static void collect_warn(void *ctx, const char *file, unsigned int line, const struct rule_error *e)
{
	struct warns *w = ctx;

	if (w->n < 8) {
		w->line[w->n] = line;
		snprintf(w->reason[w->n], sizeof(w->reason[0]), "%s", e->reason);
		snprintf(w->file, sizeof(w->file), "%s", file);
	}
	w->n++;
}

static const char rules_text[] =
	"# a comment\n"
	"#alert tcp any any -> any any (msg:\"disabled\"; sid:99;)\n"
	"\n"
	"alert tcp any any -> any any (msg:\"one\"; content:\"a\"; sid:1;)\r\n"
	"alert http any any -> any any (msg:\"two\"; \\\n"
	"    content:\"b\"; http_uri; \\\n"
	"    sid:2;)\n"
	"alert tcp any any -> any any (msg:\"xb\"; xbits:isset,x,track ip_src; sid:3;)\n"
	"alert tcp any any -> any any (msg:\"xb2\"; xbits:set,y,track ip_src; sid:4;)\n"
	"alert tcp any any -> any any (msg:\"b64\"; base64_decode:bytes 4; sid:5;)\n"
	"alert tcp any any -> any any (msg:\"bad\" sid:6;)\n"
	"alert tcp any any -> any any (msg:\"dup\"; sid:1;)\n"
	"  alert ip 1.2.3.4 any -> any any (msg:\"ip\"; sid:7;)";

static void test_ruleset_load(void **state)
{
	struct warns w = {0};
	struct ruleset *rs = ruleset_new(NULL, collect_warn, &w);
	struct ruleset_stats st;
	const char *kw;
	char report[256];
	size_t count, len = strlen(rules_text);
	char *buf = exact_copy(rules_text, len);
	const struct rule *r;

	assert_non_null(rs);
	assert_int_equal(ruleset_load(rs, buf, len, "t.rules"), 3);
	free(buf);
	ruleset_stats(rs, &st);
	assert_int_equal(st.loaded, 3);
	assert_int_equal(st.unsupported, 3);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.ip_only, 1);
	assert_int_equal(ruleset_count(rs), 3);
	r = ruleset_rule(rs, 1);
	assert_int_equal(r->sid, 2);
	assert_int_equal(r->groups[0].buf, RULE_BUF_HTTP_URI);
	assert_ptr_equal(ruleset_find(rs, 1, 2), r);
	assert_null(ruleset_find(rs, 1, 99));
	assert_null(ruleset_find(rs, 2, 2));
	assert_int_equal(ruleset_skip_keywords(rs), 2);
	assert_int_equal(ruleset_skip_keyword(rs, 0, &kw, &count), 0);
	assert_string_equal(kw, "xbits");
	assert_int_equal(count, 2);
	assert_int_equal(ruleset_skip_keyword(rs, 1, &kw, &count), 0);
	assert_string_equal(kw, "base64_decode");
	assert_int_equal(count, 1);
	assert_int_equal(ruleset_skip_keyword(rs, 2, &kw, &count), -1);
	assert_int_equal(ruleset_report(rs, report, sizeof(report)), 77);
	assert_string_equal(report, "3 rules loaded, 3 skipped: xbits 2, base64_decode 1; "
				    "1 malformed; 1 duplicate");
	/* Truncation: NUL-terminated, full length returned. */
	assert_int_equal(ruleset_report(rs, report, 10), 77);
	assert_string_equal(report, "3 rules l");
	assert_int_equal(w.n, 5);
	assert_string_equal(w.file, "t.rules");
	assert_int_equal(w.line[0], 8);
	assert_string_equal(w.reason[0], "sid 3: unsupported keyword xbits");
	assert_int_equal(w.line[3], 11);
	assert_string_equal(w.reason[3], "msg: text after the closing quote (missing ';'?)");
	assert_int_equal(w.line[4], 12);
	assert_string_equal(w.reason[4], "duplicate sid 1:1");
	ruleset_free(rs);
}

static void test_ruleset_continuation_at_eof(void **state)
{
	struct ruleset *rs = ruleset_new(NULL, NULL, NULL);
	const char *text = "alert tcp any any -> any any (sid:1; \\";
	char *buf = exact_copy(text, strlen(text));
	struct ruleset_stats st;

	assert_int_equal(ruleset_load(rs, buf, strlen(text), "x"), 0);
	ruleset_stats(rs, &st);
	assert_int_equal(st.malformed, 1);
	free(buf);
	ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_basic),
		cmocka_unit_test(test_header_actions_protos),
		cmocka_unit_test(test_header_default_vars),
		cmocka_unit_test(test_header_caller_vars),
		cmocka_unit_test(test_header_lists_negation),
		cmocka_unit_test(test_header_cidr_masked_ipv6),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_meta_keywords),
		cmocka_unit_test(test_classtype_table),
		cmocka_unit_test(test_content_hex_escapes),
		cmocka_unit_test(test_content_modifiers),
		cmocka_unit_test(test_fast_pattern_forms),
		cmocka_unit_test(test_content_errors),
		cmocka_unit_test(test_sticky_buffers),
		cmocka_unit_test(test_sticky_order_and_attrs),
		cmocka_unit_test(test_legacy_modifiers),
		cmocka_unit_test(test_pcre),
		cmocka_unit_test(test_isdataat),
		cmocka_unit_test(test_flow),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_prefilter_choice),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_flowbits),
		cmocka_unit_test(test_byte_keywords),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_whitespace_and_exact_buffer),
		cmocka_unit_test(test_ruleset_load),
		cmocka_unit_test(test_ruleset_continuation_at_eof),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

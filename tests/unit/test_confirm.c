// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/confirm.c: Suricata's content semantics on
 * buffers, from rules parsed by inspect/rule_parse.c: offset/depth,
 * distance/within chains (with backtracking), negation, nocase,
 * startswith/endswith, isdataat, pcre (relative, flags), bsize,
 * dotprefix, dsize, flags, flow, the header, and the work budget.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/confirm.h"

/* Does rule text match payload s (to_server, established)? */
static int matches_buf(const char *rule, enum rule_buffer buf, const char *s, size_t len)
{
	struct confirm_bufs b = {.to_server = 1, .established = 1};
	struct rule_error err;
	struct confirm_rule *c;
	struct rule *r = NULL;
	char why[200];
	int rc;

	if (rule_parse(rule, strlen(rule), NULL, &r, &err) != RULE_OK)
		fail_msg("rule refused: %s: %s", rule, err.reason);
	c = confirm_compile(r, why, sizeof(why));
	if (!c)
		fail_msg("compile: %s", why);
	b.p[buf] = (const uint8_t *)s;
	b.len[buf] = len;
	b.dsize = (uint32_t)len;
	rc = confirm_match(c, &b);
	confirm_free(c);
	rule_free(r);
	return rc;
}

static int matches(const char *rule, const char *payload)
{
	return matches_buf(rule, RULE_BUF_PAYLOAD, payload, strlen(payload));
}

#define R(opts) "alert tcp any any -> any any (msg:\"t\"; " opts " sid:1;)"

static void test_offset_depth(void **state)
{
	assert_true(matches(R("content:\"abc\";"), "xxabcxx"));
	assert_false(matches(R("content:\"abd\";"), "xxabcxx"));
	assert_true(matches(R("content:\"abc\"; offset:2;"), "xxabcxx"));
	assert_false(matches(R("content:\"abc\"; offset:3;"), "xxabcxx"));
	assert_true(matches(R("content:\"abc\"; depth:5;"), "xxabcxx"));
	assert_false(matches(R("content:\"abc\"; depth:4;"), "xxabcxx"));
	/* depth counts from the offset */
	assert_true(matches(R("content:\"def\"; offset:3; depth:3;"), "abcdefg"));
	assert_false(matches(R("content:\"def\"; offset:4; depth:3;"), "abcdefg"));
	assert_true(matches(R("content:\"abc\"; startswith;"), "abcdef"));
	assert_false(matches(R("content:\"bcd\"; startswith;"), "abcdef"));
	assert_true(matches(R("content:\"def\"; endswith;"), "abcdef"));
	assert_false(matches(R("content:\"cde\"; endswith;"), "abcdef"));
}

static void test_nocase_hex(void **state)
{
	assert_true(matches(R("content:\"ABC\"; nocase;"), "xabcx"));
	assert_false(matches(R("content:\"ABC\";"), "xabcx"));
	assert_true(matches(R("content:\"|41 42|C\";"), "xABCx"));
}

static void test_distance_within(void **state)
{
	assert_true(matches(R("content:\"ab\"; content:\"cd\"; distance:2;"), "ab..cd"));
	assert_false(matches(R("content:\"ab\"; content:\"cd\"; distance:3;"), "ab..cd"));
	assert_true(matches(R("content:\"ab\"; content:\"cd\"; within:4;"), "ab..cd"));
	assert_false(matches(R("content:\"ab\"; content:\"cd\"; within:3;"), "ab..cd"));
	/* within counts from where distance puts the search */
	assert_true(matches(R("content:\"ab\"; content:\"cd\"; distance:1; within:3;"), "ab..cd"));
	assert_false(matches(R("content:\"ab\"; content:\"cd\"; distance:1; within:2;"), "ab..cd"));
	/* negative distance looks back */
	assert_true(matches(R("content:\"cd\"; content:\"b\"; distance:-3; within:2;"), "abcd"));
	/*
	 * Backtracking: the first "ab" fails the chain, the second satisfies it
	 * ("ab" then "X" right after it).
	 */
	assert_true(matches(R("content:\"ab\"; content:\"X\"; distance:0; within:1;"), "ab..abX"));
	assert_false(matches(R("content:\"ab\"; content:\"X\"; distance:0; within:1;"), "ab.X.ab"));
}

static void test_negation(void **state)
{
	assert_true(matches(R("content:\"GET\"; content:!\"evil\";"), "GET /good"));
	assert_false(matches(R("content:\"GET\"; content:!\"evil\";"), "GET /evil"));
	/* a relative negation only looks in its window */
	assert_true(matches(R("content:\"a\"; content:!\"b\"; distance:0; within:1;"), "ac b"));
	assert_false(matches(R("content:\"a\"; content:!\"b\"; distance:0; within:1;"), "ab"));
}

static void test_isdataat_pcre(void **state)
{
	assert_true(matches(R("content:\"ab\"; isdataat:2,relative;"), "abxyz"));
	assert_false(matches(R("content:\"ab\"; isdataat:3,relative;"), "abxyz"));
	assert_true(matches(R("content:\"ab\"; isdataat:!3,relative;"), "abxyz"));
	assert_true(matches(R("pcre:\"/id=[0-9]{3}&/\";"), "x?id=123&y"));
	assert_false(matches(R("pcre:\"/id=[0-9]{3}&/\";"), "x?id=12&y"));
	assert_true(matches(R("pcre:\"/ID=/i\";"), "x?id=1"));
	assert_true(matches(R("content:\"id=\"; pcre:\"/^[0-9]+/R\";"), "x?id=123"));
	assert_false(matches(R("content:\"id=\"; pcre:\"/^[0-9]+/R\";"), "x?id=a123"));
	assert_true(matches(R("content:\"x\"; pcre:!\"/evil/\";"), "x good"));
	assert_false(matches(R("content:\"x\"; pcre:!\"/evil/\";"), "x evil"));
}

static void test_sticky_buffers(void **state)
{
	const char *r = "alert http any any -> any any (msg:\"t\"; flow:to_server; "
			"http.host; content:\"evil.example\"; endswith; bsize:<20; sid:2;)";
	const char *d = "alert dns any any -> any any (msg:\"t\"; dns.query; dotprefix; "
			"content:\".evil.example\"; endswith; sid:3;)";

	assert_true(matches_buf(r, RULE_BUF_HTTP_HOST, "www.evil.example", 16));
	assert_false(matches_buf(r, RULE_BUF_HTTP_HOST, "a.very.long.evil.example", 24));
	/* the rule's buffer absent: no match, even with the bytes in the payload */
	assert_false(matches_buf(r, RULE_BUF_PAYLOAD, "www.evil.example", 16));
	assert_true(matches_buf(d, RULE_BUF_DNS_QUERY, "evil.example", 12));
	assert_true(matches_buf(d, RULE_BUF_DNS_QUERY, "x.evil.example", 14));
	assert_false(matches_buf(d, RULE_BUF_DNS_QUERY, "notevil.example", 15));
}

static void test_packet_checks(void **state)
{
	const char *rule = "alert tcp $EXTERNAL_NET any -> $HOME_NET 80 (msg:\"t\"; flow:to_server,"
			   "established; dsize:>3; flags:PA; content:\"x\"; sid:4;)";
	struct confirm_bufs b = {.to_server = 1,
				 .established = 1,
				 .dsize = 10,
				 .tcp_flags = RULE_TCP_PSH | RULE_TCP_ACK};
	struct flow_tuple t = {.family = 4, .proto = IPPROTO_TCP, .sport = 40000, .dport = 80};
	struct rule_error err;
	struct confirm_rule *c;
	struct rule *r;
	char why[200];

	assert_int_equal(rule_parse(rule, strlen(rule), NULL, &r, &err), RULE_OK);
	c = confirm_compile(r, why, sizeof(why));
	assert_non_null(c);
	inet_pton(AF_INET, "203.0.113.9", t.saddr);
	inet_pton(AF_INET, "192.168.1.10", t.daddr);
	b.tuple = &t;
	b.p[RULE_BUF_PAYLOAD] = (const uint8_t *)"xxxxxxxxxx";
	b.len[RULE_BUF_PAYLOAD] = 10;
	assert_true(confirm_match(c, &b));
	b.to_server = 0;
	assert_false(confirm_match(c, &b));
	b.to_server = 1;
	b.dsize = 3;
	assert_false(confirm_match(c, &b));
	b.dsize = 10;
	b.tcp_flags = RULE_TCP_ACK;
	assert_false(confirm_match(c, &b));
	b.tcp_flags = RULE_TCP_PSH | RULE_TCP_ACK;
	t.dport = 8080;
	assert_false(confirm_match(c, &b));
	t.dport = 80;
	inet_pton(AF_INET, "10.1.1.1", t.saddr); /* inside $HOME_NET: not external */
	assert_false(confirm_match(c, &b));
	confirm_free(c);
	rule_free(r);
}

static int matches_bytes(const char *rule, const char *payload, size_t len)
{
	return matches_buf(rule, RULE_BUF_PAYLOAD, payload, len);
}

/* byte_test: binary both endians, strings, bitmask, relative, negation. */
static void test_byte_test(void **state)
{
	/* "LEN" then a 2-byte big-endian 0x0102 = 258 */
	static const char p[] = "xxLEN\x01\x02rest";

	assert_true(matches_bytes(R("content:\"LEN\"; byte_test:2,=,258,0,relative;"), p, 10));
	assert_false(matches_bytes(R("content:\"LEN\"; byte_test:2,>,258,0,relative;"), p, 10));
	assert_true(matches_bytes(R("content:\"LEN\"; byte_test:2,!>,258,0,relative;"), p, 10));
	assert_true(matches_bytes(R("byte_test:2,=,0x0201,5,little;"), p, 10));
	assert_true(matches_bytes(R("byte_test:1,&,0x02,6;"), p, 10));
	assert_true(matches_bytes(R("byte_test:2,=,0x1,5,bitmask 0xff00;"), p, 10));
	/* reading past the end fails the rule */
	assert_false(matches_bytes(R("byte_test:4,>,0,8;"), p, 10));
	assert_true(matches(R("content:\"len=\"; byte_test:3,>,100,0,relative,string,dec;"),
			    "len=250;"));
	assert_false(matches(R("content:\"len=\"; byte_test:3,>,100,0,relative,string,dec;"),
			     "len=050;"));
	assert_true(matches(R("byte_test:0,>,4000,0,string,dec;"), "65536"));
	assert_false(matches(R("byte_test:0,>,4000,0,string,dec;"), "abc"));
	assert_true(matches(R("byte_test:2,=,255,0,string,hex;"), "ff"));
}

/* byte_jump moves the cursor that the next relative item starts from. */
static void test_byte_jump(void **state)
{
	/* a 1-byte length 3, three bytes skipped, then "OK" */
	static const char p[] = "H\x03" "abcOK";

	assert_true(matches_bytes(R("content:\"H\"; byte_jump:1,0,relative; content:\"OK\"; "
				    "within:2;"),
				  p, 7));
	assert_false(matches_bytes(R("content:\"H\"; byte_jump:1,0,relative; content:\"ab\"; "
				     "within:2;"),
				   p, 7));
	/* post_offset -2 lands on "bc" */
	assert_true(matches_bytes(R("content:\"H\"; byte_jump:1,0,relative,post_offset -2; "
				    "content:\"bc\"; within:2;"),
				  p, 7));
	/* multiplier 2 jumps 6: past the end */
	assert_false(matches_bytes(R("content:\"H\"; byte_jump:1,0,relative,multiplier 2; "
				     "isdataat:0,relative;"),
				   p, 7));
	/* from_beginning: the jump counts from the buffer's start */
	assert_true(
		matches_bytes(R("byte_jump:1,1,from_beginning; content:\"bc\"; within:2;"), p, 7));
}

/* only_stream rules need the reassembled stream, no_stream rules the packet. */
static void test_stream_flags(void **state)
{
	static const char *const rules[] = {
		R("flow:only_stream; content:\"x\";"),
		R("flow:no_stream; content:\"x\";"),
	};
	struct confirm_bufs b = {.to_server = 1, .established = 1, .dsize = 3};
	int i, stream;

	b.p[RULE_BUF_PAYLOAD] = (const uint8_t *)"axb";
	b.len[RULE_BUF_PAYLOAD] = 3;
	for (i = 0; i < 2; i++) {
		for (stream = 0; stream < 2; stream++) {
			struct rule_error err;
			struct confirm_rule *c;
			struct rule *r = NULL;
			char why[200];

			assert_int_equal(rule_parse(rules[i], strlen(rules[i]), NULL, &r, &err),
					 RULE_OK);
			c = confirm_compile(r, why, sizeof(why));
			b.stream = stream;
			assert_int_equal(confirm_match(c, &b), i == 0 ? stream : !stream);
			confirm_free(c);
			rule_free(r);
		}
	}
}

/* A payload built to make backtracking explode stays within the budget. */
static void test_budget(void **state)
{
	static char buf[20001];
	const char *rule = R("content:\"a\"; content:\"a\"; distance:0; content:\"a\"; distance:0; "
			     "content:\"b\"; distance:0;");

	memset(buf, 'a', sizeof(buf) - 1);
	assert_false(matches(rule, buf));
}

/* The budget counts occurrences, not bytes: contents far into a long buffer are found. */
static void test_long_buffer(void **state)
{
	static char buf[60001];

	memset(buf, 'x', sizeof(buf) - 1);
	memcpy(buf + 50000, "EXFIL-BEGIN user token=1", 24);
	assert_true(matches(
		R("content:\"EXFIL-BEGIN\"; content:\"token=\"; distance:0; within:40;"), buf));
	assert_true(matches(R("content:\"exfil-begin\"; nocase; content:\"TOKEN=\"; nocase; "
			      "distance:0;"),
			    buf));
	assert_false(matches(
		R("content:\"EXFIL-BEGIN\"; content:\"token=\"; distance:0; within:11;"), buf));
}

static void test_bad_pcre(void **state)
{
	const char *rule = R("pcre:\"/(unclosed/\";");
	struct rule_error err;
	struct rule *r;
	char why[200];

	assert_int_equal(rule_parse(rule, strlen(rule), NULL, &r, &err), RULE_OK);
	assert_null(confirm_compile(r, why, sizeof(why)));
	assert_non_null(strstr(why, "sid 1: pcre"));
	rule_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_depth),	cmocka_unit_test(test_nocase_hex),
		cmocka_unit_test(test_distance_within), cmocka_unit_test(test_negation),
		cmocka_unit_test(test_isdataat_pcre),	cmocka_unit_test(test_sticky_buffers),
		cmocka_unit_test(test_packet_checks),	cmocka_unit_test(test_budget),
		cmocka_unit_test(test_bad_pcre),	cmocka_unit_test(test_long_buffer),
		cmocka_unit_test(test_stream_flags),	cmocka_unit_test(test_byte_test),
		cmocka_unit_test(test_byte_jump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

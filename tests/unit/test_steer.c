// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests of inspect/steer.c: the UDP ports rules name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inspect/ruleset.h"
#include "inspect/steer.h"

/* The ports steered for rules (text, one per line), with the counters. */
static void steer_of(const char *text, struct steer_udp *su)
{
	struct ruleset *rs = ruleset_new(NULL, NULL, NULL);
	size_t len = strlen(text);
	char *buf = malloc(len ? len : 1);

	assert_non_null(rs);
	assert_non_null(buf);
	memcpy(buf, text, len); /* exact size: no NUL after the text */
	assert_true(ruleset_load(rs, buf, len, "t.rules") >= 0);
	free(buf);
	steer_udp_ports(rs, su);
	ruleset_free(rs);
}

static struct steer_udp su; /* 600 bytes: not on the stack of every test */

static void test_one_port(void **state)
{
	steer_of("alert udp any any -> any 1900 (msg:\"ssdp\"; content:\"M-SEARCH\"; sid:1;)\n",
		 &su);
	assert_int_equal(su.nports, 1);
	assert_int_equal(su.port[0], 1900);
	assert_int_equal(su.rules, 1);
	assert_int_equal(su.steered, 1);
	assert_int_equal(su.any_port, 0);
}

static void test_list(void **state)
{
	steer_of("alert udp any any -> any [53,5353] (msg:\"m\"; content:\"x\"; sid:1;)\n", &su);
	assert_int_equal(su.nports, 2);
	assert_int_equal(su.port[0], 53);
	assert_int_equal(su.port[1], 5353);
	assert_int_equal(su.steered, 1);
}

static void test_source_port(void **state)
{
	/* A DNS answer rule names its source port: 53 catches the flow. */
	steer_of("alert udp any 53 -> any any (msg:\"a\"; content:\"x\"; sid:1;)\n", &su);
	assert_int_equal(su.nports, 1);
	assert_int_equal(su.port[0], 53);
	/* Both sides finite: the smaller one is enough. */
	steer_of("alert udp any [7000:7009] -> any 4000 (msg:\"b\"; content:\"x\"; sid:2;)\n", &su);
	assert_int_equal(su.nports, 1);
	assert_int_equal(su.port[0], 4000);
}

static void test_any_counted(void **state)
{
	steer_of("alert udp any any -> any any (msg:\"a\"; content:\"x\"; sid:1;)\n", &su);
	assert_int_equal(su.nports, 0);
	assert_int_equal(su.rules, 1);
	assert_int_equal(su.steered, 0);
	assert_int_equal(su.any_port, 1);
}

static void test_negation(void **state)
{
	steer_of("alert udp any any -> any !123 (msg:\"a\"; content:\"x\"; sid:1;)\n"
		 "alert udp any any -> any [1000:2000,!1500] (msg:\"b\"; content:\"x\"; sid:2;)\n",
		 &su);
	assert_int_equal(su.nports, 0);
	assert_int_equal(su.rules, 2);
	assert_int_equal(su.any_port, 2);
}

static void test_not_udp(void **state)
{
	steer_of("alert tcp any any -> any 1900 (msg:\"t\"; content:\"x\"; sid:1;)\n"
		 "alert http any any -> any 8081 (msg:\"h\"; content:\"x\"; sid:2;)\n"
		 "alert ip any any -> any 1901 (msg:\"i\"; content:\"x\"; sid:3;)\n",
		 &su);
	assert_int_equal(su.nports, 0);
	assert_int_equal(su.rules, 0);
	assert_int_equal(su.any_port, 0);
}

static void test_ip_only(void **state)
{
	/* Addresses only: an XDP list's business, not counted as a UDP rule on any port. */
	steer_of("alert udp 192.0.2.1 any -> any any (msg:\"ip-only\"; sid:1;)\n", &su);
	assert_int_equal(su.nports, 0);
	assert_int_equal(su.rules, 0);
	assert_int_equal(su.any_port, 0);
}

static void test_app_layer_udp(void **state)
{
	steer_of("alert dns any any -> any 5353 (msg:\"d\"; dns.query; content:\"x\"; sid:1;)\n"
		 "alert udp any any -> any 1900 (msg:\"u\"; content:\"x\"; sid:2;)\n",
		 &su);
	assert_int_equal(su.nports, 2);
	assert_int_equal(su.port[0], 1900);
	assert_int_equal(su.port[1], 5353);
	assert_int_equal(su.rules, 2);
}

static void test_ranges(void **state)
{
	size_t i;

	steer_of("alert udp any any -> any 1000:1010 (msg:\"r\"; content:\"x\"; sid:1;)\n"
		 "alert udp any any -> any 1:65535 (msg:\"all\"; content:\"x\"; sid:2;)\n"
		 "alert udp any any -> any 2000:2064 (msg:\"65\"; content:\"x\"; sid:3;)\n",
		 &su);
	assert_int_equal(su.nports, 11);
	for (i = 0; i < 11; i++)
		assert_int_equal(su.port[i], 1000 + i);
	assert_int_equal(su.steered, 1);
	assert_int_equal(su.any_port, 2);
}

static void test_union_and_cap(void **state)
{
	char *text = malloc(64 * 1024), *p;
	size_t i;

	assert_non_null(text);
	/* Duplicates count once; 5 rules of 60 ports fill 256 only partly: the 5th is over. */
	p = text;
	p += sprintf(p, "alert udp any any -> any 1900 (msg:\"a\"; content:\"x\"; sid:1;)\n");
	p += sprintf(p,
		     "alert udp any any -> any [1900,1901] (msg:\"b\"; content:\"x\"; sid:2;)\n");
	for (i = 0; i < 5; i++)
		p += sprintf(p,
			     "alert udp any any -> any %zu:%zu (msg:\"c\"; content:\"x\"; "
			     "sid:%zu;)\n",
			     10000 + i * 100, 10000 + i * 100 + 59, 10 + i);
	steer_of(text, &su);
	free(text);
	assert_int_equal(su.rules, 7);
	assert_int_equal(su.steered, 6);
	assert_int_equal(su.over_cap, 1);
	assert_int_equal(su.nports, 2 + 4 * 60);
	assert_int_equal(su.port[0], 1900);
	assert_int_equal(su.port[1], 1901);
	assert_int_equal(su.port[2], 10000);
	assert_int_equal(su.port[su.nports - 1], 10359);
}

static void test_no_rules(void **state)
{
	steer_udp_ports(NULL, &su);
	assert_int_equal(su.nports, 0);
	assert_int_equal(su.rules, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_port),    cmocka_unit_test(test_list),
		cmocka_unit_test(test_source_port), cmocka_unit_test(test_any_counted),
		cmocka_unit_test(test_negation),    cmocka_unit_test(test_not_udp),
		cmocka_unit_test(test_ip_only),	    cmocka_unit_test(test_app_layer_udp),
		cmocka_unit_test(test_ranges),	    cmocka_unit_test(test_union_and_cap),
		cmocka_unit_test(test_no_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

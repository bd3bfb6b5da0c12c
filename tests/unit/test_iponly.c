// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for inspect/iponly.c: IP-only rules as the bridge's list files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "inspect/iponly.h"
#include "lib/iplist.h"

static const char RULES[] =
	"drop ip [203.0.113.5,198.51.100.0/24] any -> $HOME_NET any (msg:\"bad sources\"; sid:1;)\n"
	"drop ip $HOME_NET any -> [192.0.2.66] any (msg:\"c2\"; sid:2;)\n"
	"alert ip [203.0.113.9] any -> $HOME_NET any (msg:\"alert only\"; sid:3;)\n"
	"drop ip $EXTERNAL_NET any -> [192.0.2.77] any (msg:\"no office side\"; sid:4;)\n"
	"drop tcp any any -> any 80 (msg:\"not ip-only\"; content:\"x\"; sid:5;)\n"
	"drop ip [!203.0.113.0/24] any -> $HOME_NET any (msg:\"negated\"; sid:6;)\n";

static int blocks(const struct rule *r, void *ctx)
{
	return r->action == RULE_ACTION_DROP || r->action == RULE_ACTION_REJECT;
}

static long entries(const char *text, size_t len)
{
	struct iplist_error err;

	return iplist_parse(text, len, NULL, NULL, &err);
}

static void test_render(void **state)
{
	struct ruleset *rs = ruleset_new(NULL, NULL, NULL);
	struct iponly_lists l;

	assert_non_null(rs);
	assert_true(ruleset_load(rs, RULES, sizeof(RULES) - 1, "t.rules") >= 0);
	assert_int_equal(iponly_render(rs, blocks, NULL, &l), 0);
	assert_int_equal(l.rules, 2);
	assert_int_equal(l.entries, 3);
	assert_int_equal(l.skipped, 3); /* alert only, no office side, negated */
	/* Both files are lists utm-load reads, with the rule named on each line. */
	assert_int_equal(entries(l.inbound, l.inbound_len), 2);
	assert_int_equal(entries(l.outbound, l.outbound_len), 1);
	assert_non_null(strstr(l.inbound, "203.0.113.5 # sid 1: bad sources\n"));
	assert_non_null(strstr(l.inbound, "198.51.100.0/24 # sid 1: bad sources\n"));
	assert_non_null(strstr(l.outbound, "192.0.2.66 # sid 2: c2\n"));
	assert_null(strstr(l.inbound, "203.0.113.9"));
	iponly_free(&l);
	ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

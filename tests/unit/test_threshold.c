// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/threshold.c: limit, threshold and both over a
 * window, tracked by source, destination or rule; a table too small for
 * every key reuses the oldest windows and never fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "inspect/rule.h"
#include "inspect/threshold.h"

#define SEC 1000000000ull

static struct rule *parse(const char *opts)
{
	char text[512];
	struct rule_error err;
	struct rule *r = NULL;

	snprintf(text, sizeof(text), "alert tcp any any -> any any (msg:\"t\"; %s sid:7;)", opts);
	if (rule_parse(text, strlen(text), NULL, &r, &err) != RULE_OK)
		fail_msg("rule refused: %s", err.reason);
	return r;
}

static struct flow_tuple tuple(uint8_t src, uint8_t dst)
{
	struct flow_tuple t = {.family = 4, .proto = 6, .sport = 40000, .dport = 22};

	t.saddr[0] = 10, t.saddr[3] = src;
	t.daddr[0] = 192, t.daddr[3] = dst;
	return t;
}

/* How many of n alerts one second apart, from src to dst, are reported. */
static int reported(struct threshold_table *t, const struct rule *r, int n, uint8_t src,
		    uint8_t dst, uint64_t *now)
{
	struct flow_tuple tp = tuple(src, dst);
	int i, k = 0;

	for (i = 0; i < n; i++, *now += SEC)
		k += threshold_check(t, r, &tp, *now);
	return k;
}

static void test_none(void **state)
{
	struct threshold_table *t = threshold_new(64);
	struct rule *r = parse("content:\"x\";");
	uint64_t now = 100 * SEC;

	assert_int_equal(reported(t, r, 10, 1, 1, &now), 10);
	rule_free(r);
	threshold_free(t);
}

static void test_limit(void **state)
{
	struct threshold_table *t = threshold_new(64);
	struct rule *r = parse("threshold: type limit, track by_src, count 2, seconds 60;");
	uint64_t now = 100 * SEC;

	assert_int_equal(reported(t, r, 10, 1, 1, &now), 2);
	/* another source has its own count */
	assert_int_equal(reported(t, r, 10, 2, 1, &now), 2);
	/* a new window for the first source */
	now += 60 * SEC;
	assert_int_equal(reported(t, r, 3, 1, 1, &now), 2);
	rule_free(r);
	threshold_free(t);
}

static void test_threshold(void **state)
{
	struct threshold_table *t = threshold_new(64);
	struct rule *r = parse("threshold: type threshold, track by_dst, count 5, seconds 60;");
	uint64_t now = 100 * SEC;

	assert_int_equal(reported(t, r, 4, 1, 9, &now), 0);
	/* the fifth, from another source to the same destination, is reported */
	assert_int_equal(reported(t, r, 1, 2, 9, &now), 1);
	assert_int_equal(reported(t, r, 10, 3, 9, &now), 2);
	/* four, then a pause longer than the window: counting starts again */
	assert_int_equal(reported(t, r, 4, 1, 8, &now), 0);
	now += 61 * SEC;
	assert_int_equal(reported(t, r, 4, 1, 8, &now), 0);
	rule_free(r);
	threshold_free(t);
}

static void test_both(void **state)
{
	struct threshold_table *t = threshold_new(64);
	struct rule *r = parse("threshold: type both, track by_rule, count 3, seconds 30;");
	uint64_t now = 100 * SEC;

	/* once per window, at the third; addresses do not matter */
	assert_int_equal(reported(t, r, 2, 1, 1, &now), 0);
	assert_int_equal(reported(t, r, 20, 2, 2, &now), 1);
	now += 30 * SEC;
	assert_int_equal(reported(t, r, 3, 3, 3, &now), 1);
	rule_free(r);
	threshold_free(t);
}

/* Many more keys than entries: no failure, and a busy key keeps being limited. */
static void test_full_table(void **state)
{
	struct threshold_table *t = threshold_new(16);
	struct rule *r = parse("threshold: type limit, track by_src, count 1, seconds 3600;");
	uint64_t now = 100 * SEC;
	int src, k = 0;

	for (src = 0; src < 250; src++)
		k += reported(t, r, 2, (uint8_t)src, 1, &now);
	assert_int_equal(k, 250);
	rule_free(r);
	threshold_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),	   cmocka_unit_test(test_limit),
		cmocka_unit_test(test_threshold),  cmocka_unit_test(test_both),
		cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

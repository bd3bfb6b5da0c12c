// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for lib/domtable.c: merging domain entries across lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/dnsname.h"
#include "lib/domtable.h"

static const struct utm_dns_entry *find(struct utm_dns_key *k, struct utm_dns_entry *v, size_t n,
					uint64_t key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (k[i].hash == key)
			return &v[i];
	return NULL;
}

/* Forms and actions merge per field; the first list to set a field keeps it. */
static void test_merge(void **state)
{
	struct domtable *t = domtable_new();
	uint64_t bad = dnsname_key("bad.example", 7), good = dnsname_key("good.example", 7);
	struct utm_dns_key k[2];
	struct utm_dns_entry v[2];
	const struct utm_dns_entry *e;

	assert_int_equal(domtable_add(t, bad, 3, 0, 1, 0), 0); /* exact, list 3 */
	assert_int_equal(domtable_add(t, bad, 4, 0, 1, 1), 0); /* name+sub, list 4 */
	assert_int_equal(domtable_add(t, bad, 5, 1, 0, 1), 0); /* allow subdomains, list 5 */
	assert_int_equal(domtable_add(t, good, 6, 1, 1, 1), 0);
	assert_int_equal(domtable_size(t), 2);
	assert_int_equal(domtable_export(t, k, v), 2);
	e = find(k, v, 2, bad);
	assert_non_null(e);
	assert_int_equal(e->block_name, 3);
	assert_int_equal(e->block_sub, 4);
	assert_int_equal(e->allow_name, 0);
	assert_int_equal(e->allow_sub, 5);
	e = find(k, v, 2, good);
	assert_non_null(e);
	assert_int_equal(e->allow_name, 6);
	assert_int_equal(e->allow_sub, 6);
	assert_int_equal(e->block_name, 0);
	domtable_free(t);
	(void)state;
}

/* 300k distinct keys survive growth, each once. */
static void test_growth(void **state)
{
	struct domtable *t = domtable_new();
	size_t n = 300000, i;
	struct utm_dns_key *k = calloc(n, sizeof(*k));
	struct utm_dns_entry *v = calloc(n, sizeof(*v));
	unsigned char *seen = calloc(n, 1);

	for (i = 0; i < n; i++)
		assert_int_equal(domtable_add(t, i * 0x9e3779b97f4a7c15ULL, (i % 200) + 3, 0, 1, 1),
				 0);
	assert_int_equal(domtable_export(t, k, v), n);
	for (i = 0; i < n; i++) {
		size_t idx = k[i].hash * 0xf1de83e19937733dULL; /* inverse of the multiplier */

		assert_true(idx < n);
		assert_false(seen[idx]);
		seen[idx] = 1;
		assert_int_equal(v[i].block_name, (idx % 200) + 3);
	}
	free(k);
	free(v);
	free(seen);
	domtable_free(t);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for lib/iptable.c: merging list entries into map arrays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/iptable.h"
#include "lib/netbits.h"

static struct ip_prefix P(const char *s)
{
	struct ip_prefix p;

	assert_int_equal(ip_prefix_parse(s, &p), 0);
	return p;
}

static void test_kinds_are_counted(void **state)
{
	struct iptable *t = iptable_new();
	const char *in[] = { "10.0.0.1", "10.0.0.2", "10.0.0.0/8", "2001:db8::1", "2001:db8::/32",
			     "2001:db8:1::/48" };
	size_t i;

	for (i = 0; i < 6; i++) {
		struct ip_prefix p = P(in[i]);

		assert_int_equal(iptable_add(t, &p, 3, UTM_DIR_BOTH), 0);
	}
	assert_int_equal(iptable_size(t), 6);
	assert_int_equal(iptable_count(t, IPKEY_EXACT4), 2);
	assert_int_equal(iptable_count(t, IPKEY_PREFIX4), 1);
	assert_int_equal(iptable_count(t, IPKEY_EXACT6), 1);
	assert_int_equal(iptable_count(t, IPKEY_PREFIX6), 2);
	iptable_free(t);
}

/* The first list loaded for a direction is the one recorded. */
static void test_duplicates_merge_per_direction(void **state)
{
	struct iptable *t = iptable_new();
	struct ip_prefix p = P("192.0.2.7");
	struct utm_ip4_key k;
	struct utm_ip_entry v;

	assert_int_equal(iptable_add(t, &p, 5, UTM_DIR_OUTBOUND), 0);
	assert_int_equal(iptable_add(t, &p, 6, UTM_DIR_BOTH), 0);
	assert_int_equal(iptable_add(t, &p, 7, UTM_DIR_BOTH), 0);
	assert_int_equal(iptable_size(t), 1);
	assert_int_equal(iptable_export(t, IPKEY_EXACT4, &k, &v), 1);
	assert_int_equal(v.list_out, 5);
	assert_int_equal(v.list_in, 6);
	assert_memory_equal(k.addr, "\xc0\x00\x02\x07", 4);
	iptable_free(t);
}

static void test_export_lpm_keys(void **state)
{
	struct iptable *t = iptable_new();
	struct ip_prefix p = P("198.51.100.128/25");
	struct utm_lpm4_key k;
	struct utm_ip_entry v;

	assert_int_equal(iptable_add(t, &p, 4, UTM_DIR_INBOUND), 0);
	assert_int_equal(iptable_export(t, IPKEY_PREFIX4, &k, &v), 1);
	assert_int_equal(k.prefixlen, 25);
	assert_memory_equal(k.addr, "\xc6\x33\x64\x80", 4);
	assert_int_equal(v.list_in, 4);
	assert_int_equal(v.list_out, 0);
	iptable_free(t);
}

/* Growth keeps every entry: 200k distinct addresses survive rehashing. */
static void test_growth_keeps_entries(void **state)
{
	struct iptable *t = iptable_new();
	struct utm_ip4_key *keys;
	struct utm_ip_entry *vals;
	unsigned char *seen;
	size_t n = 200000, i;

	for (i = 0; i < n; i++) {
		struct ip_prefix p = { .family = 4, .prefixlen = 32 };

		p.addr[0] = 100;
		p.addr[1] = i >> 16;
		p.addr[2] = i >> 8;
		p.addr[3] = i;
		assert_int_equal(iptable_add(t, &p, 9, UTM_DIR_BOTH), 0);
	}
	assert_int_equal(iptable_count(t, IPKEY_EXACT4), n);
	keys = calloc(n, sizeof(*keys));
	vals = calloc(n, sizeof(*vals));
	seen = calloc(n, 1);
	assert_int_equal(iptable_export(t, IPKEY_EXACT4, keys, vals), n);
	for (i = 0; i < n; i++) {
		size_t idx = (size_t)keys[i].addr[1] << 16 | keys[i].addr[2] << 8 | keys[i].addr[3];

		assert_int_equal(keys[i].addr[0], 100);
		assert_true(idx < n);
		assert_false(seen[idx]);
		seen[idx] = 1;
		assert_int_equal(vals[i].list_in, 9);
	}
	free(keys);
	free(vals);
	free(seen);
	iptable_free(t);
}

static void test_invalid_prefix_refused(void **state)
{
	struct iptable *t = iptable_new();
	struct ip_prefix p = { .family = 5, .prefixlen = 1 };

	assert_int_not_equal(iptable_add(t, &p, 3, UTM_DIR_BOTH), 0);
	assert_int_equal(iptable_size(t), 0);
	iptable_free(t);
}

static int bit(const uint64_t *w, uint32_t blk)
{
	return (w[blk >> 6] >> (blk & 63)) & 1;
}

/* The /24 bitmap marks exactly the /24s that some IPv4 prefix touches. */
static void test_net4_bits(void **state)
{
	uint64_t *w = calloc(NETBITS_WORDS, sizeof(*w));
	struct iptable *t = iptable_new();
	const char *in[] = { "10.0.0.0/8", "192.0.2.128/25", "198.51.100.7/32", "203.0.113.8/29",
			     "2001:db8::/32" };
	size_t i, set = 0;

	for (i = 0; i < 5; i++) {
		struct ip_prefix p = P(in[i]);

		assert_int_equal(iptable_add(t, &p, 3, UTM_DIR_BOTH), 0);
	}
	iptable_net4_bits(t, w);
	for (i = 0; i < NETBITS_WORDS * 64; i++)
		set += bit(w, i);
	/* 65536 /24s of 10/8, one for 192.0.2.128/25, one for 203.0.113.8/29;
	 * a /32 lives in the hash map and IPv6 has no bitmap. */
	assert_int_equal(set, 65536 + 2);
	assert_true(bit(w, 10 << 16));
	assert_true(bit(w, (10 << 16) | 0xffff));
	assert_false(bit(w, (11 << 16)));
	assert_true(bit(w, (192 << 16) | (0 << 8) | 2));
	assert_true(bit(w, (203 << 16) | (0 << 8) | 113));
	assert_false(bit(w, (198 << 16) | (51 << 8) | 100));
	free(w);
	iptable_free(t);
}

/* A prefix shorter than /24 covers 2^(24-len) blocks, aligned. */
static void test_net4_blocks(void **state)
{
	struct ip_prefix p = P("0.0.0.0/0"), q = P("172.16.0.0/12"), r = P("192.0.2.200/30");
	uint32_t first, count;

	netbits_blocks(&p, &first, &count);
	assert_int_equal(first, 0);
	assert_int_equal(count, 1u << 24);
	netbits_blocks(&q, &first, &count);
	assert_int_equal(first, 172u << 16 | 16u << 8);
	assert_int_equal(count, 1u << 12);
	netbits_blocks(&r, &first, &count);
	assert_int_equal(first, 192u << 16 | 2);
	assert_int_equal(count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_are_counted),
		cmocka_unit_test(test_duplicates_merge_per_direction),
		cmocka_unit_test(test_export_lpm_keys),
		cmocka_unit_test(test_growth_keeps_entries),
		cmocka_unit_test(test_invalid_prefix_refused),
		cmocka_unit_test(test_net4_bits),
		cmocka_unit_test(test_net4_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

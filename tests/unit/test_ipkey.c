// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for lib/ipkey.c: which map an entry goes to and its key bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lib/ipkey.h"

static struct ip_prefix prefix(const char *text)
{
	struct ip_prefix p;

	if (ip_prefix_parse(text, &p) != 0)
		fail_msg("cannot parse %s", text);
	return p;
}

static void test_kind_of(void **state)
{
	struct ip_prefix p;

	(void)state;
	p = prefix("1.2.3.4");
	assert_int_equal(ipkey_kind_of(&p), IPKEY_EXACT4);
	p = prefix("1.2.3.4/32");
	assert_int_equal(ipkey_kind_of(&p), IPKEY_EXACT4);
	p = prefix("1.2.3.4/31");
	assert_int_equal(ipkey_kind_of(&p), IPKEY_PREFIX4);
	p = prefix("0.0.0.0/0");
	assert_int_equal(ipkey_kind_of(&p), IPKEY_PREFIX4);
	p = prefix("2001:db8::1");
	assert_int_equal(ipkey_kind_of(&p), IPKEY_EXACT6);
	p = prefix("2001:db8::/127");
	assert_int_equal(ipkey_kind_of(&p), IPKEY_PREFIX6);
	p = prefix("::/0");
	assert_int_equal(ipkey_kind_of(&p), IPKEY_PREFIX6);
	/* An IPv4-mapped host is an IPv4 host. */
	p = prefix("::ffff:1.2.3.4");
	assert_int_equal(ipkey_kind_of(&p), IPKEY_EXACT4);
}

static void test_invalid_refused(void **state)
{
	struct ip_prefix p = prefix("1.2.3.4");
	struct utm_ip4_key e4;
	struct utm_ip6_key e6;
	struct utm_lpm4_key l4;
	struct utm_lpm6_key l6;

	(void)state;
	p.prefixlen = 33;
	assert_int_equal(ipkey_kind_of(&p), IPKEY_INVALID);
	assert_int_equal(ipkey_lpm4(&p, &l4), -1);
	p.family = 6;
	p.prefixlen = 129;
	assert_int_equal(ipkey_kind_of(&p), IPKEY_INVALID);
	assert_int_equal(ipkey_lpm6(&p, &l6), -1);
	p.family = 0;
	p.prefixlen = 128;
	assert_int_equal(ipkey_kind_of(&p), IPKEY_INVALID);
	assert_int_equal(ipkey_exact6(&p, &e6), -1);
	p.family = 5;
	p.prefixlen = 32;
	assert_int_equal(ipkey_kind_of(&p), IPKEY_INVALID);
	assert_int_equal(ipkey_exact4(&p, &e4), -1);
}

/* Other modules index arrays of the four maps by kind. */
static void test_kinds_are_indexes(void **state)
{
	(void)state;
	assert_int_equal(IPKEY_EXACT4, 0);
	assert_int_equal(IPKEY_PREFIX4, 1);
	assert_int_equal(IPKEY_EXACT6, 2);
	assert_int_equal(IPKEY_PREFIX6, 3);
	assert_int_equal(IPKEY_NKINDS, 4);
	assert_true(IPKEY_INVALID >= IPKEY_NKINDS);
}

static void test_exact4(void **state)
{
	static const uint8_t want[4] = {203, 0, 113, 66};
	struct ip_prefix p = prefix("203.0.113.66");
	struct utm_ip4_key key;

	(void)state;
	assert_int_equal(sizeof(key), 4);
	memset(&key, 0xee, sizeof(key));
	assert_int_equal(ipkey_exact4(&p, &key), 0);
	assert_memory_equal(key.addr, want, sizeof(want));

	/* A prefix or an IPv6 host is refused and the key left alone. */
	memset(&key, 0xee, sizeof(key));
	p = prefix("203.0.113.0/24");
	assert_int_equal(ipkey_exact4(&p, &key), -1);
	p = prefix("2001:db8::1");
	assert_int_equal(ipkey_exact4(&p, &key), -1);
	assert_int_equal(key.addr[0], 0xee);
}

static void test_exact6(void **state)
{
	static const uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad, 0, 0,
					 0,    0,    0,	   0,	 0,    0,    0, 0x66};
	struct ip_prefix p = prefix("2001:db8:bad::66");
	struct utm_ip6_key key;

	(void)state;
	assert_int_equal(sizeof(key), 16);
	assert_int_equal(ipkey_exact6(&p, &key), 0);
	assert_memory_equal(key.addr, want, sizeof(want));

	memset(&key, 0xee, sizeof(key));
	p = prefix("2001:db8:bad:1::/64");
	assert_int_equal(ipkey_exact6(&p, &key), -1);
	p = prefix("1.2.3.4");
	assert_int_equal(ipkey_exact6(&p, &key), -1);
	assert_int_equal(key.addr[0], 0xee);
}

static void test_lpm4(void **state)
{
	static const uint8_t want[4] = {198, 51, 100, 128};
	struct ip_prefix p = prefix("198.51.100.128/25");
	struct utm_lpm4_key key;

	(void)state;
	/* The BPF map's key_size is 8: prefixlen then the address, no padding. */
	assert_int_equal(sizeof(key), 8);
	memset(&key, 0xee, sizeof(key));
	assert_int_equal(ipkey_lpm4(&p, &key), 0);
	assert_int_equal(key.prefixlen, 25);
	assert_memory_equal(key.addr, want, sizeof(want));

	/* A host as a /32 lookup key. */
	p = prefix("203.0.113.66");
	assert_int_equal(ipkey_lpm4(&p, &key), 0);
	assert_int_equal(key.prefixlen, 32);
	assert_int_equal(key.addr[3], 66);

	p = prefix("0.0.0.0/0");
	assert_int_equal(ipkey_lpm4(&p, &key), 0);
	assert_int_equal(key.prefixlen, 0);
}

/* A struct built by hand with host bits set still gives the canonical key. */
static void test_lpm_masks_host_bits(void **state)
{
	struct ip_prefix p = {.family = 4, .prefixlen = 20, .addr = {10, 1, 0xff, 0xff}};
	struct utm_lpm4_key k4;
	struct utm_lpm6_key k6;
	static const uint8_t want4[4] = {10, 1, 0xf0, 0};
	static const uint8_t want6[16] = {0x20, 0x01, 0x0d, 0xb8, 0x80};

	(void)state;
	assert_int_equal(ipkey_lpm4(&p, &k4), 0);
	assert_memory_equal(k4.addr, want4, sizeof(want4));

	memset(&p, 0, sizeof(p));
	p.family = 6;
	p.prefixlen = 33;
	memset(p.addr, 0xff, sizeof(p.addr));
	memcpy(p.addr, "\x20\x01\x0d\xb8", 4);
	assert_int_equal(ipkey_lpm6(&p, &k6), 0);
	assert_int_equal(k6.prefixlen, 33);
	assert_memory_equal(k6.addr, want6, sizeof(want6));
}

static void test_lpm6(void **state)
{
	static const uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, 0x0b, 0xad, 0, 1};
	struct ip_prefix p = prefix("2001:db8:bad:1::/64");
	struct utm_lpm6_key key;

	(void)state;
	assert_int_equal(sizeof(key), 20);
	assert_int_equal(ipkey_lpm6(&p, &key), 0);
	assert_int_equal(key.prefixlen, 64);
	assert_memory_equal(key.addr, want, sizeof(want));

	p = prefix("2001:db8::1");
	assert_int_equal(ipkey_lpm6(&p, &key), 0);
	assert_int_equal(key.prefixlen, 128);
	assert_int_equal(key.addr[15], 1);
}

static void test_lpm_wrong_family(void **state)
{
	struct ip_prefix p4 = prefix("1.2.3.0/24");
	struct ip_prefix p6 = prefix("2001:db8::/32");
	struct utm_lpm4_key k4;
	struct utm_lpm6_key k6;

	(void)state;
	memset(&k4, 0xee, sizeof(k4));
	memset(&k6, 0xee, sizeof(k6));
	assert_int_equal(ipkey_lpm4(&p6, &k4), -1);
	assert_int_equal(ipkey_lpm6(&p4, &k6), -1);
	p4.prefixlen = 40;
	assert_int_equal(ipkey_lpm4(&p4, &k4), -1);
	assert_int_equal(k4.prefixlen, 0xeeeeeeee);
	assert_int_equal(k6.prefixlen, 0xeeeeeeee);
}

/* Every entry of a parsed list maps to exactly one kind and one key. */
static int key_each(const struct ip_prefix *p, unsigned int line, void *ctx)
{
	unsigned int *kinds = ctx;
	struct utm_ip4_key e4;
	struct utm_ip6_key e6;
	struct utm_lpm4_key l4;
	struct utm_lpm6_key l6;
	enum ipkey_kind kind = ipkey_kind_of(p);
	int ok = 0;

	(void)line;
	switch (kind) {
	case IPKEY_EXACT4:
		ok = ipkey_exact4(p, &e4) == 0 && ipkey_exact6(p, &e6) == -1;
		break;
	case IPKEY_PREFIX4:
		ok = ipkey_lpm4(p, &l4) == 0 && ipkey_exact4(p, &e4) == -1;
		break;
	case IPKEY_EXACT6:
		ok = ipkey_exact6(p, &e6) == 0 && ipkey_exact4(p, &e4) == -1;
		break;
	case IPKEY_PREFIX6:
		ok = ipkey_lpm6(p, &l6) == 0 && ipkey_exact6(p, &e6) == -1;
		break;
	case IPKEY_INVALID:
		break;
	}
	if (!ok)
		return -2;
	kinds[kind]++;
	return 0;
}

static void test_demo_list_kinds(void **state)
{
	static const char list[] = "203.0.113.66\n198.51.100.128/25\n2001:db8:bad::66\n"
				   "2001:db8:bad:1::/64\n";
	unsigned int kinds[IPKEY_NKINDS] = {0};

	(void)state;
	assert_int_equal(iplist_parse(list, sizeof(list) - 1, key_each, kinds, NULL), 4);
	assert_int_equal(kinds[IPKEY_EXACT4], 1);
	assert_int_equal(kinds[IPKEY_PREFIX4], 1);
	assert_int_equal(kinds[IPKEY_EXACT6], 1);
	assert_int_equal(kinds[IPKEY_PREFIX6], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_of),
		cmocka_unit_test(test_invalid_refused),
		cmocka_unit_test(test_kinds_are_indexes),
		cmocka_unit_test(test_exact4),
		cmocka_unit_test(test_exact6),
		cmocka_unit_test(test_lpm4),
		cmocka_unit_test(test_lpm_masks_host_bits),
		cmocka_unit_test(test_lpm6),
		cmocka_unit_test(test_lpm_wrong_family),
		cmocka_unit_test(test_demo_list_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/feedguard.c and lib/topdomains.c: every guard, both
 * address families, the boundaries of each prefix length and range, names
 * equal to, above and below protected ones, and the size guard's limits.
 * Refusals are checked with their exact message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/dnsname.h"
#include "lib/feedguard.h"

/* ---- helpers ---- */

static struct ip_prefix prefix(const char *text)
{
	struct ip_prefix p;

	if (ip_prefix_parse(text, &p) != 0)
		fail_msg("bad prefix in test: %s", text);
	return p;
}

/* The guard's verdict on one block prefix; its message goes to why. */
static int check_ip(const struct feed_guard *g, const char *text, char *why, size_t whylen)
{
	struct ip_prefix p = prefix(text);

	return feed_guard_ip(g, &p, why, whylen);
}

static void assert_ip_ok(const struct feed_guard *g, const char *text)
{
	char why[FEED_GUARD_WHY_MAX] = "x";

	if (check_ip(g, text, why, sizeof(why)) != 0)
		fail_msg("%s refused: %s", text, why);
	assert_string_equal(why, "");
}

static void assert_ip_refused(const struct feed_guard *g, const char *text, const char *want)
{
	char why[FEED_GUARD_WHY_MAX] = "";

	if (check_ip(g, text, why, sizeof(why)) != -1)
		fail_msg("%s accepted, expected \"%s\"", text, want);
	assert_string_equal(why, want);
}

static struct dom_entry entry(const char *name, int covers_name, int covers_sub)
{
	struct dom_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.covers_name = (uint8_t)covers_name;
	e.covers_sub = (uint8_t)covers_sub;
	return e;
}

/* Plain list form "name": the name and every name below it. */
#define NAME_AND_SUB 1, 1
/* "=name", a URL host: the name only. */
#define NAME_ONLY 1, 0
/* "*.name": every name below, not the name. */
#define SUB_ONLY 0, 1

static void assert_dom_ok_(const struct feed_guard *g, const char *name, int covers_name,
			   int covers_sub)
{
	struct dom_entry e = entry(name, covers_name, covers_sub);
	char why[FEED_GUARD_WHY_MAX] = "x";

	if (feed_guard_domain(g, &e, why, sizeof(why)) != 0)
		fail_msg("%s (name %d, sub %d) refused: %s", name, covers_name, covers_sub, why);
	assert_string_equal(why, "");
}

static void assert_dom_refused_(const struct feed_guard *g, const char *name, int covers_name,
				int covers_sub, const char *want)
{
	struct dom_entry e = entry(name, covers_name, covers_sub);
	char why[FEED_GUARD_WHY_MAX] = "";

	if (feed_guard_domain(g, &e, why, sizeof(why)) != -1)
		fail_msg("%s (name %d, sub %d) accepted, expected \"%s\"", name, covers_name,
			 covers_sub, want);
	assert_string_equal(why, want);
}

/* So that the forms above read as one argument at the call sites. */
#define assert_dom_ok(g, name, form)		assert_dom_ok_(g, name, form)
#define assert_dom_refused(g, name, form, want) assert_dom_refused_(g, name, form, want)

static void assert_size_refused(size_t prev, size_t next, double max, const char *want)
{
	char why[FEED_GUARD_WHY_MAX] = "";

	if (feed_guard_size(prev, next, max, why, sizeof(why)) != -1)
		fail_msg("%zu -> %zu (limit %g) accepted, expected \"%s\"", prev, next, max, want);
	assert_string_equal(why, want);
}

static void assert_size_ok(size_t prev, size_t next, double max)
{
	char why[FEED_GUARD_WHY_MAX] = "x";

	if (feed_guard_size(prev, next, max, why, sizeof(why)) != 0)
		fail_msg("%zu -> %zu (limit %g) refused: %s", prev, next, max, why);
	assert_string_equal(why, "");
}

#define TOP  "a top domain that must never be blocked"
#define SUFX "a shared suffix that must never be blocked"
#define CONF "a configured never-block name"

/* ---- defaults and IP prefix lengths ---- */

static void test_defaults(void **state)
{
	struct feed_guard g;

	(void)state;
	memset(&g, 0x5a, sizeof(g));
	feed_guard_defaults(&g);
	assert_int_equal(g.min_prefix4, 8);
	assert_int_equal(g.min_prefix6, 16);
	assert_int_equal(g.allow_private, 0);
	assert_null(g.protect);
	assert_int_equal(g.nprotect, 0);
	assert_null(g.protect_names);
	assert_int_equal(g.nprotect_names, 0);
	assert_null(g.protect_what);
}

static void test_prefix_length_ipv4(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	assert_ip_refused(&g, "0.0.0.0/0", "0.0.0.0/0 is shorter than /8");
	assert_ip_refused(&g, "128.0.0.0/1", "128.0.0.0/1 is shorter than /8");
	assert_ip_refused(&g, "64.0.0.0/7", "64.0.0.0/7 is shorter than /8");
	assert_ip_ok(&g, "64.0.0.0/8");
	assert_ip_ok(&g, "203.0.113.0/24");
	assert_ip_ok(&g, "203.0.113.66");
	/* A stricter feed. */
	g.min_prefix4 = 24;
	assert_ip_refused(&g, "198.51.100.0/23", "198.51.100.0/23 is shorter than /24");
	assert_ip_ok(&g, "198.51.100.0/24");
	/* The IPv6 limit does not apply to IPv4. */
	g.min_prefix6 = 128;
	assert_ip_ok(&g, "198.51.100.0/24");
}

static void test_prefix_length_ipv6(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	assert_ip_refused(&g, "::/0", "::/0 is shorter than /16");
	assert_ip_refused(&g, "2000::/3", "2000::/3 is shorter than /16");
	assert_ip_refused(&g, "2001::/15", "2000::/15 is shorter than /16");
	assert_ip_ok(&g, "2001::/16");
	assert_ip_ok(&g, "2001:db8:bad::/48");
	assert_ip_ok(&g, "2001:db8:bad::66");
	g.min_prefix6 = 48;
	assert_ip_refused(&g, "2001:db8::/47", "2001:db8::/47 is shorter than /48");
	assert_ip_ok(&g, "2001:db8::/48");
	g.min_prefix4 = 32;
	assert_ip_ok(&g, "2001:db8::/48");
}

/* The length is checked before the ranges: a /0 is "too short", not "private". */
static void test_prefix_length_checked_first(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	g.allow_private = 1;
	assert_ip_refused(&g, "0.0.0.0/0", "0.0.0.0/0 is shorter than /8");
	g.min_prefix4 = 0;
	g.min_prefix6 = 0;
	assert_ip_ok(&g, "0.0.0.0/0");
	assert_ip_ok(&g, "::/0");
	g.allow_private = 0;
	assert_ip_refused(&g, "0.0.0.0/0", "0.0.0.0/0 covers this-network range 0.0.0.0/8");
	assert_ip_refused(&g, "::/0", "::/0 covers unspecified address ::");
}

/* ---- private and special ranges ---- */

/* Every range: itself, its first and last address, a network that contains it, its neighbours. */
static void test_special_ranges_ipv4(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	assert_ip_refused(&g, "0.0.0.0/8", "0.0.0.0/8 covers this-network range 0.0.0.0/8");
	assert_ip_refused(&g, "0.0.0.0", "0.0.0.0 is inside this-network range 0.0.0.0/8");
	assert_ip_refused(&g, "0.255.255.255",
			  "0.255.255.255 is inside this-network range 0.0.0.0/8");
	assert_ip_ok(&g, "1.0.0.0");

	assert_ip_refused(&g, "10.0.0.0/8", "10.0.0.0/8 covers private range 10.0.0.0/8");
	assert_ip_refused(&g, "10.0.0.0", "10.0.0.0 is inside private range 10.0.0.0/8");
	assert_ip_refused(&g, "10.1.2.0/24", "10.1.2.0/24 is inside private range 10.0.0.0/8");
	assert_ip_refused(&g, "10.255.255.255",
			  "10.255.255.255 is inside private range 10.0.0.0/8");
	assert_ip_ok(&g, "9.255.255.255");
	assert_ip_ok(&g, "11.0.0.0");

	assert_ip_refused(&g, "100.64.0.0/10",
			  "100.64.0.0/10 covers shared (carrier-grade NAT) range 100.64.0.0/10");
	assert_ip_refused(&g, "100.0.0.0/8",
			  "100.0.0.0/8 covers shared (carrier-grade NAT) range 100.64.0.0/10");
	assert_ip_refused(&g, "100.64.0.0",
			  "100.64.0.0 is inside shared (carrier-grade NAT) range 100.64.0.0/10");
	assert_ip_refused(
		&g, "100.127.255.255",
		"100.127.255.255 is inside shared (carrier-grade NAT) range 100.64.0.0/10");
	assert_ip_ok(&g, "100.63.255.255");
	assert_ip_ok(&g, "100.128.0.0");
	assert_ip_ok(&g, "100.128.0.0/9");

	assert_ip_refused(&g, "127.0.0.0/8", "127.0.0.0/8 covers loopback range 127.0.0.0/8");
	assert_ip_refused(&g, "127.0.0.1", "127.0.0.1 is inside loopback range 127.0.0.0/8");
	assert_ip_refused(&g, "127.255.255.255",
			  "127.255.255.255 is inside loopback range 127.0.0.0/8");
	assert_ip_ok(&g, "126.255.255.255");
	assert_ip_ok(&g, "128.0.0.0");

	assert_ip_refused(&g, "169.254.0.0/16",
			  "169.254.0.0/16 covers link-local range 169.254.0.0/16");
	assert_ip_refused(&g, "169.0.0.0/8", "169.0.0.0/8 covers link-local range 169.254.0.0/16");
	assert_ip_refused(&g, "169.254.0.0",
			  "169.254.0.0 is inside link-local range 169.254.0.0/16");
	assert_ip_refused(&g, "169.254.255.255",
			  "169.254.255.255 is inside link-local range 169.254.0.0/16");
	assert_ip_ok(&g, "169.253.255.255");
	assert_ip_ok(&g, "169.255.0.0");

	assert_ip_refused(&g, "172.16.0.0/12", "172.16.0.0/12 covers private range 172.16.0.0/12");
	assert_ip_refused(&g, "172.0.0.0/8", "172.0.0.0/8 covers private range 172.16.0.0/12");
	assert_ip_refused(&g, "172.16.0.0", "172.16.0.0 is inside private range 172.16.0.0/12");
	assert_ip_refused(&g, "172.31.255.255",
			  "172.31.255.255 is inside private range 172.16.0.0/12");
	assert_ip_ok(&g, "172.15.255.255");
	assert_ip_ok(&g, "172.32.0.0");
	assert_ip_ok(&g, "172.32.0.0/11");

	assert_ip_refused(&g, "192.168.0.0/16",
			  "192.168.0.0/16 covers private range 192.168.0.0/16");
	assert_ip_refused(&g, "192.0.0.0/8", "192.0.0.0/8 covers private range 192.168.0.0/16");
	assert_ip_refused(&g, "192.168.0.0", "192.168.0.0 is inside private range 192.168.0.0/16");
	assert_ip_refused(&g, "192.168.255.255",
			  "192.168.255.255 is inside private range 192.168.0.0/16");
	assert_ip_ok(&g, "192.167.255.255");
	assert_ip_ok(&g, "192.169.0.0");

	assert_ip_refused(&g, "255.255.255.255",
			  "255.255.255.255 is the broadcast address 255.255.255.255");
	assert_ip_refused(&g, "255.255.255.0/24",
			  "255.255.255.0/24 covers broadcast address 255.255.255.255");
	assert_ip_ok(&g, "255.255.255.254");
	assert_ip_ok(&g, "255.255.255.252/31");
}

static void test_special_ranges_ipv6(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	/* The ranges shorter than /16 are refused for their length first: look behind it. */
	g.min_prefix6 = 0;
	assert_ip_refused(&g, "::", ":: is the unspecified address ::");
	assert_ip_refused(&g, "::/127", "::/127 covers unspecified address ::");
	assert_ip_refused(&g, "::1", "::1 is the loopback address ::1");
	assert_ip_refused(&g, "::1/128", "::1 is the loopback address ::1");
	assert_ip_ok(&g, "::2");
	assert_ip_ok(&g, "::2/127");

	assert_ip_refused(&g, "fc00::/7", "fc00::/7 covers unique local range fc00::/7");
	assert_ip_refused(&g, "fc00::/6", "fc00::/6 covers unique local range fc00::/7");
	assert_ip_refused(&g, "fc00::", "fc00:: is inside unique local range fc00::/7");
	assert_ip_refused(&g, "fd12:3456:789a::/48",
			  "fd12:3456:789a::/48 is inside unique local range fc00::/7");
	assert_ip_refused(&g, "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			  "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff is inside unique local range "
			  "fc00::/7");
	assert_ip_ok(&g, "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_ip_ok(&g, "fe00::");

	assert_ip_refused(&g, "fe80::/10", "fe80::/10 covers link-local range fe80::/10");
	assert_ip_refused(&g, "fe80::/9", "fe80::/9 covers link-local range fe80::/10");
	assert_ip_refused(&g, "fe80::1", "fe80::1 is inside link-local range fe80::/10");
	assert_ip_refused(&g, "fe80::/64", "fe80::/64 is inside link-local range fe80::/10");
	assert_ip_refused(&g, "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			  "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff is inside link-local range "
			  "fe80::/10");
	assert_ip_ok(&g, "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_ip_ok(&g, "fec0::");
	assert_ip_ok(&g, "ff02::1");
	g.min_prefix6 = 16;
	assert_ip_refused(&g, "fc00::/7", "fc00::/7 is shorter than /16");
}

/* The same bits in the other family are another network. */
static void test_special_ranges_keep_families_apart(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	assert_ip_ok(&g, "a00::/16");	 /* 10.0.0.0/8's bits */
	assert_ip_ok(&g, "c0a8::/16");	 /* 192.168.0.0/16's bits */
	assert_ip_ok(&g, "7f00::1");	 /* 127.0.0.1's bits */
	assert_ip_ok(&g, "252.0.0.0/8"); /* fc00::/7's bits */
	assert_ip_ok(&g, "254.128.0.0/10");
}

static void test_allow_private(void **state)
{
	static const char *const special[] = {
		"0.0.0.0/8",   "10.0.0.0/8",	"100.64.0.0/10",  "127.0.0.1",
		"169.254.1.1", "172.16.0.0/12", "192.168.1.0/24", "255.255.255.255",
		"::",	       "::1",		"fd00::/16",	  "fe80::1",
	};
	struct feed_guard g;
	size_t i;

	(void)state;
	feed_guard_defaults(&g);
	g.allow_private = 1;
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		assert_ip_ok(&g, special[i]);
}

/* ---- protected addresses ---- */

static void test_protected_addresses(void **state)
{
	const struct ip_prefix protect[] = {
		prefix("192.0.2.1"),
		prefix("2001:db8::53"),
		prefix("198.51.100.0/24"),
	};
	static const char *const what[] = {"the gateway", "a resolver", NULL};
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	g.protect = protect;
	g.nprotect = 3;
	g.protect_what = what;
	assert_ip_refused(&g, "192.0.2.0/24",
			  "192.0.2.0/24 covers protected address 192.0.2.1 (the gateway)");
	assert_ip_refused(&g, "192.0.0.0/16",
			  "192.0.0.0/16 covers protected address 192.0.2.1 (the gateway)");
	assert_ip_refused(&g, "192.0.2.0/31",
			  "192.0.2.0/31 covers protected address 192.0.2.1 (the gateway)");
	assert_ip_refused(&g, "192.0.2.1",
			  "192.0.2.1 is the protected address 192.0.2.1 (the gateway)");
	assert_ip_ok(&g, "192.0.2.0");
	assert_ip_ok(&g, "192.0.2.2");
	assert_ip_ok(&g, "192.0.2.2/31");
	assert_ip_ok(&g, "192.0.3.0/24");

	assert_ip_refused(&g, "2001:db8::/32",
			  "2001:db8::/32 covers protected address 2001:db8::53 (a resolver)");
	assert_ip_refused(&g, "2001:db8::53",
			  "2001:db8::53 is the protected address 2001:db8::53 (a resolver)");
	assert_ip_refused(&g, "2001:db8::52/127",
			  "2001:db8::52/127 covers protected address 2001:db8::53 (a resolver)");
	assert_ip_ok(&g, "2001:db8::54/127");
	assert_ip_ok(&g, "2001:db8:1::/48");
	/* 2001:db8::53's first bits as IPv4: another family, another address. */
	assert_ip_ok(&g, "32.1.13.184");

	/* A protected network: no entry may overlap it, from outside or inside. */
	assert_ip_refused(&g, "198.51.0.0/16",
			  "198.51.0.0/16 covers protected network 198.51.100.0/24");
	assert_ip_refused(&g, "198.51.100.0/24",
			  "198.51.100.0/24 covers protected network 198.51.100.0/24");
	assert_ip_refused(&g, "198.51.100.7",
			  "198.51.100.7 is inside protected network 198.51.100.0/24");
	assert_ip_ok(&g, "198.51.101.0/24");
	assert_ip_ok(&g, "198.51.99.255");

	/* Without labels, no parentheses. */
	g.protect_what = NULL;
	assert_ip_refused(&g, "192.0.2.0/24", "192.0.2.0/24 covers protected address 192.0.2.1");
	/* None configured: accepted. */
	g.nprotect = 0;
	assert_ip_ok(&g, "192.0.2.0/24");
}

/* A private gateway: the private check speaks first; with private ranges allowed, it still holds.
 */
static void test_protected_private_gateway(void **state)
{
	const struct ip_prefix protect[] = {prefix("10.0.0.1"), prefix("fd00::1")};
	static const char *const what[] = {"the gateway", "the gateway"};
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	g.protect = protect;
	g.nprotect = 2;
	g.protect_what = what;
	assert_ip_refused(&g, "10.0.0.0/24", "10.0.0.0/24 is inside private range 10.0.0.0/8");
	g.allow_private = 1;
	assert_ip_refused(&g, "10.0.0.0/24",
			  "10.0.0.0/24 covers protected address 10.0.0.1 (the gateway)");
	assert_ip_refused(&g, "fd00::/64",
			  "fd00::/64 covers protected address fd00::1 (the gateway)");
	assert_ip_ok(&g, "10.0.1.0/24");
	assert_ip_ok(&g, "fd00:0:0:1::/64");
}

/* A protected entry that is no valid prefix is ignored rather than matched by accident. */
static void test_protected_invalid_entries_ignored(void **state)
{
	struct ip_prefix protect[2] = {prefix("192.0.2.1"), prefix("192.0.2.1")};
	struct feed_guard g;

	(void)state;
	protect[0].family = 0;
	protect[1].prefixlen = 33;
	feed_guard_defaults(&g);
	g.protect = protect;
	g.nprotect = 2;
	assert_ip_ok(&g, "192.0.2.0/24");
}

static void test_invalid_prefix(void **state)
{
	struct ip_prefix p = prefix("192.0.2.0/24");
	char why[FEED_GUARD_WHY_MAX];
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	p.family = 5;
	assert_int_equal(feed_guard_ip(&g, &p, why, sizeof(why)), -1);
	assert_string_equal(why, "invalid prefix (family 5, length 24)");
	p.family = 4;
	p.prefixlen = 33;
	assert_int_equal(feed_guard_ip(&g, &p, why, sizeof(why)), -1);
	assert_string_equal(why, "invalid prefix (family 4, length 33)");
	p.family = 6;
	p.prefixlen = 129;
	assert_int_equal(feed_guard_ip(&g, &p, why, sizeof(why)), -1);
	assert_string_equal(why, "invalid prefix (family 6, length 129)");
}

/* why may be NULL or short: the verdict is the same, the text cut and terminated. */
static void test_why_buffer(void **state)
{
	struct ip_prefix p = prefix("0.0.0.0/0");
	struct feed_guard g;
	char small[8];
	struct dom_entry e = entry("google.com", NAME_AND_SUB);

	(void)state;
	feed_guard_defaults(&g);
	assert_int_equal(feed_guard_ip(&g, &p, NULL, 0), -1);
	assert_int_equal(feed_guard_ip(&g, &p, small, 0), -1);
	memset(small, 'x', sizeof(small));
	assert_int_equal(feed_guard_ip(&g, &p, small, sizeof(small)), -1);
	assert_string_equal(small, "0.0.0.0");
	assert_int_equal(feed_guard_domain(&g, &e, NULL, 0), -1);
	assert_int_equal(feed_guard_domain(&g, &e, small, sizeof(small)), -1);
	assert_string_equal(small, "blocks ");
	assert_int_equal(feed_guard_size(100, 1, 0.5, NULL, 0), -1);
	assert_int_equal(feed_guard_size(100, 1, 0.5, small, sizeof(small)), -1);
	assert_string_equal(small, "size ch");
	/* Success clears it. */
	p = prefix("203.0.113.0/24");
	assert_int_equal(feed_guard_ip(&g, &p, small, sizeof(small)), 0);
	assert_string_equal(small, "");
}

/* ---- the top-domain table ---- */

static void test_topdomains_table(void **state)
{
	size_t n = topdomains_count(), i;

	(void)state;
	assert_true(n >= 150 && n <= 250);
	assert_null(topdomains_get(n));
	assert_int_equal(topdomains_is_suffix(n), 0);
	for (i = 0; i < n; i++) {
		const char *name = topdomains_get(i);
		char canon[DNSNAME_BUF];

		assert_non_null(name);
		/* Canonical and at least two labels: what a list entry can be. */
		if (dnsname_normalize(name, strlen(name), canon, sizeof(canon), NULL, 0) !=
			    DNSNAME_OK ||
		    strcmp(canon, name) != 0)
			fail_msg("top domain %zu \"%s\" is not canonical", i, name);
		if (i > 0) {
			const char *prev = topdomains_get(i - 1);

			if (topdomains_compare(prev, strlen(prev), name, strlen(name)) >= 0)
				fail_msg("top domains out of order: \"%s\" must come after \"%s\"",
					 prev, name);
		}
		assert_int_equal(topdomains_find(name, strlen(name)), (long)i);
	}
}

/* The names the brief (issue 4) asks for, by kind. */
static void test_topdomains_contents(void **state)
{
	static const char *const services[] = {
		"google.com",
		"googleapis.com",
		"gstatic.com",
		"youtube.com",
		"microsoft.com",
		"windowsupdate.com",
		"office.com",
		"office365.com",
		"outlook.com",
		"live.com",
		"microsoftonline.com",
		"azure.com",
		"apple.com",
		"icloud.com",
		"amazon.com",
		"amazonaws.com",
		"akamai.net",
		"akamaized.net",
		"akamaiedge.net",
		"cloudflare.com",
		"fastly.net",
		"github.com",
		"githubusercontent.com",
		"dropbox.com",
		"zoom.us",
		"slack.com",
		"salesforce.com",
		"wikipedia.org",
		"debian.org",
		"ubuntu.com",
		"letsencrypt.org",
		"digicert.com",
		"sectigo.com",
		"globalsign.com",
		"ntp.org",
		"yahoo.co.jp",
		"line.me",
		"rakuten.co.jp",
		"go.jp",
		"lg.jp",
	};
	static const char *const suffixes[] = {
		"co.jp", "ne.jp",  "or.jp",	"ac.jp",
		"co.uk", "com.au", "github.io", "cloudfront.net",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		long at = topdomains_find(services[i], strlen(services[i]));

		if (at < 0)
			fail_msg("%s is not a top domain", services[i]);
		assert_int_equal(topdomains_is_suffix((size_t)at), 0);
	}
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		long at = topdomains_find(suffixes[i], strlen(suffixes[i]));

		if (at < 0)
			fail_msg("%s is not a top domain", suffixes[i]);
		assert_int_equal(topdomains_is_suffix((size_t)at), 1);
	}
}

static int cmp(const char *a, const char *b)
{
	int c = topdomains_compare(a, strlen(a), b, strlen(b));

	return c < 0 ? -1 : c > 0;
}

static void test_topdomains_compare(void **state)
{
	(void)state;
	/* Top-level domains form groups; a parent first, then the names below it. */
	assert_int_equal(cmp("com", "google.com"), -1);
	assert_int_equal(cmp("google.com", "jp"), -1);
	assert_int_equal(cmp("jp", "co.jp"), -1);
	assert_int_equal(cmp("co.jp", "yahoo.co.jp"), -1);
	assert_int_equal(cmp("yahoo.co.jp", "go.jp"), -1);
	assert_int_equal(cmp("go.jp", "yahoo.co.jp"), 1);
	assert_int_equal(cmp("b.a", "a.b"), -1);
	/* A dot sorts below '-': the names below x.com come before x-y.com... */
	assert_int_equal(cmp("www.x.com", "y-x.com"), -1);
	/* ...and bytes are read from the end. */
	assert_int_equal(cmp("x.com", "x-y.com"), -1);
	assert_int_equal(cmp("office.com", "office365.com"), 1);
	assert_int_equal(cmp("oogle.com", "google.com"), -1);
	assert_int_equal(cmp("a.example", "a.example"), 0);
	assert_int_equal(cmp("", "com"), -1);
	assert_int_equal(cmp("com", ""), 1);
	assert_int_equal(cmp("", ""), 0);
	/* Lengths are honoured: "google.com" cut to "google". */
	assert_int_equal(topdomains_compare("google.com", 6, "google", 6), 0);
}

static const char *found(long i)
{
	return i < 0 ? "(none)" : topdomains_get((size_t)i);
}

#define FIND(s)	      found(topdomains_find(s, strlen(s)))
#define FIND_BELOW(s) found(topdomains_find_below(s, strlen(s)))
#define PROTECTING(s) found(topdomains_protecting(s, strlen(s)))

static void test_topdomains_lookups(void **state)
{
	(void)state;
	assert_string_equal(FIND("google.com"), "google.com");
	assert_string_equal(FIND("com"), "(none)");
	assert_string_equal(FIND("www.google.com"), "(none)");
	assert_string_equal(FIND("oogle.com"), "(none)");
	assert_string_equal(FIND(""), "(none)");
	/* A name not NUL-terminated at len: "google.com.evil" cut to 10 bytes. */
	assert_string_equal(found(topdomains_find("google.com.evil", 10)), "google.com");

	/* The first name below, in table order. */
	assert_string_equal(FIND_BELOW("com"), "gvt1.com");
	assert_string_equal(FIND_BELOW("jp"), "ac.jp");
	assert_string_equal(FIND_BELOW("co.jp"), "jcb.co.jp");
	assert_string_equal(FIND_BELOW("ad.jp"), "nic.ad.jp");
	assert_string_equal(FIND_BELOW("google.com"), "(none)");
	assert_string_equal(FIND_BELOW("example.com"), "(none)");
	assert_string_equal(FIND_BELOW("o.jp"), "(none)");
	assert_string_equal(FIND_BELOW(""), "(none)");

	assert_string_equal(PROTECTING("google.com"), "google.com");
	assert_string_equal(PROTECTING("www.google.com"), "google.com");
	assert_string_equal(PROTECTING("a.b.c.yahoo.co.jp"), "yahoo.co.jp");
	assert_string_equal(PROTECTING("raw.githubusercontent.com"), "githubusercontent.com");
	assert_string_equal(PROTECTING("www.nta.go.jp"), "go.jp");
	assert_string_equal(PROTECTING("co.jp"), "co.jp");
	assert_string_equal(PROTECTING("evil.co.jp"), "(none)");
	assert_string_equal(PROTECTING("github.io"), "github.io");
	assert_string_equal(PROTECTING("evil.github.io"), "(none)");
	assert_string_equal(PROTECTING("sakura.ne.jp"), "sakura.ne.jp");
	assert_string_equal(PROTECTING("shop.sakura.ne.jp"), "(none)");
	assert_string_equal(PROTECTING("com"), "(none)");
	assert_string_equal(PROTECTING("example.com"), "(none)");
	assert_string_equal(PROTECTING("xgoogle.com"), "(none)");
	assert_string_equal(PROTECTING("google.com.evil.example"), "(none)");
	assert_string_equal(PROTECTING(""), "(none)");
}

/* ---- domain entries ---- */

static void test_domain_top_exact(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	assert_dom_refused(&g, "microsoft.com", NAME_AND_SUB, "blocks microsoft.com (" TOP ")");
	assert_dom_refused(&g, "microsoft.com", NAME_ONLY, "blocks microsoft.com (" TOP ")");
	assert_dom_refused(&g, "microsoft.com", SUB_ONLY,
			   "blocks every name below microsoft.com (" TOP ")");
	assert_dom_refused(&g, "yahoo.co.jp", NAME_AND_SUB, "blocks yahoo.co.jp (" TOP ")");
	assert_dom_refused(&g, "co.jp", NAME_ONLY, "blocks co.jp (" SUFX ")");
	assert_dom_refused(&g, "ne.jp", SUB_ONLY, "blocks every name below ne.jp (" SUFX ")");
	assert_dom_refused(&g, "github.io", NAME_AND_SUB, "blocks github.io (" SUFX ")");
}

static void test_domain_top_parent(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	assert_dom_refused(&g, "com", NAME_AND_SUB, "com is a parent of gvt1.com (" TOP ")");
	assert_dom_refused(&g, "com", SUB_ONLY, "com is a parent of gvt1.com (" TOP ")");
	assert_dom_refused(&g, "jp", NAME_AND_SUB, "jp is a parent of ac.jp (" SUFX ")");
	assert_dom_refused(&g, "ad.jp", NAME_AND_SUB, "blocks ad.jp (" SUFX ")");
	assert_dom_refused(&g, "google", SUB_ONLY, "google is a parent of dns.google (" TOP ")");
	/* Blocking only the parent name itself touches nothing below it. */
	assert_dom_ok(&g, "com", NAME_ONLY);
	assert_dom_ok(&g, "jp", NAME_ONLY);
}

static void test_domain_top_child_and_others(void **state)
{
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	/* Below a protected name: acceptable here (URL feeds ask feed_guard_name_protected). */
	assert_dom_ok(&g, "www.microsoft.com", NAME_AND_SUB);
	assert_dom_ok(&g, "evil.github.io", NAME_AND_SUB);
	assert_dom_ok(&g, "evil.co.jp", NAME_AND_SUB);
	assert_dom_ok(&g, "news.yahoo.co.jp", SUB_ONLY);
	/* Unrelated, or related only by text. */
	assert_dom_ok(&g, "example.com", NAME_AND_SUB);
	assert_dom_ok(&g, "xmicrosoft.com", NAME_AND_SUB);
	assert_dom_ok(&g, "microsoft.com.evil.example", NAME_AND_SUB);
	assert_dom_ok(&g, "soft.com", NAME_AND_SUB);
	assert_dom_ok(&g, "o.jp", NAME_AND_SUB);
}

static void test_domain_allow_and_nothing(void **state)
{
	struct dom_entry e = entry("microsoft.com", NAME_AND_SUB);
	char why[FEED_GUARD_WHY_MAX] = "x";
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	e.allow = 1;
	assert_int_equal(feed_guard_domain(&g, &e, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	e = entry("com", 0, 0);
	assert_int_equal(feed_guard_domain(&g, &e, why, sizeof(why)), 0);
}

static void test_domain_broken_entries(void **state)
{
	struct dom_entry e = entry("", SUB_ONLY);
	char why[FEED_GUARD_WHY_MAX];
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	assert_int_equal(feed_guard_domain(&g, &e, why, sizeof(why)), -1);
	assert_string_equal(why, "an empty name blocks every name");
	e = entry("", NAME_ONLY);
	assert_int_equal(feed_guard_domain(&g, &e, why, sizeof(why)), 0);
	memset(e.name, 'a', sizeof(e.name));
	assert_int_equal(feed_guard_domain(&g, &e, why, sizeof(why)), -1);
	assert_string_equal(why, "name is not terminated");
}

static void test_domain_configured(void **state)
{
	static const char *const names[] = {"intranet.example.co.jp", NULL, "", "partner.example"};
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	g.protect_names = names;
	g.nprotect_names = 4;
	assert_dom_refused(&g, "intranet.example.co.jp", NAME_ONLY,
			   "blocks intranet.example.co.jp (" CONF ")");
	assert_dom_refused(&g, "intranet.example.co.jp", SUB_ONLY,
			   "blocks every name below intranet.example.co.jp (" CONF ")");
	assert_dom_refused(&g, "example.co.jp", NAME_AND_SUB,
			   "example.co.jp is a parent of intranet.example.co.jp (" CONF ")");
	assert_dom_refused(&g, "partner.example", NAME_AND_SUB,
			   "blocks partner.example (" CONF ")");
	assert_dom_refused(&g, "example", SUB_ONLY,
			   "example is a parent of partner.example (" CONF ")");
	assert_dom_ok(&g, "example.co.jp", NAME_ONLY);
	assert_dom_ok(&g, "www.intranet.example.co.jp", NAME_AND_SUB);
	assert_dom_ok(&g, "rtner.example", NAME_AND_SUB);
	assert_dom_ok(&g, "xpartner.example", NAME_AND_SUB);
	assert_dom_ok(&g, "other.example", NAME_AND_SUB);
	/* The built-in names are checked first, and still without configured ones. */
	assert_dom_refused(&g, "co.jp", NAME_AND_SUB, "blocks co.jp (" SUFX ")");
	g.nprotect_names = 0;
	assert_dom_ok(&g, "partner.example", NAME_AND_SUB);
	assert_dom_refused(&g, "google.com", NAME_AND_SUB, "blocks google.com (" TOP ")");
}

/* A name of len bytes that ends in ".tail": labels of 63 'a' (one shorter) before it. */
static const char *long_name(size_t len, const char *tail)
{
	static char buf[DNSNAME_MAX + 64];
	size_t head = len - strlen(tail) - 1, i;

	assert_true(len < sizeof(buf));
	for (i = 0; i < head; i++)
		buf[i] = (i + 1) % 64 == 0 ? '.' : 'a';
	/* No empty label before the tail. */
	if (head > 0 && buf[head - 1] == '.')
		buf[head - 1] = 'a';
	snprintf(buf + head, sizeof(buf) - head, ".%s", tail);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void test_name_protected(void **state)
{
	static const char *const names[] = {"partner.example", NULL, ""};
	struct feed_guard g;

	(void)state;
	feed_guard_defaults(&g);
	assert_int_equal(feed_guard_name_protected(&g, "github.com"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "api.github.com"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "objects.githubusercontent.com"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "login.microsoftonline.com"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "www.nta.go.jp"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "github.io"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "co.jp"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "evil.github.io"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "evil.co.jp"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "d111111abcdef8.cloudfront.net"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "jp"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "com"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "example.com"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "xgithub.com"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "github.com.evil.example"), 0);
	assert_int_equal(feed_guard_name_protected(&g, ""), 0);
	assert_int_equal(feed_guard_name_protected(&g, NULL), 0);
	assert_int_equal(feed_guard_name_protected(&g, long_name(DNSNAME_MAX, "github.com")), 1);
	assert_int_equal(feed_guard_name_protected(&g, long_name(DNSNAME_MAX + 1, "github.com")),
			 0);
	assert_int_equal(feed_guard_name_protected(&g, "partner.example"), 0);
	g.protect_names = names;
	g.nprotect_names = 3;
	assert_int_equal(feed_guard_name_protected(&g, "partner.example"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "a.b.partner.example"), 1);
	assert_int_equal(feed_guard_name_protected(&g, "example"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "xpartner.example"), 0);
	assert_int_equal(feed_guard_name_protected(&g, "github.com"), 1);
}

/* ---- update size ---- */

static void test_size_small_previous(void **state)
{
	(void)state;
	/* Too few entries before to judge a change. */
	assert_size_ok(0, 100000, 0.5);
	assert_size_ok(19, 0, 0.5);
	assert_size_ok(19, 100000, 0.5);
	assert_size_refused(20, 0, 0.5, "size changes from 20 to 0 entries (-100%, limit 50%)");
}

static void test_size_boundaries(void **state)
{
	(void)state;
	/* Exactly the limit passes, one more entry does not. */
	assert_size_ok(20, 30, 0.5);
	assert_size_refused(20, 31, 0.5, "size changes from 20 to 31 entries (+55%, limit 50%)");
	assert_size_ok(20, 10, 0.5);
	assert_size_refused(20, 9, 0.5, "size changes from 20 to 9 entries (-55%, limit 50%)");
	assert_size_ok(1000, 1000, 0.5);
	assert_size_refused(1000, 12, 0.5,
			    "size changes from 1000 to 12 entries (-99%, limit 50%)");
	assert_size_refused(1000, 2600, 0.5,
			    "size changes from 1000 to 2600 entries (+160%, limit 50%)");
	/* Whole percents would read "-50%, limit 50%": a decimal shows why. */
	assert_size_refused(1000, 496, 0.5,
			    "size changes from 1000 to 496 entries (-50.4%, limit 50%)");
	assert_size_ok(1000, 500, 0.5);
	/* A limit of 1 lets a feed empty itself, not more than double. */
	assert_size_ok(1000, 0, 1.0);
	assert_size_ok(1000, 2000, 1.0);
	assert_size_refused(1000, 2001, 1.0,
			    "size changes from 1000 to 2001 entries (+100.1%, limit 100%)");
	assert_size_refused(1000, 0, 0.99,
			    "size changes from 1000 to 0 entries (-100%, limit 99%)");
	assert_size_refused(1000, 0, 0.125,
			    "size changes from 1000 to 0 entries (-100%, limit 12.5%)");
	/* No change allowed at all. */
	assert_size_ok(100, 100, 0);
	assert_size_refused(100, 101, 0, "size changes from 100 to 101 entries (+1%, limit 0%)");
	assert_size_refused(1000, 1001, 0,
			    "size changes from 1000 to 1001 entries (+0.1%, limit 0%)");
	/* No limit. */
	assert_size_ok(20, 1000000, INFINITY);
}

static void test_size_invalid_limit(void **state)
{
	(void)state;
	assert_size_refused(1000, 1000, -0.1, "invalid size change limit");
	assert_size_refused(0, 0, NAN, "invalid size change limit");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_prefix_length_ipv4),
		cmocka_unit_test(test_prefix_length_ipv6),
		cmocka_unit_test(test_prefix_length_checked_first),
		cmocka_unit_test(test_special_ranges_ipv4),
		cmocka_unit_test(test_special_ranges_ipv6),
		cmocka_unit_test(test_special_ranges_keep_families_apart),
		cmocka_unit_test(test_allow_private),
		cmocka_unit_test(test_protected_addresses),
		cmocka_unit_test(test_protected_private_gateway),
		cmocka_unit_test(test_protected_invalid_entries_ignored),
		cmocka_unit_test(test_invalid_prefix),
		cmocka_unit_test(test_why_buffer),
		cmocka_unit_test(test_topdomains_table),
		cmocka_unit_test(test_topdomains_contents),
		cmocka_unit_test(test_topdomains_compare),
		cmocka_unit_test(test_topdomains_lookups),
		cmocka_unit_test(test_domain_top_exact),
		cmocka_unit_test(test_domain_top_parent),
		cmocka_unit_test(test_domain_top_child_and_others),
		cmocka_unit_test(test_domain_allow_and_nothing),
		cmocka_unit_test(test_domain_broken_entries),
		cmocka_unit_test(test_domain_configured),
		cmocka_unit_test(test_name_protected),
		cmocka_unit_test(test_size_small_previous),
		cmocka_unit_test(test_size_boundaries),
		cmocka_unit_test(test_size_invalid_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

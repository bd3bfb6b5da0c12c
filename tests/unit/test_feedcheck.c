// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for lib/feedcheck.c: what a feed update must pass before it
 * replaces the current data. The bad updates of real life: a truncated
 * download, an HTML error page served instead of the list, a list holding
 * 0.0.0.0/0 or a private range or the gateway, an empty list, a list that
 * suddenly lost most of its entries, a domain feed blocking a top domain.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config.h"
#include "lib/feedcheck.h"
#include "testutil.h"

static struct feed_guard guard;
static struct ip_prefix gateway;
static const char *const gateway_what[] = { "the gateway" };

static struct feed_check ip_check(void)
{
	feed_guard_defaults(&guard);
	ip_prefix_parse("192.0.2.1", &gateway);
	guard.protect = &gateway;
	guard.nprotect = 1;
	guard.protect_what = gateway_what;
	return (struct feed_check){ .kind = UTM_LIST_KIND_IP, .guard = &guard, .prev = -1,
				    .max_change_pct = 50 };
}

/* feed_check on a string; why is left in the caller's buffer. */
static int check(const struct feed_check *c, const char *text, size_t *n, char *why)
{
	*n = 0;
	why[0] = '\0';
	return feed_check(text, strlen(text), c, n, why, FEED_CHECK_WHY_MAX);
}

static char *fixture(const char *rel, size_t *len)
{
	char path[PATH_MAX];
	char *buf;

	assert_int_equal(repo_path(path, sizeof(path), rel), 0);
	buf = read_file(path, len);
	assert_non_null(buf);
	return buf;
}

static void test_good_ip_list(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	assert_int_equal(check(&c, "# feed\n203.0.113.0/24\n198.51.100.7\n2001:db8::/32\n", &n,
			       why),
			 0);
	assert_int_equal(n, 3);
}

static void test_whole_internet_refused(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	assert_int_equal(check(&c, "203.0.113.9\n0.0.0.0/0\n", &n, why), -1);
	assert_string_equal(why, "2: 0.0.0.0/0 is shorter than /8");
	assert_int_equal(check(&c, "::/0\n", &n, why), -1);
	assert_string_equal(why, "1: ::/0 is shorter than /16");
}

static void test_private_and_gateway_refused(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	assert_int_equal(check(&c, "203.0.113.9\n\n192.168.1.0/24\n", &n, why), -1);
	assert_string_equal(why, "3: 192.168.1.0/24 is inside private range 192.168.0.0/16");
	assert_int_equal(check(&c, "192.0.2.0/24\n", &n, why), -1);
	assert_string_equal(why, "1: 192.0.2.0/24 covers protected address 192.0.2.1 (the gateway)");
	/* allow-private lets a bogon list through; the gateway stays protected. */
	guard.allow_private = 1;
	assert_int_equal(check(&c, "192.168.1.0/24\n", &n, why), 0);
	assert_int_equal(check(&c, "192.0.2.1\n", &n, why), -1);
}

static void test_allowlist_not_guarded(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	c.allow = 1;
	assert_int_equal(check(&c, "10.0.0.0/8\n192.0.2.1\n", &n, why), 0);
	assert_int_equal(n, 2);
}

static void test_empty_refused_unless_allowed(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	assert_int_equal(check(&c, "# nothing today\n", &n, why), -1);
	assert_string_equal(why, "the feed has no entry (an empty or garbled download?)");
	assert_int_equal(check(&c, "", &n, why), -1);
	c.allow_empty = 1;
	assert_int_equal(check(&c, "", &n, why), 0);
	assert_int_equal(n, 0);
}

static void test_size_change_refused(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	c.prev = 40;
	assert_int_equal(check(&c, "203.0.113.1\n203.0.113.2\n", &n, why), -1);
	assert_string_equal(why, "size changes from 40 to 2 entries (-95%, limit 50%)");
	c.max_change_pct = 100;
	assert_int_equal(check(&c, "203.0.113.1\n203.0.113.2\n", &n, why), 0);
	/* No previous data: any size is fine. */
	c.prev = -1;
	c.max_change_pct = 50;
	assert_int_equal(check(&c, "203.0.113.1\n", &n, why), 0);
}

static void test_truncated_spamhaus_json(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t len, n;
	char *buf = fixture("tests/fixtures/feeds/drop_truncated.json", &len);

	c.format = UTM_FMT_SPAMHAUS_JSON;
	assert_int_equal(feed_check(buf, len, &c, &n, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no metadata line: truncated download?"));
	free(buf);
	buf = fixture("tests/fixtures/feeds/drop_v4.json", &len);
	assert_int_equal(feed_check(buf, len, &c, &n, why, sizeof(why)), 0);
	assert_true(n > 0);
	free(buf);
}

static void test_truncated_plain_list(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	/* Cut in the middle of an address: the last line does not parse. */
	assert_int_equal(check(&c, "203.0.113.1\n203.0.113.2\n203.0.1", &n, why), -1);
	assert_non_null(strstr(why, "3: "));
}

static void test_html_error_page(void **state)
{
	static const char page[] = "<!DOCTYPE html>\n<html><head><title>503 Service "
				   "Unavailable</title></head>\n<body>Try later</body></html>\n";
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	assert_int_equal(check(&c, page, &n, why), -1);
	assert_non_null(strstr(why, "1: "));
	/* A domain feed skips bad lines, and is then empty: refused all the same. */
	c.kind = UTM_LIST_KIND_DOMAINS;
	assert_int_equal(check(&c, page, &n, why), -1);
	assert_string_equal(why, "the feed has no entry (an empty or garbled download?)");
}

static void test_domain_feed_top_domain(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t n;

	c.kind = UTM_LIST_KIND_DOMAINS;
	assert_int_equal(check(&c, "evil.example\nmicrosoft.com\n", &n, why), -1);
	assert_string_equal(why,
			    "2: blocks microsoft.com (a top domain that must never be blocked)");
	assert_int_equal(check(&c, "evil.example\nupdate.evil.example\n", &n, why), 0);
	assert_int_equal(n, 2);
}

/* A URL feed: a URL on a top domain is left out of the DNS guard, not refused. */
static void test_url_feed_leaves_top_domains_out(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	size_t len, n, d;
	char *buf = fixture("tests/fixtures/feeds/urlhaus.csv", &len);
	struct dom_entry e = { .name = "raw.githubusercontent.com", .covers_name = 1 };
	static const char top[] = "\"9\",\"2026-11-01 10:00:00\",\"https://raw.githubusercontent.com/"
				  "x/y/main/evil.sh\",\"online\",\"2026-11-01 10:00:00\","
				  "\"malware_download\",\"sh\",\"https://urlhaus.abuse.ch/url/9/\",\"t\"\n";
	char *both = malloc(len + sizeof(top));

	assert_non_null(both);
	memcpy(both, buf, len);
	memcpy(both + len, top, sizeof(top) - 1);
	c.kind = UTM_LIST_KIND_URLS;
	c.format = UTM_FMT_URLHAUS_CSV;
	assert_int_equal(feed_check(both, len + sizeof(top) - 1, &c, &n, why, sizeof(why)), 0);
	c.guard = NULL;
	assert_int_equal(feed_check(both, len + sizeof(top) - 1, &c, &d, why, sizeof(why)), 0);
	c.guard = &guard;
	assert_true(n > 0);
	assert_int_equal(n + 1, d); /* only the github host is left out */
	free(both);
	assert_int_equal(feed_check_domain_entry(&c, &e, why, sizeof(why)), 1);
	strcpy(e.name, "bad.example.test");
	assert_int_equal(feed_check_domain_entry(&c, &e, why, sizeof(why)), 0);
	free(buf);
}

/* CrowdSec: a decision the bridge must not apply is left out; the others apply. */
static void test_crowdsec_leaves_out(void **state)
{
	struct feed_check c = ip_check();
	char why[FEED_CHECK_WHY_MAX];
	struct ip_prefix lan;
	size_t n;

	c.format = UTM_FMT_CROWDSEC;
	assert_int_equal(check(&c, "192.168.1.50 # crowdsec id=1\n203.0.113.67 # crowdsec id=2\n",
			       &n, why),
			 0);
	assert_int_equal(n, 1);
	ip_prefix_parse("192.168.1.50", &lan);
	assert_int_equal(feed_check_ip_entry(&c, &lan, NULL, 0), 1);
	c.format = UTM_FMT_AUTO;
	assert_int_equal(feed_check_ip_entry(&c, &lan, why, sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_ip_list),
		cmocka_unit_test(test_whole_internet_refused),
		cmocka_unit_test(test_private_and_gateway_refused),
		cmocka_unit_test(test_allowlist_not_guarded),
		cmocka_unit_test(test_empty_refused_unless_allowed),
		cmocka_unit_test(test_size_change_refused),
		cmocka_unit_test(test_truncated_spamhaus_json),
		cmocka_unit_test(test_truncated_plain_list),
		cmocka_unit_test(test_html_error_page),
		cmocka_unit_test(test_domain_feed_top_domain),
		cmocka_unit_test(test_url_feed_leaves_top_domains_out),
		cmocka_unit_test(test_crowdsec_leaves_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

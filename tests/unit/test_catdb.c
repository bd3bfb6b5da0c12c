// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lib/catdb.c: suffix matching on label boundaries, longest match, URL
 * entries on path-segment boundaries, case and trailing dots, addresses,
 * a name in several categories, memory for many names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/catdb.h"

static struct catdb *db;
static int games, adult, shop;

static int host(const char *h)
{
	return catdb_lookup_host(db, h, strlen(h));
}

static int url(const char *h, const char *p)
{
	return catdb_lookup_url(db, h, strlen(h), p, strlen(p));
}

static void add_dom(const char *name, int cat)
{
	assert_int_equal(catdb_add_domain(db, name, strlen(name), (uint8_t)cat), 0);
}

static void add_url(const char *u, int cat)
{
	assert_int_equal(catdb_add_url(db, u, strlen(u), (uint8_t)cat), 0);
}

static int setup(void **state)
{
	db = catdb_new();
	assert_non_null(db);
	games = catdb_add_category(db, "games", "Games", "Game sites.", NULL, "black");
	adult = catdb_add_category(db, "adult", NULL, NULL, NULL, NULL);
	shop = catdb_add_category(db, "shopping", NULL, NULL, NULL, NULL);
	assert_int_equal(games, 0);
	assert_int_equal(adult, 1);
	assert_int_equal(shop, 2);
	return 0;
}

static int teardown(void **state)
{
	catdb_free(db);
	db = NULL;
	return 0;
}

static void test_categories(void **state)
{
	const struct catdb_category *c;

	/* The same short name is the same id; later texts fill the gaps only. */
	assert_int_equal(catdb_add_category(db, "adult", "Adult (X)", "Adult sites", NULL, "black"),
			 adult);
	assert_int_equal(catdb_add_category(db, "games", "Other", NULL, NULL, NULL), games);
	c = catdb_category(db, adult);
	assert_string_equal(c->name_en, "Adult (X)");
	assert_string_equal(c->name_ja, "アダルト");
	assert_string_equal(c->default_type, "black");
	assert_string_equal(catdb_category(db, games)->name_en, "Games");
	assert_string_equal(catdb_category(db, games)->name_ja, "ゲーム");
	assert_int_equal(catdb_find_category(db, "shopping"), shop);
	assert_int_equal(catdb_find_category(db, "nope"), -1);
	assert_null(catdb_category(db, 99));
	/* Not in the built-in table: the English name. */
	c = catdb_category(db, catdb_add_category(db, "examen_pix", "Pix exams", NULL, NULL, NULL));
	assert_string_equal(c->name_ja, "Pix exams");
	assert_string_equal(catdb_ja_name("social_networks"), "ソーシャルネットワーク");
	assert_string_equal(catdb_ja_name("warez"), "違法ソフト");
	assert_int_equal(catdb_add_category(db, "", NULL, NULL, NULL, NULL), -1);
	/* An unknown category id is refused. */
	assert_int_equal(catdb_add_domain(db, "x.example", 9, 200), -1);
}

static void test_suffix_boundaries(void **state)
{
	struct catdb_match m;

	add_dom("games.example.com", games);
	assert_int_equal(host("games.example.com"), games);
	assert_int_equal(host("www.games.example.com"), games);
	assert_int_equal(host("a.b.c.games.example.com"), games);
	assert_int_equal(host("xgames.example.com"), -1);
	assert_int_equal(host("example.com"), -1);
	assert_int_equal(host("games.example.co"), -1);
	assert_int_equal(host("games.example.com.evil.net"), -1);
	assert_int_equal(host(""), -1);
	assert_int_equal(catdb_match_host(db, "www.games.example.com", 21, &m), games);
	assert_int_equal(m.host_off, 4);
	assert_int_equal(m.is_url, 0);
	assert_int_equal(m.ncats, 1);
	/* Not NUL-terminated: only len bytes count. */
	assert_int_equal(catdb_lookup_host(db, "games.example.comX", 17), games);
}

static void test_longest_match(void **state)
{
	struct catdb_match m;

	add_dom("example.net", shop);
	add_dom("play.example.net", games);
	assert_int_equal(host("example.net"), shop);
	assert_int_equal(host("www.example.net"), shop);
	assert_int_equal(host("play.example.net"), games);
	assert_int_equal(catdb_match_host(db, "a.play.example.net", 18, &m), games);
	assert_int_equal(m.host_off, 2);
}

static void test_case_and_dot(void **state)
{
	add_dom("Shop.Example.ORG.", shop);
	assert_int_equal(host("shop.example.org"), shop);
	assert_int_equal(host("WWW.SHOP.EXAMPLE.ORG"), shop);
	assert_int_equal(host("www.shop.example.org."), shop);
	assert_int_equal(host("www.shop.example.org.."), -1);
}

static void test_ip_hosts(void **state)
{
	add_dom("192.0.2.10", adult);
	add_dom("2001:db8::1", adult);
	add_dom("0.2.10", games); /* a "suffix" of the address is never looked up */
	assert_int_equal(host("192.0.2.10"), adult);
	assert_int_equal(host("2001:db8::1"), adult);
	assert_int_equal(host("192.0.2.1"), -1);
	assert_int_equal(host("10.192.0.2.10"), adult); /* no such address: a name */
	assert_int_equal(host("1.0.2.10"), -1);
}

static void test_two_categories(void **state)
{
	struct catdb_match m;
	struct catdb_stats st;

	add_dom("both.example.org", adult);
	add_dom("both.example.org", shop);
	add_dom("BOTH.example.org", adult); /* again: no change */
	assert_int_equal(catdb_match_host(db, "www.both.example.org", 20, &m), adult);
	assert_int_equal(m.ncats, 2);
	assert_int_equal(m.cats[0], adult);
	assert_int_equal(m.cats[1], shop);
	catdb_get_stats(db, &st);
	assert_int_equal(st.domains, 1);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(catdb_category(db, adult)->domains, 1);
	assert_int_equal(catdb_category(db, shop)->domains, 0);
}

static void test_urls(void **state)
{
	struct catdb_match m;

	add_dom("portal.example.org", shop);
	add_url("portal.example.org/games", games);
	add_url("portal.example.org/games/adult/", adult);
	add_url("cdn.example.org", adult); /* a URL entry with no path: the whole host */
	add_url("10.1.2.3/jeux", games);
	/* Segment boundaries: '/', '?', '#' and the end. */
	assert_int_equal(url("portal.example.org", "/games"), games);
	assert_int_equal(url("portal.example.org", "/games/"), games);
	assert_int_equal(url("portal.example.org", "/games/tetris"), games);
	assert_int_equal(url("portal.example.org", "/games?id=1"), games);
	assert_int_equal(url("portal.example.org", "/GAMES#top"), games);
	assert_int_equal(url("portal.example.org", "games"), games);
	assert_int_equal(url("portal.example.org", "//games"), games);
	assert_int_equal(url("portal.example.org", "/gamesx"), shop);
	assert_int_equal(url("portal.example.org", "/game"), shop);
	assert_int_equal(url("portal.example.org", "/"), shop);
	assert_int_equal(url("portal.example.org", ""), shop);
	/* Longest path wins; a subdomain matches as for domains. */
	assert_int_equal(url("portal.example.org", "/games/adult/x"), adult);
	assert_int_equal(url("www.portal.example.org", "/games/adult"), adult);
	assert_int_equal(catdb_match_url(db, "www.portal.example.org", 22, "/games/x", 8, &m),
			 games);
	assert_int_equal(m.is_url, 1);
	assert_int_equal(m.host_off, 4);
	assert_int_equal(m.path_len, 6); /* "/games" */
	assert_int_equal(url("xportal.example.org", "/games"), -1);
	assert_int_equal(url("img.cdn.example.org", "/a/b"), adult);
	assert_int_equal(url("10.1.2.3", "/jeux/x"), games);
	assert_int_equal(url("10.1.2.3", "/"), -1);
	/* Falls back to the domains. */
	add_dom("games.example.com", games);
	assert_int_equal(url("www.games.example.com", "/x"), games);
	assert_int_equal(catdb_match_url(db, "www.games.example.com", 21, "/x", 2, &m), games);
	assert_int_equal(m.is_url, 0);
	assert_int_equal(url("unknown.example", "/games"), -1);
}

static void test_unknown_and_empty(void **state)
{
	assert_int_equal(host("anything.example"), -1);
	assert_int_equal(url("anything.example", "/x"), -1);
	assert_true(catdb_memory(db) > 0);
}

/* 200k names: all found, a miss stays a miss, about 12 bytes a slot. */
static void test_many(void **state)
{
	char name[64];
	struct catdb_stats st;
	int i, n = 200000;

	for (i = 0; i < n; i++) {
		int len = snprintf(name, sizeof(name), "host%d.example%d.com", i, i % 97);

		assert_int_equal(catdb_add_domain(db, name, (size_t)len, (uint8_t)(i % 3)), 0);
	}
	for (i = 0; i < n; i += 7) {
		int len = snprintf(name, sizeof(name), "www.host%d.example%d.com", i, i % 97);

		assert_int_equal(catdb_lookup_host(db, name, (size_t)len), i % 3);
		len = snprintf(name, sizeof(name), "xhost%d.example%d.com", i, i % 97);
		assert_int_equal(catdb_lookup_host(db, name, (size_t)len), -1);
	}
	catdb_get_stats(db, &st);
	assert_int_equal(st.domains, n);
	/* 2^19 slots of 12 bytes (load 38%), plus little. */
	assert_true(catdb_memory(db) < 7u * 1000 * 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_categories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suffix_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_and_dot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_categories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

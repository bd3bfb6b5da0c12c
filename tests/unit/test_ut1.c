// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lib/ut1.c and lib/ut1_load.c: global_usage blocks and their quirks,
 * domains/urls lines (CRLF, comments, blanks, bad lines with their line
 * numbers), the fixture tree tests/fixtures/ut1/, an unreadable category,
 * a missing directory, and the real UT1 data in ../shared/data when it is
 * there (or $UTM_SHARED_DATA).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lib/ut1.h"
#include "testutil.h"

#define MAXC 16

struct got {
	struct ut1_catinfo c[MAXC];
	int n;
	unsigned int bad_lines[MAXC];
	char bad_why[MAXC][UT1_WHY_MAX];
	int nbad;
	char entries[MAXC][256];
	unsigned int lines[MAXC];
	int ne;
};

static int keep_cat(const struct ut1_catinfo *c, void *ctx)
{
	struct got *g = ctx;

	if (g->n < MAXC)
		g->c[g->n++] = *c;
	return 0;
}

static void keep_bad(unsigned int line, const char *why, void *ctx)
{
	struct got *g = ctx;

	if (g->nbad < MAXC) {
		g->bad_lines[g->nbad] = line;
		snprintf(g->bad_why[g->nbad++], UT1_WHY_MAX, "%s", why);
	}
}

static int keep_entry(const struct ut1_entry *e, unsigned int line, void *ctx)
{
	struct got *g = ctx;

	assert_int_equal(strlen(e->text), e->len);
	assert_ptr_equal(e->host, e->text);
	if (e->pathlen)
		assert_memory_equal(e->text + e->hostlen + 1, e->path, e->pathlen);
	if (g->ne < MAXC) {
		snprintf(g->entries[g->ne], 256, "%s", e->text);
		g->lines[g->ne++] = line;
	}
	return 0;
}

static void test_global_usage(void **state)
{
	static const char text[] = "# comment\n"
				   "NAME:\tadult\n"
				   "DEFAULT_TYPE: black\n"
				   "DESC EN: Adult sites.\n"
				   "DESC FR: Sites adultes.\n"
				   "NAME EN: Adult (X)\n"
				   "NAME FR: Adulte (X)\n"
				   "\n\n"
				   "NAME:   download\r\n"
				   "DEFAULT_TYPE: white\r\n"
				   "name en:\tSoftware download  \r\n"
				   "NAME: chat\n" /* no blank line before it */
				   "no colon here\n"
				   "\n"
				   "DESC EN: orphan\n"
				   "NAME: bad/name\n"
				   "DESC EN: of the bad block\n"
				   "\n"
				   "NAME: ai";
	struct got g = {0};

	assert_int_equal(ut1_parse_global_usage(text, sizeof(text) - 1, keep_cat, keep_bad, &g), 0);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.c[0].name, "adult");
	assert_string_equal(g.c[0].name_en, "Adult (X)");
	assert_string_equal(g.c[0].desc_en, "Adult sites.");
	assert_string_equal(g.c[0].desc_fr, "Sites adultes.");
	assert_string_equal(g.c[0].default_type, "black");
	assert_int_equal(g.c[0].line, 2);
	assert_string_equal(g.c[1].name, "download");
	assert_string_equal(g.c[1].name_en, "Software download");
	assert_string_equal(g.c[1].default_type, "white");
	assert_string_equal(g.c[2].name, "chat");
	assert_string_equal(g.c[2].name_en, "");
	assert_string_equal(g.c[3].name, "ai");
	assert_int_equal(g.c[3].line, 20);
	/* no colon (14), field outside a block (16), bad NAME (17), its field (18) */
	assert_int_equal(g.nbad, 4);
	assert_int_equal(g.bad_lines[0], 14);
	assert_int_equal(g.bad_lines[1], 16);
	assert_int_equal(g.bad_lines[2], 17);
	assert_int_equal(g.bad_lines[3], 18);
	assert_non_null(strstr(g.bad_why[0], "KEY: value"));
	/* Empty input, and a stop. */
	assert_int_equal(ut1_parse_global_usage("", 0, keep_cat, NULL, &g), 0);
}

static int stop_cat(const struct ut1_catinfo *c, void *ctx)
{
	return 7;
}

static void test_global_usage_long_utf8(void **state)
{
	char text[600];
	struct got g = {0};
	size_t n;

	/* "é" is 2 bytes: a cut must not leave half of one. */
	n = (size_t)snprintf(text, sizeof(text), "NAME: x\nDESC FR: ");
	while (n < sizeof(text) - 3) {
		memcpy(text + n, "\xc3\xa9", 2);
		n += 2;
	}
	assert_int_equal(ut1_parse_global_usage(text, n, keep_cat, NULL, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(strlen(g.c[0].desc_fr) % 2, 0);
	assert_true(strlen(g.c[0].desc_fr) >= CATDB_TEXT_MAX - 2);
	assert_int_equal(ut1_parse_global_usage(text, n, stop_cat, NULL, NULL), 7);
}

static void test_list_domains(void **state)
{
	static const char text[] = "# comment\r\n"
				   "\r\n"
				   "  Example.COM.  \r\n"
				   "www.example.net # trailing comment\n"
				   "two fields\n"
				   "com\n"
				   "192.0.2.1\n"
				   "999.1.2.3\n"
				   "a..b\n"
				   "example.org/path\n"
				   "bücher.example\n"
				   "   \t\n"
				   "last.example";
	struct ut1_list_stats st;
	struct got g = {0};

	assert_int_equal(
		ut1_parse_list(text, sizeof(text) - 1, UT1_DOMAINS, keep_entry, keep_bad, &g, &st),
		0);
	assert_int_equal(st.entries, 5);
	assert_int_equal(st.bad, 5);
	assert_string_equal(g.entries[0], "example.com");
	assert_int_equal(g.lines[0], 3);
	assert_string_equal(g.entries[1], "www.example.net");
	assert_string_equal(g.entries[2], "192.0.2.1");
	assert_int_equal(g.lines[2], 7);
	assert_string_equal(g.entries[3], "xn--bcher-kva.example");
	assert_string_equal(g.entries[4], "last.example");
	assert_int_equal(g.lines[4], 13);
	assert_int_equal(g.bad_lines[0], 5);
	assert_string_equal(g.bad_why[0], "more than one field");
	assert_int_equal(g.bad_lines[1], 6);
	assert_non_null(strstr(g.bad_why[1], "single label"));
	assert_int_equal(g.bad_lines[2], 8);
	assert_non_null(strstr(g.bad_why[2], "IP address"));
	assert_int_equal(g.bad_lines[3], 9);
	assert_int_equal(g.bad_lines[4], 10);
	assert_string_equal(g.bad_why[4], "a URL in a domains file");
	assert_int_equal(st.first_bad_line, 5);
	assert_string_equal(st.first_bad_why, "more than one field");
}

static void test_list_urls(void **state)
{
	static const char text[] = "example.com/games\n"
				   "HTTP://Example.com/Jeux/\r\n"
				   "208.80.53.49/jeux\n"
				   "host.example/\n"
				   "bad_host!.example/x\n"
				   "example.org/a\x01z\n"
				   "example.net/a/b?c=d";
	struct ut1_list_stats st;
	struct got g = {0};

	assert_int_equal(
		ut1_parse_list(text, sizeof(text) - 1, UT1_URLS, keep_entry, keep_bad, &g, &st), 0);
	assert_int_equal(st.entries, 5);
	assert_int_equal(st.bad, 2);
	assert_string_equal(g.entries[0], "example.com/games");
	assert_string_equal(g.entries[1], "example.com/Jeux");
	assert_string_equal(g.entries[2], "208.80.53.49/jeux");
	assert_string_equal(g.entries[3], "host.example");
	assert_string_equal(g.entries[4], "example.net/a/b?c=d");
	assert_int_equal(g.bad_lines[0], 5);
	assert_int_equal(g.bad_lines[1], 6);
	assert_string_equal(g.bad_why[1], "a control byte in the path");
	/* No callbacks at all: only counts. */
	assert_int_equal(ut1_parse_list(text, sizeof(text) - 1, UT1_URLS, NULL, NULL, NULL, &st),
			 0);
	assert_int_equal(st.entries, 5);
}

static const struct ut1_cat_report *cat_report(const struct ut1_report *r, const char *name)
{
	unsigned int i;

	for (i = 0; i < r->ncats; i++)
		if (!strcmp(r->cats[i].name, name))
			return &r->cats[i];
	return NULL;
}

static int lookup(struct catdb *db, const char *h)
{
	return catdb_lookup_host(db, h, strlen(h));
}

static void test_load_fixtures(void **state)
{
	const struct ut1_cat_report *r;
	const struct catdb_category *c;
	struct ut1_report rep;
	struct catdb_match m;
	char dir[PATH_MAX], err[256];
	struct catdb *db = catdb_new();
	int games, adult, shop;

	assert_int_equal(repo_path(dir, sizeof(dir), "tests/fixtures/ut1"), 0);
	assert_int_equal(ut1_load_dir(db, dir, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.global_usage, 1);
	assert_int_equal(rep.global_bad, 1); /* "this line has no colon" */
	assert_int_equal(rep.ncats, 4);	     /* adult, empty, games, shopping */
	assert_int_equal(rep.skipped, 1);
	r = cat_report(&rep, "empty");
	assert_int_equal(r->id, -1);
	assert_string_equal(r->skipped, "no domains or urls file");
	r = cat_report(&rep, "shopping");
	assert_int_equal(r->domains, 3);
	assert_int_equal(r->bad, 1);
	assert_string_equal(r->first_bad, "shopping/domains:5: more than one field");
	assert_int_equal(rep.domains, 3 + 3 + 2);
	assert_int_equal(rep.urls, 3);
	assert_int_equal(rep.bad, 1);

	games = catdb_find_category(db, "games");
	adult = catdb_find_category(db, "adult");
	shop = catdb_find_category(db, "shopping");
	assert_true(games >= 0 && adult >= 0 && shop >= 0);
	c = catdb_category(db, adult);
	assert_string_equal(c->name_en, "Adult (X)");
	assert_string_equal(c->name_ja, "アダルト");
	assert_string_equal(c->desc_fr,
			    "Des sites adultes allant de l'érotique à la pornographie dure.");
	assert_string_equal(catdb_category(db, games)->desc_en, "Game sites.");
	/* No NAME EN in global_usage: the short name. */
	assert_string_equal(catdb_category(db, shop)->name_en, "shopping");
	assert_string_equal(catdb_category(db, shop)->default_type, "white");
	/* cooking is in global_usage only: no category. */
	assert_int_equal(catdb_find_category(db, "cooking"), -1);

	assert_int_equal(lookup(db, "www.games.example.com"), games);
	assert_int_equal(lookup(db, "1.2.3.4"), games);
	assert_int_equal(lookup(db, "adult.example.com"), adult);
	assert_int_equal(lookup(db, "store.example.net"), shop);
	/* Listed in adult (loaded first, in name order) and shopping. */
	assert_int_equal(catdb_match_host(db, "both.example.org", 16, &m), adult);
	assert_int_equal(m.ncats, 2);
	assert_int_equal(m.cats[1], shop);
	assert_int_equal(catdb_lookup_url(db, "portal.example.org", 18, "/games/x", 8), games);
	assert_int_equal(catdb_lookup_url(db, "portal.example.org", 18, "/jeux", 5), games);
	assert_int_equal(catdb_lookup_url(db, "portal.example.org", 18, "/games/adult/1", 14),
			 adult);
	assert_int_equal(catdb_lookup_url(db, "portal.example.org", 18, "/news", 5), -1);
	ut1_report_free(&rep);
	catdb_free(db);
}

static void test_load_errors(void **state)
{
	char tmp[] = "/tmp/test_ut1.XXXXXX", path[PATH_MAX], err[256];
	const struct ut1_cat_report *r;
	struct ut1_report rep;
	struct catdb *db = catdb_new();
	FILE *f;

	assert_int_equal(ut1_load_dir(db, "/nonexistent/ut1", &rep, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/ut1"));
	assert_non_null(strstr(err, "No such file"));
	ut1_report_free(&rep);

	/* A category whose urls "file" cannot be read (a directory) is skipped whole. */
	assert_non_null(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/games", tmp);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/games/domains", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("games.example.com\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/games/urls", tmp);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/warez", tmp);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/warez/domains", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("warez.example.com\n", f);
	fclose(f);

	assert_int_equal(ut1_load_dir(db, tmp, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.global_usage, 0);
	assert_int_equal(rep.ncats, 2);
	assert_int_equal(rep.skipped, 1);
	r = cat_report(&rep, "games");
	assert_int_equal(r->id, -1);
	assert_non_null(strstr(r->skipped, "games/urls"));
	assert_int_equal(lookup(db, "games.example.com"), -1);
	assert_int_equal(lookup(db, "warez.example.com"), catdb_find_category(db, "warez"));
	assert_string_equal(catdb_category(db, 0)->name_ja, "違法ソフト");
	ut1_report_free(&rep);
	catdb_free(db);

	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	assert_int_equal(system(path), 0);
}

static int shared_ut1_dir(char *out, size_t len)
{
	const char *env = getenv("UTM_SHARED_DATA");
	char base[PATH_MAX];

	if (env && *env)
		snprintf(base, sizeof(base), "%s", env);
	else if (repo_path(base, sizeof(base), "../shared/data") != 0)
		return -1;
	snprintf(out, len, "%s/ut1-categories", base);
	return access(out, R_OK) == 0 ? 0 : -1;
}

/* The real UT1 data: sane totals and lookups taken from its files. */
static void test_real_data(void **state)
{
	const struct ut1_cat_report *r;
	struct ut1_report rep;
	struct catdb_stats st;
	char dir[PATH_MAX], err[256];
	struct catdb *db;
	unsigned int i;

	if (shared_ut1_dir(dir, sizeof(dir))) {
		print_message("SKIP real UT1 data: no ../shared/data/ut1-categories "
			      "(or set UTM_SHARED_DATA)\n");
		return;
	}
	db = catdb_new();
	assert_int_equal(ut1_load_dir(db, dir, &rep, err, sizeof(err)), 0);
	assert_int_equal(rep.global_usage, 1);
	assert_int_equal(rep.global_bad, 0);
	assert_true(rep.domains > 100000);
	assert_true(rep.urls > 30000);
	assert_int_equal(rep.skipped, 0);
	/* Bad lines are rare in real data. */
	assert_true(rep.bad * 100 < rep.domains + rep.urls);
	for (i = 0; i < rep.ncats; i++)
		print_message("  %-16s %7lu domains %6lu urls %4lu bad %s\n", rep.cats[i].name,
			      rep.cats[i].domains, rep.cats[i].urls, rep.cats[i].bad,
			      rep.cats[i].first_bad);
	r = cat_report(&rep, "adult");
	assert_non_null(r);
	assert_true(r->domains > 10000); /* from adult-top1m-domains.list */
	catdb_get_stats(db, &st);
	print_message("  %lu distinct domains, %lu urls, %zu bytes\n", st.domains, st.urls,
		      catdb_memory(db));
	assert_string_equal(catdb_category(db, catdb_find_category(db, "adult"))->name_en,
			    "Adult (X)");
	assert_string_equal(catdb_category(db, catdb_find_category(db, "social_networks"))->name_ja,
			    "ソーシャルネットワーク");
	/* From the files (first lines of adult-top1m-domains.list, games/urls). */
	assert_int_equal(lookup(db, "www.pornhub.com"), catdb_find_category(db, "adult"));
	assert_int_equal(catdb_lookup_url(db, "1001reves.com", 13, "/games/x", 8),
			 catdb_find_category(db, "games"));
	assert_int_equal(catdb_lookup_url(db, "208.80.53.49", 12, "/jeux", 5),
			 catdb_find_category(db, "games"));
	assert_int_equal(lookup(db, "no-such-host.invalid"), -1);
	ut1_report_free(&rep);
	catdb_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_usage),  cmocka_unit_test(test_global_usage_long_utf8),
		cmocka_unit_test(test_list_domains),  cmocka_unit_test(test_list_urls),
		cmocka_unit_test(test_load_fixtures), cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_real_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

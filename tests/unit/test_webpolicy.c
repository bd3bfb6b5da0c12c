// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for inspect/webpolicy.c and inspect/sitelists.c: allow lists
 * win, block lists name themselves (domain or URL entry), categories log
 * or block as configured; the list parsers read domain lists, URL lists and
 * URLhaus CSV.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "inspect/webpolicy.h"

struct env {
	struct sitelists s;
	struct catdb *cats;
	struct webpolicy p;
};

static long parse(struct catdb *db, const char *list, int kind, int format, const char *text)
{
	int cat = catdb_add_category(db, list, list, NULL, NULL, NULL);

	return sitelists_parse(db, cat, kind, format, text, strlen(text));
}

static int setup(void **state)
{
	static struct env env;
	int games;

	memset(&env, 0, sizeof(env));
	env.s.block = catdb_new();
	env.s.allow = catdb_new();
	env.cats = catdb_new();
	if (!env.s.block || !env.s.allow || !env.cats)
		return -1;
	if (parse(env.s.block, "dns-block", UTM_LIST_KIND_DOMAINS, 0,
		  "# blocked\nevil.example\n0.0.0.0 tracker.example\n") != 2 ||
	    parse(env.s.block, "bad-urls", UTM_LIST_KIND_URLS, 0,
		  "http://files.example/malware/x.exe\nhttps://u:p@cdn.example:8443/drop/\n") !=
		    2 ||
	    parse(env.s.block, "urlhaus", UTM_LIST_KIND_URLS, UTM_FMT_URLHAUS_CSV,
		  "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
		  "\"1\",\"2024-01-01\",\"http://share.example/p/evil.bin\",\"online\",\"\","
		  "\"malware_download\",\"elf\",\"https://urlhaus.abuse.ch/url/1/\",\"x\"\n") !=
		    1 ||
	    parse(env.s.allow, "ok", UTM_LIST_KIND_DOMAINS, 0, "safe.evil.example\n") != 1)
		return -1;
	games = catdb_add_category(env.cats, "games", "Games", NULL, NULL, NULL);
	catdb_add_category(env.cats, "adult", "Adult", NULL, NULL, NULL);
	catdb_add_domain(env.cats, "play.example", 12, (uint8_t)games);
	catdb_add_domain(env.cats, "evil.example", 12, (uint8_t)games);
	env.p.sites = &env.s;
	env.p.cats = env.cats;
	*state = &env;
	return 0;
}

static int teardown(void **state)
{
	struct env *env = *state;

	sitelists_free(&env->s);
	catdb_free(env->cats);
	return 0;
}

static struct web_verdict req(struct env *env, const char *host, const char *path)
{
	struct web_verdict v;

	web_check_request(&env->p, host, strlen(host), path, strlen(path), &v);
	return v;
}

static struct web_verdict name(struct env *env, const char *n)
{
	struct web_verdict v;

	web_check_name(&env->p, n, strlen(n), &v);
	return v;
}

static void test_lists(void **state)
{
	struct env *env = *state;
	struct web_verdict v;

	v = name(env, "www.evil.example");
	assert_int_equal(v.action, WEB_BLOCK);
	assert_int_equal(v.source, WEB_SRC_DOMAIN_LIST);
	assert_string_equal(v.list, "dns-block");
	v = name(env, "tracker.example");
	assert_int_equal(v.action, WEB_BLOCK);
	/* the allow list wins, the category is still known */
	v = name(env, "safe.evil.example");
	assert_int_equal(v.action, WEB_PASS);
	assert_true(v.allowed);
	assert_string_equal(v.category->name, "games");
	/* a URL entry blocks its path only */
	v = req(env, "files.example", "/malware/x.exe");
	assert_int_equal(v.action, WEB_BLOCK);
	assert_int_equal(v.source, WEB_SRC_URL_LIST);
	assert_string_equal(v.list, "bad-urls");
	assert_int_equal(req(env, "files.example", "/index.html").action, WEB_PASS);
	assert_int_equal(name(env, "files.example").action, WEB_PASS);
	/* scheme, user and port stripped from list URLs */
	assert_int_equal(req(env, "cdn.example", "/drop/a").action, WEB_BLOCK);
	v = req(env, "share.example", "/p/evil.bin");
	assert_int_equal(v.action, WEB_BLOCK);
	assert_string_equal(v.list, "urlhaus");
	assert_int_equal(name(env, "example").action, WEB_PASS);
}

static void test_categories(void **state)
{
	struct env *env = *state;
	struct web_verdict v;

	v = name(env, "www.play.example");
	assert_int_equal(v.action, WEB_PASS);
	assert_string_equal(v.category->name, "games");
	assert_int_equal(webpolicy_set_category(&env->p, "games", WEB_LOG), 0);
	v = name(env, "www.play.example");
	assert_int_equal(v.action, WEB_LOG);
	assert_int_equal(v.source, WEB_SRC_CATEGORY);
	assert_int_equal(webpolicy_set_category(&env->p, "games", WEB_BLOCK), 0);
	/* log after block: block stays */
	assert_int_equal(webpolicy_set_category(&env->p, "games", WEB_LOG), 0);
	assert_int_equal(req(env, "play.example", "/").action, WEB_BLOCK);
	assert_int_equal(webpolicy_set_category(&env->p, "nosuch", WEB_BLOCK), -1);
	memset(env->p.cat_action, 0, sizeof(env->p.cat_action));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_categories),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

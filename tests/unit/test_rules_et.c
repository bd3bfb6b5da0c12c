// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Loads every .rules file of the ET Open snapshot in
 * ../shared/data/ips-rules/et-open-2024-04/ (with its classification.config)
 * and checks that at least 80% of the enabled rules are accepted, printing
 * the load time and the skip report. Skipped when the data is absent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/testutil.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect/detect.h"
#include "inspect/rule.h"
#include "inspect/ruleset.h"

#define ET_DIR "../shared/data/ips-rules/et-open-2024-04"

/* Malformed rules seen; the first few are printed. */
struct warn_log {
	size_t malformed;
};

static void on_warn(void *ctx, const char *file, unsigned int line, const struct rule_error *e)
{
	struct warn_log *w = ctx;

	if (e->status != RULE_ERR_SYNTAX)
		return;
	if (w->malformed++ < 20)
		printf("  malformed %s:%u: %s\n", file, line, e->reason);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Enabled rules in a file: lines starting with an action (no continuation in ET). */
static size_t count_enabled(const char *buf, size_t len)
{
	static const char *const actions[] = {"alert ", "drop ", "reject ", "pass "};
	size_t pos = 0, n = 0, i;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - buf - pos) : len - pos;

		for (i = 0; i < 4; i++)
			if (ll >= strlen(actions[i]) &&
			    !memcmp(buf + pos, actions[i], strlen(actions[i])))
				n++;
		pos += ll + 1;
	}
	return n;
}

static int is_rules_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 6 && !strcmp(d->d_name + n - 6, ".rules");
}

static void on_alert(const struct rule *r, void *ctx)
{
	uint32_t *sid = ctx;

	if (r->sid == *sid)
		*sid = 0; /* found */
}

/* A loaded rule that matches on one plain content in http.user_agent, or NULL. */
static const struct rule *user_agent_rule(const struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < ruleset_count(rs); i++) {
		const struct rule *r = ruleset_rule(rs, i);
		const struct rule_match *m = r->matches;

		if (r->n_groups != 1 || r->n_matches != 1 || m->kind != RULE_MATCH_CONTENT ||
		    m->buf != RULE_BUF_HTTP_USER_AGENT || m->negated || m->relative ||
		    m->has_offset || m->has_depth || m->startswith || m->endswith ||
		    r->groups[0].bsize.op != RULE_CMP_NONE || r->dsize.op != RULE_CMP_NONE ||
		    r->tcp_flags.set || r->flow & RULE_FLOW_TO_CLIENT)
			continue;
		return r;
	}
	return NULL;
}

/* The whole set behind Hyperscan: it compiles, and an ET rule fires on its own bait. */
static void check_engine(const struct ruleset *rs, double t0)
{
	static const char req[] = "GET /index.html HTTP/1.1\r\nHost: www.example.test\r\n\r\n";
	struct confirm_bufs b = {.to_server = 1, .established = 1};
	const struct rule *ua = user_agent_rule(rs);
	struct detect_engine *e;
	struct detect_thread *t;
	struct detect_stats ds;
	char why[256];
	uint32_t sid;
	size_t hits;

	e = detect_build(rs, why, sizeof(why));
	if (!e)
		fail_msg("detect_build: %s", why);
	detect_stats(e, &ds);
	printf("engine: %zu rules (%zu IP-only left to XDP, %zu with a pcre PCRE2 refuses), %zu "
	       "literals, %zu without one; built %.2f s after the start\n",
	       ds.rules, ds.ip_only, ds.bad_pcre, ds.literals, ds.no_literal, now() - t0);
	assert_true(ds.rules * 100 >= (ds.rules + ds.bad_pcre) * 99);
	/* Every rule is reachable: through a literal or on every inspection. */
	assert_int_equal(ds.literals + ds.no_literal, ds.rules);
	t = detect_thread_new(e);
	assert_non_null(t);
	b.p[RULE_BUF_PAYLOAD] = (const uint8_t *)req;
	b.len[RULE_BUF_PAYLOAD] = sizeof(req) - 1;
	b.dsize = sizeof(req) - 1;
	hits = detect_run(e, t, &b, NULL, NULL);
	printf("a plain GET request: %zu rules match\n", hits);
	assert_non_null(ua);
	sid = ua->sid;
	b.p[RULE_BUF_HTTP_USER_AGENT] = ua->matches[0].bytes;
	b.len[RULE_BUF_HTTP_USER_AGENT] = ua->matches[0].len;
	detect_run(e, t, &b, on_alert, &sid);
	printf("sid %u fires on its own user agent: %s\n", ua->sid, sid ? "no" : "yes");
	assert_int_equal(sid, 0);
	detect_thread_free(t);
	detect_free(e);
}

static void test_et_open_loads(void **state)
{
	struct rule_classes classes = {0};
	struct rule_env env = {.vars = NULL, .classes = &classes};
	struct warn_log wl = {0};
	struct ruleset_stats st;
	struct dirent **names;
	char dir[PATH_MAX], path[PATH_MAX * 2], report[8192];
	size_t len, enabled = 0;
	double t0, secs;
	char *buf;
	int i, nfiles;
	struct ruleset *rs;

	assert_int_equal(repo_path(dir, sizeof(dir), ET_DIR), 0);
	snprintf(path, sizeof(path), "%s/classification.config", dir);
	buf = read_file(path, &len);
	if (!buf) {
		print_message("../shared/data absent: %s not readable, ET load test skipped\n",
			      path);
		skip();
	}
	t0 = now();
	assert_true(rule_classes_parse(&classes, buf, len, NULL) > 30);
	free(buf);
	rs = ruleset_new(&env, on_warn, &wl);
	assert_non_null(rs);
	nfiles = scandir(dir, &names, is_rules_file, alphasort);
	assert_true(nfiles > 10);
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		buf = read_file(path, &len);
		assert_non_null(buf);
		enabled += count_enabled(buf, len);
		assert_true(ruleset_load(rs, buf, len, names[i]->d_name) >= 0);
		free(buf);
		free(names[i]);
	}
	free(names);
	secs = now() - t0;
	ruleset_stats(rs, &st);
	ruleset_report(rs, report, sizeof(report));
	printf("ET Open: %zu enabled rules in %d files, loaded in %.2f s\n", enabled, nfiles, secs);
	printf("%s\n", report);
	printf("accepted %.1f%%, %zu IP-only\n", 100.0 * (double)st.loaded / (double)enabled,
	       st.ip_only);
	/* Every enabled rule is accounted for exactly once. */
	assert_int_equal(st.loaded + st.unsupported + st.malformed + st.duplicates, enabled);
	assert_true(st.loaded * 100 >= enabled * 80);
	check_engine(rs, t0);
	assert_true(now() - t0 < 20.0);
	ruleset_free(rs);
	rule_classes_free(&classes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_et_open_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

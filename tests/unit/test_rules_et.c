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
	assert_true(secs < 20.0);
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

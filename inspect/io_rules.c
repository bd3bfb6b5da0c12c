// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Rule files into the detection engine (inspect/io_rules.h). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect/io_rules.h"
#include "lib/fileutil.h"
#include "lib/log.h"

static void on_skip(void *ctx, const char *file, unsigned int line, const struct rule_error *e)
{
	log_warn("%s:%u: rule skipped: %s", file, line, e->reason);
}

/* classification.config beside the first rules file, when there is one. */
static void load_classes(struct rules_loaded *rl, const char *first)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	unsigned int line = 0;
	size_t len;
	char *buf;

	snprintf(dir, sizeof(dir), "%s", first);
	snprintf(path, sizeof(path), "%s/classification.config", dirname(dir));
	buf = file_read_all(path, &len);
	if (!buf)
		return;
	if (rule_classes_parse(&rl->classes, buf, len, &line) < 0)
		log_warn("%s:%u: bad classification line; classtypes keep priority 3", path, line);
	free(buf);
}

int rules_load(struct rules_loaded *rl, const char *const *files, size_t n, char *err,
	       size_t errlen)
{
	struct ruleset_stats st;
	struct detect_stats ds;
	struct timespec t0, t1;
	char report[4096];
	size_t i;

	memset(rl, 0, sizeof(*rl));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (n)
		load_classes(rl, files[0]);
	rl->env.classes = &rl->classes;
	rl->rs = ruleset_new(&rl->env, on_skip, NULL);
	if (!rl->rs) {
		snprintf(err, errlen, "rules: out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		size_t len;
		char *buf = file_read_all(files[i], &len);

		if (!buf) {
			snprintf(err, errlen, "%s: %s", files[i], strerror(errno));
			return -1;
		}
		ruleset_load(rl->rs, buf, len, files[i]);
		free(buf);
	}
	rl->det = detect_build(rl->rs, err, errlen);
	if (!rl->det)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ruleset_stats(rl->rs, &st);
	detect_stats(rl->det, &ds);
	ruleset_report(rl->rs, report, sizeof(report));
	log_info("%s; %zu in the engine (%zu IP-only rules are the XDP lists' business, %zu with "
		 "a pcre PCRE2 refuses; %zu B of stream state per direction); ready in %.2f s",
		 report, ds.rules, ds.ip_only, ds.bad_pcre, ds.stream_state,
		 (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

void rules_free(struct rules_loaded *rl)
{
	detect_free(rl->det);
	ruleset_free(rl->rs);
	rule_classes_free(&rl->classes);
	memset(rl, 0, sizeof(*rl));
}

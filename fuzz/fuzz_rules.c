// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target for inspect/rule*.c and inspect/ruleset.c. The first
 * input byte selects: even, one rule through rule_parse(); odd, the rest as
 * a small rules file through the ruleset loader. Besides "never crash,
 * never read past len" (ASan), it checks the AST's promises: groups
 * partition the items and carry their buffer, the prefilter points into
 * the rule, a refusal has a reason, and the counters add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/rule.h"
#include "inspect/ruleset.h"

static const struct rule_var fuzz_vars[] = {
	{"HOME_NET", "[10.0.0.0/8,!10.1.0.0/16,2001:db8::/32]"},
	{"HTTP_PORTS", "[80,8000:8100]"},
	{"SELF", "[$SELF,1.1.1.1]"},
};

static void check_sets(const struct rule *r)
{
	if ((r->src.any && r->src.n) || (r->dst.any && r->dst.n) || (!r->src.any && !r->src.n) ||
	    (!r->dst.any && !r->dst.n))
		abort();
	if ((r->sport.any && r->sport.n) || (!r->sport.any && !r->sport.n))
		abort();
}

static void check_rule(const struct rule *r)
{
	uint32_t g, i, total = 0;

	if (!r->sid || !r->msg || !r->priority || r->n_groups > RULE_BUF_COUNT)
		abort();
	check_sets(r);
	for (g = 0; g < r->n_groups; g++) {
		const struct rule_group *grp = &r->groups[g];

		if (rule_group_find(r, grp->buf) != grp)
			abort();
		for (i = 0; i < grp->n; i++) {
			const struct rule_match *m = &grp->m[i];

			if (m != &r->matches[total + i] || m->buf != grp->buf)
				abort();
			if (m->kind == RULE_MATCH_CONTENT && (!m->bytes || m->len == 0))
				abort();
			if (m->kind == RULE_MATCH_PCRE && !m->pattern)
				abort();
		}
		total += grp->n;
	}
	if (total != r->n_matches)
		abort();
	if (r->prefilter.match) {
		const struct rule_match *m = r->prefilter.match;

		if (m < r->matches || m >= r->matches + r->n_matches || !r->prefilter.len ||
		    r->prefilter.bytes < m->bytes ||
		    r->prefilter.bytes + r->prefilter.len > m->bytes + m->len)
			abort();
	}
	if (r->ip_only && r->n_matches)
		abort();
}

static void fuzz_one(const char *buf, size_t len, const struct rule_env *env)
{
	struct rule_error err;
	struct rule *r;
	enum rule_status st = rule_parse(buf, len, env, &r, &err);

	if (st == RULE_OK) {
		if (!r || err.status != RULE_OK)
			abort();
		check_rule(r);
		rule_free(r);
		return;
	}
	if (r || err.status != st || !memchr(err.reason, '\0', sizeof(err.reason)) ||
	    !err.reason[0])
		abort();
	if (st == RULE_ERR_UNSUPPORTED && !err.keyword[0])
		abort();
}

static void fuzz_set(const char *buf, size_t len, const struct rule_env *env)
{
	struct ruleset *rs = ruleset_new(env, NULL, NULL);
	struct ruleset_stats st;
	char report[128];
	size_t i, count, skipped = 0, full;
	const char *kw;
	long n;

	if (!rs)
		abort();
	n = ruleset_load(rs, buf, len, "fuzz.rules");
	ruleset_stats(rs, &st);
	if (n < 0 || (size_t)n != st.loaded || ruleset_count(rs) != st.loaded)
		abort();
	for (i = 0; ruleset_skip_keyword(rs, i, &kw, &count) == 0; i++)
		skipped += count;
	if (skipped != st.unsupported)
		abort();
	for (i = 0; i < ruleset_count(rs); i++) {
		const struct rule *r = ruleset_rule(rs, i);

		check_rule(r);
		if (ruleset_find(rs, r->gid, r->sid) != r)
			abort();
	}
	full = ruleset_report(rs, report, sizeof(report));
	if (strlen(report) != (full < sizeof(report) ? full : sizeof(report) - 1))
		abort();
	ruleset_free(rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rule_class classes_c[] = {{"trojan-activity", "A Trojan", 1}};
	struct rule_classes classes = {classes_c, 1, 1};
	struct rule_vars vars = {fuzz_vars, 3, true};
	struct rule_env env = {&vars, &classes};
	char *buf;

	if (size == 0)
		return 0;
	/* An exact-size copy so that ASan sees any read past the end. */
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1)
		fuzz_set(buf, size - 1, (data[0] & 2) ? &env : NULL);
	else
		fuzz_one(buf, size - 1, (data[0] & 2) ? &env : NULL);
	free(buf);
	return 0;
}

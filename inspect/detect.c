// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Prefilter, then confirm (inspect/detect.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/detect.h"
#include "inspect/mpm.h"

struct detect_engine {
	const struct rule **rules;
	struct confirm_rule **conf;
	size_t n;
	struct mpm *mpm;
	struct detect_stats st;
};

struct detect_thread {
	struct mpm_scratch *scratch;
	uint8_t *seen;	/* one byte per rule: already a candidate in this run */
	uint32_t *cand; /* the candidates of this run */
	size_t ncand;
};

static int add_rule(struct detect_engine *e, const struct rule *r)
{
	char why[256];
	struct confirm_rule *c;

	if (r->ip_only) {
		e->st.ip_only++;
		return 0;
	}
	c = confirm_compile(r, why, sizeof(why));
	if (!c) {
		e->st.bad_pcre++;
		return 0;
	}
	e->rules[e->n] = r;
	e->conf[e->n++] = c;
	return 0;
}

struct detect_engine *detect_build(const struct ruleset *rs, char *why, size_t whylen)
{
	size_t total = ruleset_count(rs), i;
	struct detect_engine *e = calloc(1, sizeof(*e));
	int b;

	if (!e || !(e->rules = calloc(total + 1, sizeof(*e->rules))) ||
	    !(e->conf = calloc(total + 1, sizeof(*e->conf)))) {
		snprintf(why, whylen, "out of memory");
		detect_free(e);
		return NULL;
	}
	for (i = 0; i < total; i++)
		add_rule(e, ruleset_rule(rs, i));
	e->mpm = mpm_build(e->rules, e->n, why, whylen);
	if (!e->mpm) {
		detect_free(e);
		return NULL;
	}
	e->st.rules = e->n;
	for (b = 0; b < RULE_BUF_COUNT; b++) {
		const uint32_t *always;

		e->st.literals += mpm_literals(e->mpm, (enum rule_buffer)b);
		e->st.no_literal += mpm_always(e->mpm, (enum rule_buffer)b, &always);
	}
	return e;
}

void detect_free(struct detect_engine *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; e->conf && i < e->n; i++)
		confirm_free(e->conf[i]);
	mpm_free(e->mpm);
	free(e->conf);
	free(e->rules);
	free(e);
}

void detect_stats(const struct detect_engine *e, struct detect_stats *st)
{
	*st = e->st;
}

struct detect_thread *detect_thread_new(const struct detect_engine *e)
{
	struct detect_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->scratch = mpm_scratch_new(e->mpm);
	t->seen = calloc(e->n + 1, 1);
	t->cand = calloc(e->n + 1, sizeof(*t->cand));
	if (!t->scratch || !t->seen || !t->cand) {
		detect_thread_free(t);
		return NULL;
	}
	return t;
}

void detect_thread_free(struct detect_thread *t)
{
	if (!t)
		return;
	mpm_scratch_free(t->scratch);
	free(t->seen);
	free(t->cand);
	free(t);
}

static void add_candidate(uint32_t rule, void *arg)
{
	struct detect_thread *t = arg;

	if (t->seen[rule])
		return;
	t->seen[rule] = 1;
	t->cand[t->ncand++] = rule;
}

size_t detect_run(const struct detect_engine *e, struct detect_thread *t,
		  const struct confirm_bufs *b, detect_alert_fn fn, void *ctx)
{
	size_t i, hits = 0;
	int buf;

	t->ncand = 0;
	for (buf = 0; buf < RULE_BUF_COUNT; buf++) {
		const uint32_t *always;
		size_t n;

		if (!b->p[buf])
			continue;
		mpm_scan(e->mpm, t->scratch, (enum rule_buffer)buf, b->p[buf], b->len[buf],
			 add_candidate, t);
		n = mpm_always(e->mpm, (enum rule_buffer)buf, &always);
		for (i = 0; i < n; i++)
			add_candidate(always[i], t);
	}
	for (i = 0; i < t->ncand; i++) {
		uint32_t r = t->cand[i];

		t->seen[r] = 0;
		if (confirm_match(e->conf[r], b)) {
			hits++;
			if (fn)
				fn(e->rules[r], ctx);
		}
	}
	return hits;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Prefilter, then confirm (inspect/detect.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/detect.h"
#include "inspect/flowbits.h"
#include "inspect/mpm.h"

/* Candidates of a stream awaiting more data, at most this many per direction. */
#define STREAM_PENDING 16

struct detect_engine {
	const struct rule **rules;
	struct confirm_rule **conf;
	uint8_t *anchored;  /* per rule: its payload match needs the buffer's true start */
	struct fb_prog *fb; /* per rule: its flowbits, numbered */
	struct fb_names *fb_names;
	size_t n;
	struct mpm *mpm;
	struct detect_stats st;
};

struct detect_thread {
	struct mpm_scratch *scratch;
	uint8_t *seen;	/* one byte per rule: already a candidate in this run */
	uint32_t *cand; /* the candidates of this run */
	size_t ncand;
	uint64_t piece_start; /* stream runs: the stream offset of the piece scanned */
};

/* A candidate of a stream that did not confirm yet. */
struct pending {
	uint32_t rule;
	uint64_t at; /* stream offset of the piece its literal ended in */
};

struct detect_stream {
	struct mpm_stream *ms;
	enum mpm_dir dir;
	uint64_t fed; /* bytes scanned so far */
	struct pending pend[STREAM_PENDING];
	unsigned int npend;
};

/* Anchored to the buffer's start or to the packet: meaningless in a window mid-stream. */
static int payload_anchored(const struct rule *r)
{
	uint32_t g, i;

	if (r->dsize.op != RULE_CMP_NONE)
		return 1;
	for (g = 0; g < r->n_groups; g++) {
		const struct rule_group *grp = &r->groups[g];

		if (grp->buf != RULE_BUF_PAYLOAD)
			continue;
		for (i = 0; i < grp->n; i++) {
			const struct rule_match *m = &grp->m[i];

			if (m->relative)
				continue;
			if (m->startswith || m->has_offset || m->has_depth ||
			    m->kind == RULE_MATCH_ISDATAAT || m->kind == RULE_MATCH_BYTE_TEST ||
			    m->kind == RULE_MATCH_BYTE_JUMP ||
			    (m->kind == RULE_MATCH_PCRE && (m->pcre_flags & RULE_PCRE_ANCHORED)))
				return 1;
		}
	}
	return 0;
}

static int add_rule(struct detect_engine *e, const struct rule *r, const struct fb_names *checked)
{
	char why[256];
	struct confirm_rule *c;

	/* An IP-only rule stays here when it sets a bit another rule checks. */
	if (r->ip_only && !fb_rule_changes_any(r, checked)) {
		e->st.ip_only++;
		return 0;
	}
	c = confirm_compile(r, why, sizeof(why));
	if (!c) {
		e->st.bad_pcre++;
		return 0;
	}
	if (fb_prog_compile(&e->fb[e->n], r, e->fb_names)) {
		fb_prog_free(&e->fb[e->n]);
		confirm_free(c);
		return -1;
	}
	e->anchored[e->n] = (uint8_t)payload_anchored(r);
	e->rules[e->n] = r;
	e->conf[e->n++] = c;
	return 0;
}

struct detect_engine *detect_build(const struct ruleset *rs, char *why, size_t whylen)
{
	size_t total = ruleset_count(rs), i;
	struct detect_engine *e = calloc(1, sizeof(*e));
	struct fb_names *checked;
	int b;

	if (!e || !(e->rules = calloc(total + 1, sizeof(*e->rules))) ||
	    !(e->conf = calloc(total + 1, sizeof(*e->conf))) ||
	    !(e->anchored = calloc(total + 1, 1)) || !(e->fb = calloc(total + 1, sizeof(*e->fb))) ||
	    !(e->fb_names = fb_names_new())) {
		snprintf(why, whylen, "out of memory");
		detect_free(e);
		return NULL;
	}
	checked = fb_names_new();
	for (i = 0; checked && i < total; i++)
		if (fb_names_add_checked(checked, ruleset_rule(rs, i)))
			break;
	if (!checked || i < total) {
		snprintf(why, whylen, "out of memory");
		fb_names_free(checked);
		detect_free(e);
		return NULL;
	}
	for (i = 0; i < total; i++) {
		if (add_rule(e, ruleset_rule(rs, i), checked)) {
			fb_names_free(checked);
			snprintf(why, whylen, "out of memory (or more than 65535 flowbit names)");
			detect_free(e);
			return NULL;
		}
	}
	fb_names_free(checked);
	e->st.flowbits = fb_names_count(e->fb_names);
	e->mpm = mpm_build(e->rules, e->n, why, whylen);
	if (!e->mpm) {
		detect_free(e);
		return NULL;
	}
	e->st.rules = e->n;
	for (b = 0; b < RULE_BUF_COUNT; b++)
		e->st.literals += mpm_literals(e->mpm, (enum rule_buffer)b);
	e->st.no_literal = mpm_no_literal(e->mpm);
	e->st.stream_state = mpm_stream_size(e->mpm);
	return e;
}

void detect_free(struct detect_engine *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; e->conf && i < e->n; i++)
		confirm_free(e->conf[i]);
	for (i = 0; e->fb && i < e->n; i++)
		fb_prog_free(&e->fb[i]);
	free(e->fb);
	fb_names_free(e->fb_names);
	mpm_free(e->mpm);
	free(e->conf);
	free(e->anchored);
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

static void add_always(const struct detect_engine *e, struct detect_thread *t, enum rule_buffer buf,
		       enum mpm_dir dir)
{
	const uint32_t *always;
	size_t i, n = mpm_always(e->mpm, buf, dir, &always);

	for (i = 0; i < n; i++)
		add_candidate(always[i], t);
}

/*
 * Remember a stream candidate that may confirm once more of the stream is
 * there (confirmed: forget it). One already pending keeps where it was found.
 */
static void set_pending(struct detect_stream *ds, uint32_t rule, uint64_t at, int confirmed)
{
	unsigned int i;

	for (i = 0; i < ds->npend; i++) {
		if (ds->pend[i].rule != rule)
			continue;
		if (confirmed)
			ds->pend[i] = ds->pend[--ds->npend];
		return;
	}
	if (!confirmed && ds->npend < STREAM_PENDING)
		ds->pend[ds->npend++] = (struct pending){rule, at};
}

/*
 * Rules that set flowbits go first, those that only set before those that
 * also check, so that a rule checking a bit set by another one matching
 * the same data sees it (Suricata orders its rules the same way).
 */
static void setters_first(const struct detect_engine *e, struct detect_thread *t)
{
	size_t i, k = 0;
	int pass;

	if (t->ncand < 2 || !e->st.flowbits)
		return;
	for (pass = 0; pass < 2; pass++) {
		for (i = k; i < t->ncand; i++) {
			uint32_t r = t->cand[i];
			const struct fb_prog *fb = &e->fb[r];

			if (fb->sets && fb->checks == (pass == 1)) {
				t->cand[i] = t->cand[k];
				t->cand[k++] = r;
			}
		}
	}
}

/*
 * Confirm this run's candidates (flowbits checks, then the rule), apply the
 * flowbits of those that matched and report them unless noalert; with a
 * stream, keep those that may confirm later.
 */
static size_t confirm_candidates(const struct detect_engine *e, struct detect_thread *t,
				 struct detect_stream *ds, const struct confirm_bufs *b,
				 detect_alert_fn fn, void *ctx)
{
	size_t i, hits = 0;

	setters_first(e, t);
	for (i = 0; i < t->ncand; i++) {
		uint32_t r = t->cand[i];
		const struct fb_prog *fb = &e->fb[r];
		int ok = fb_prog_check(fb, b->fb) && confirm_match(e->conf[r], b);

		t->seen[r] = 0;
		if (ds &&
		    e->rules[r]->prefilter.match) /* rules without a literal come back anyway */
			set_pending(ds, r, t->piece_start, ok);
		if (!ok)
			continue;
		fb_prog_apply(fb, b->fb);
		if (fb->noalert)
			continue;
		hits++;
		if (fn)
			fn(e->rules[r], ctx);
	}
	t->ncand = 0;
	return hits;
}

size_t detect_run(const struct detect_engine *e, struct detect_thread *t,
		  const struct confirm_bufs *b, detect_alert_fn fn, void *ctx)
{
	enum mpm_dir dir = b->to_server ? MPM_TO_SERVER : MPM_TO_CLIENT;
	int buf;

	t->ncand = 0;
	for (buf = 0; buf < RULE_BUF_COUNT; buf++) {
		if (!b->p[buf])
			continue;
		mpm_scan(e->mpm, t->scratch, (enum rule_buffer)buf, dir, b->p[buf], b->len[buf],
			 add_candidate, t);
		add_always(e, t, (enum rule_buffer)buf, dir);
	}
	return confirm_candidates(e, t, NULL, b, fn, ctx);
}

struct detect_stream *detect_stream_open(const struct detect_engine *e, int to_server)
{
	enum mpm_dir dir = to_server ? MPM_TO_SERVER : MPM_TO_CLIENT;
	struct detect_stream *ds = calloc(1, sizeof(*ds));

	if (!ds)
		return NULL;
	ds->dir = dir;
	ds->ms = mpm_stream_open(e->mpm, dir);
	if (!ds->ms) {
		free(ds);
		return NULL;
	}
	return ds;
}

void detect_stream_close(struct detect_stream *ds)
{
	if (!ds)
		return;
	mpm_stream_close(ds->ms);
	free(ds);
}

/* The pending candidates whose piece is still in the window are candidates again. */
static void retry_pending(struct detect_thread *t, struct detect_stream *ds, uint64_t win_start)
{
	unsigned int i, kept = 0;

	for (i = 0; i < ds->npend; i++) {
		if (ds->pend[i].at < win_start)
			continue;
		ds->pend[kept++] = ds->pend[i];
		add_candidate(ds->pend[i].rule, t);
	}
	ds->npend = kept;
}

/* Mid-stream, drop the candidates whose payload match needs the buffer's start. */
static void drop_anchored(const struct detect_engine *e, struct detect_thread *t)
{
	size_t i, kept = 0;

	for (i = 0; i < t->ncand; i++) {
		uint32_t r = t->cand[i];

		if (e->anchored[r])
			t->seen[r] = 0;
		else
			t->cand[kept++] = r;
	}
	t->ncand = kept;
}

size_t detect_stream_run(const struct detect_engine *e, struct detect_thread *t,
			 struct detect_stream *ds, size_t len, uint64_t win_start,
			 const struct confirm_bufs *b, detect_alert_fn fn, void *ctx)
{
	const uint8_t *win = b->p[RULE_BUF_PAYLOAD];
	size_t wlen = b->len[RULE_BUF_PAYLOAD];

	if (!win || len > wlen)
		return 0;
	t->ncand = 0;
	retry_pending(t, ds, win_start);
	t->piece_start = ds->fed;
	mpm_stream_scan(ds->ms, t->scratch, win + wlen - len, len, add_candidate, t);
	ds->fed += len;
	if (win_start == 0)
		add_always(e, t, RULE_BUF_PAYLOAD, ds->dir);
	else
		drop_anchored(e, t);
	return confirm_candidates(e, t, ds, b, fn, ctx);
}

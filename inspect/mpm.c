// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Hyperscan prefilter (inspect/mpm.h). */
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/mpm.h"

/* One database: a buffer in a direction, in block or streaming mode. */
struct mpm_buf {
	hs_database_t *db; /* NULL: no literal for this buffer and direction */
	uint32_t *rule;	   /* pattern id -> rule index */
	size_t nlit;
	uint32_t *always; /* rules without a literal, first buffer this one */
	size_t nalways;
};

struct mpm {
	struct mpm_buf b[RULE_BUF_COUNT][2]; /* [buffer][enum mpm_dir], block mode */
	struct mpm_buf stream[2];	     /* the payload's literals, streaming mode */
	size_t literals[RULE_BUF_COUNT];     /* rules with a literal per buffer, any direction */
	size_t no_literal;
};

struct mpm_scratch {
	hs_scratch_t *hs;
};

struct mpm_stream {
	const struct mpm_buf *b;
	hs_stream_t *hs;
};

struct scan_ctx {
	const struct mpm_buf *b;
	mpm_fn fn;
	void *ctx;
};

/* One database's literals as Hyperscan wants them. */
struct lits {
	const char **expr;
	size_t *len;
	unsigned *flags, *ids;
	size_t n;
};

/* What one database is compiled for. */
struct db_spec {
	enum rule_buffer buf;
	enum mpm_dir dir;
	unsigned int mode; /* HS_MODE_BLOCK or HS_MODE_STREAM */
};

/* flow:to_server rules never see to-client data, and the reverse. */
static int dir_ok(const struct rule *r, enum mpm_dir dir)
{
	return !(r->flow & (dir == MPM_TO_SERVER ? RULE_FLOW_TO_CLIENT : RULE_FLOW_TO_SERVER));
}

static int lits_alloc(struct mpm_buf *mb, struct lits *l, size_t n)
{
	l->expr = calloc(n + 1, sizeof(*l->expr));
	l->len = calloc(n + 1, sizeof(*l->len));
	l->flags = calloc(n + 1, sizeof(*l->flags));
	l->ids = calloc(n + 1, sizeof(*l->ids));
	mb->rule = calloc(n + 1, sizeof(*mb->rule));
	mb->always = calloc(n + 1, sizeof(*mb->always));
	return l->expr && l->len && l->flags && l->ids && mb->rule && mb->always ? 0 : -1;
}

static void collect(struct mpm_buf *mb, struct lits *l, const struct rule *const *rules, size_t n,
		    const struct db_spec *sp)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct rule *r = rules[i];
		const struct rule_prefilter *p = &r->prefilter;

		if (!dir_ok(r, sp->dir))
			continue;
		if (!p->match || !p->len) {
			/* No literal: with the first buffer it needs, or every packet (dsize,
			 * flags). */
			if (sp->mode == HS_MODE_BLOCK &&
			    (r->n_groups ? r->groups[0].buf == sp->buf
					 : sp->buf == RULE_BUF_PAYLOAD))
				mb->always[mb->nalways++] = (uint32_t)i;
			continue;
		}
		if (p->buf != sp->buf)
			continue;
		l->expr[l->n] = (const char *)p->bytes;
		l->len[l->n] = p->len;
		/* A stream reports every occurrence: one that fails to confirm may be followed by
		 * one that does. */
		l->flags[l->n] = (sp->mode == HS_MODE_BLOCK ? HS_FLAG_SINGLEMATCH : 0) |
				 (p->nocase ? HS_FLAG_CASELESS : 0);
		l->ids[l->n] = (unsigned)l->n;
		mb->rule[l->n++] = (uint32_t)i;
	}
	mb->nlit = l->n;
}

static void free_lits(struct lits *l)
{
	free(l->expr);
	free(l->len);
	free(l->flags);
	free(l->ids);
}

static int build_db(struct mpm_buf *mb, const struct rule *const *rules, size_t n,
		    const struct db_spec *sp, char *why, size_t whylen)
{
	struct lits l = {0};
	hs_compile_error_t *err = NULL;
	int rc = 0;

	if (lits_alloc(mb, &l, n)) {
		snprintf(why, whylen, "out of memory");
		rc = -1;
		goto out;
	}
	collect(mb, &l, rules, n, sp);
	if (l.n && hs_compile_lit_multi(l.expr, l.flags, l.ids, l.len, (unsigned)l.n, sp->mode,
					NULL, &mb->db, &err) != HS_SUCCESS) {
		snprintf(why, whylen, "Hyperscan, buffer %s (%s%s): %s", rule_buffer_name(sp->buf),
			 sp->dir == MPM_TO_SERVER ? "to server" : "to client",
			 sp->mode == HS_MODE_STREAM ? ", streaming" : "",
			 err ? err->message : "compile error");
		hs_free_compile_error(err);
		rc = -1;
	}
out:
	free_lits(&l);
	return rc;
}

static void count_rules(struct mpm *m, const struct rule *const *rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct rule_prefilter *p = &rules[i]->prefilter;

		if (p->match && p->len)
			m->literals[p->buf]++;
		else
			m->no_literal++;
	}
}

struct mpm *mpm_build(const struct rule *const *rules, size_t n, char *why, size_t whylen)
{
	struct mpm *m = calloc(1, sizeof(*m));
	struct db_spec sp;
	int b, d;

	if (!m) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	count_rules(m, rules, n);
	for (d = 0; d < 2; d++) {
		sp = (struct db_spec){RULE_BUF_PAYLOAD, (enum mpm_dir)d, HS_MODE_STREAM};
		if (build_db(&m->stream[d], rules, n, &sp, why, whylen))
			goto fail;
		for (b = 0; b < RULE_BUF_COUNT; b++) {
			sp = (struct db_spec){(enum rule_buffer)b, (enum mpm_dir)d, HS_MODE_BLOCK};
			if (build_db(&m->b[b][d], rules, n, &sp, why, whylen))
				goto fail;
		}
	}
	return m;
fail:
	mpm_free(m);
	return NULL;
}

static void free_db(struct mpm_buf *mb)
{
	hs_free_database(mb->db);
	free(mb->rule);
	free(mb->always);
}

void mpm_free(struct mpm *m)
{
	int b, d;

	if (!m)
		return;
	for (d = 0; d < 2; d++) {
		free_db(&m->stream[d]);
		for (b = 0; b < RULE_BUF_COUNT; b++)
			free_db(&m->b[b][d]);
	}
	free(m);
}

static int grow_scratch(struct mpm_scratch *s, const struct mpm_buf *mb)
{
	return mb->db && hs_alloc_scratch(mb->db, &s->hs) != HS_SUCCESS ? -1 : 0;
}

struct mpm_scratch *mpm_scratch_new(const struct mpm *m)
{
	struct mpm_scratch *s = calloc(1, sizeof(*s));
	int b, d;

	if (!s)
		return NULL;
	for (d = 0; d < 2; d++) {
		if (grow_scratch(s, &m->stream[d]))
			goto fail;
		for (b = 0; b < RULE_BUF_COUNT; b++)
			if (grow_scratch(s, &m->b[b][d]))
				goto fail;
	}
	return s;
fail:
	mpm_scratch_free(s);
	return NULL;
}

void mpm_scratch_free(struct mpm_scratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->hs);
	free(s);
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *arg)
{
	struct scan_ctx *c = arg;

	c->fn(c->b->rule[id], c->ctx);
	return 0;
}

int mpm_scan(const struct mpm *m, struct mpm_scratch *s, enum rule_buffer b, enum mpm_dir dir,
	     const uint8_t *p, size_t len, mpm_fn fn, void *ctx)
{
	const struct mpm_buf *mb = &m->b[b][dir];
	struct scan_ctx c = {.b = mb, .fn = fn, .ctx = ctx};

	if (!mb->db || !len)
		return 0;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	return hs_scan(mb->db, (const char *)p, (unsigned int)len, 0, s->hs, on_match, &c) ==
			       HS_SUCCESS
		       ? 0
		       : -1;
}

size_t mpm_always(const struct mpm *m, enum rule_buffer b, enum mpm_dir dir, const uint32_t **rules)
{
	*rules = m->b[b][dir].always;
	return m->b[b][dir].nalways;
}

size_t mpm_literals(const struct mpm *m, enum rule_buffer b)
{
	return m->literals[b];
}

size_t mpm_no_literal(const struct mpm *m)
{
	return m->no_literal;
}

struct mpm_stream *mpm_stream_open(const struct mpm *m, enum mpm_dir dir)
{
	struct mpm_stream *st;

	if (!m->stream[dir].db || !(st = calloc(1, sizeof(*st))))
		return NULL;
	st->b = &m->stream[dir];
	if (hs_open_stream(st->b->db, 0, &st->hs) != HS_SUCCESS) {
		free(st);
		return NULL;
	}
	return st;
}

int mpm_stream_scan(struct mpm_stream *st, struct mpm_scratch *s, const uint8_t *p, size_t len,
		    mpm_fn fn, void *ctx)
{
	struct scan_ctx c = {.b = st->b, .fn = fn, .ctx = ctx};

	if (!len)
		return 0;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	return hs_scan_stream(st->hs, (const char *)p, (unsigned int)len, 0, s->hs, on_match, &c) ==
			       HS_SUCCESS
		       ? 0
		       : -1;
}

void mpm_stream_close(struct mpm_stream *st)
{
	if (!st)
		return;
	/* Literal matches are all reported as they end: nothing is pending at close. */
	hs_close_stream(st->hs, NULL, NULL, NULL);
	free(st);
}

size_t mpm_stream_size(const struct mpm *m)
{
	size_t sz, max = 0;
	int d;

	for (d = 0; d < 2; d++)
		if (m->stream[d].db && hs_stream_size(m->stream[d].db, &sz) == HS_SUCCESS &&
		    sz > max)
			max = sz;
	return max;
}

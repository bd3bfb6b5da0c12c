// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Hyperscan prefilter (inspect/mpm.h). */
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/mpm.h"

struct mpm_buf {
	hs_database_t *db; /* NULL: no literal for this buffer */
	uint32_t *rule;	   /* pattern id -> rule index */
	size_t nlit;
	uint32_t *always; /* rules without a literal, first buffer this one */
	size_t nalways;
};

struct mpm {
	struct mpm_buf b[RULE_BUF_COUNT];
};

struct mpm_scratch {
	hs_scratch_t *hs;
};

struct scan_ctx {
	const struct mpm_buf *b;
	mpm_fn fn;
	void *ctx;
};

/* One buffer's literals as Hyperscan wants them. */
struct lits {
	const char **expr;
	size_t *len;
	unsigned *flags, *ids;
	size_t n;
};

static int collect(struct mpm_buf *mb, struct lits *l, const struct rule *const *rules, size_t n,
		   enum rule_buffer buf)
{
	size_t i;

	l->expr = calloc(n + 1, sizeof(*l->expr));
	l->len = calloc(n + 1, sizeof(*l->len));
	l->flags = calloc(n + 1, sizeof(*l->flags));
	l->ids = calloc(n + 1, sizeof(*l->ids));
	mb->rule = calloc(n + 1, sizeof(*mb->rule));
	mb->always = calloc(n + 1, sizeof(*mb->always));
	if (!l->expr || !l->len || !l->flags || !l->ids || !mb->rule || !mb->always)
		return -1;
	for (i = 0; i < n; i++) {
		const struct rule *r = rules[i];
		const struct rule_prefilter *p = &r->prefilter;

		if (!p->match || !p->len) {
			/* No literal: with the first buffer it needs, or every packet (dsize, flags). */
			if (r->n_groups ? r->groups[0].buf == buf : buf == RULE_BUF_PAYLOAD)
				mb->always[mb->nalways++] = (uint32_t)i;
			continue;
		}
		if (p->buf != buf)
			continue;
		l->expr[l->n] = (const char *)p->bytes;
		l->len[l->n] = p->len;
		l->flags[l->n] = HS_FLAG_SINGLEMATCH | (p->nocase ? HS_FLAG_CASELESS : 0);
		l->ids[l->n] = (unsigned)l->n;
		mb->rule[l->n++] = (uint32_t)i;
	}
	mb->nlit = l->n;
	return 0;
}

static void free_lits(struct lits *l)
{
	free(l->expr);
	free(l->len);
	free(l->flags);
	free(l->ids);
}

static int build_buffer(struct mpm_buf *mb, const struct rule *const *rules, size_t n,
			enum rule_buffer buf, char *why, size_t whylen)
{
	struct lits l = {0};
	hs_compile_error_t *err = NULL;
	int rc = 0;

	if (collect(mb, &l, rules, n, buf)) {
		snprintf(why, whylen, "out of memory");
		rc = -1;
	} else if (l.n && hs_compile_lit_multi(l.expr, l.flags, l.ids, l.len, (unsigned)l.n,
					       HS_MODE_BLOCK, NULL, &mb->db, &err) != HS_SUCCESS) {
		snprintf(why, whylen, "Hyperscan, buffer %s: %s", rule_buffer_name(buf),
			 err ? err->message : "compile error");
		hs_free_compile_error(err);
		rc = -1;
	}
	free_lits(&l);
	return rc;
}

struct mpm *mpm_build(const struct rule *const *rules, size_t n, char *why, size_t whylen)
{
	struct mpm *m = calloc(1, sizeof(*m));
	int b;

	if (!m) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	for (b = 0; b < RULE_BUF_COUNT; b++) {
		if (build_buffer(&m->b[b], rules, n, (enum rule_buffer)b, why, whylen)) {
			mpm_free(m);
			return NULL;
		}
	}
	return m;
}

void mpm_free(struct mpm *m)
{
	int b;

	if (!m)
		return;
	for (b = 0; b < RULE_BUF_COUNT; b++) {
		hs_free_database(m->b[b].db);
		free(m->b[b].rule);
		free(m->b[b].always);
	}
	free(m);
}

struct mpm_scratch *mpm_scratch_new(const struct mpm *m)
{
	struct mpm_scratch *s = calloc(1, sizeof(*s));
	int b;

	if (!s)
		return NULL;
	for (b = 0; b < RULE_BUF_COUNT; b++) {
		if (m->b[b].db && hs_alloc_scratch(m->b[b].db, &s->hs) != HS_SUCCESS) {
			mpm_scratch_free(s);
			return NULL;
		}
	}
	return s;
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

int mpm_scan(const struct mpm *m, struct mpm_scratch *s, enum rule_buffer b, const uint8_t *p,
	     size_t len, mpm_fn fn, void *ctx)
{
	struct scan_ctx c = {.b = &m->b[b], .fn = fn, .ctx = ctx};

	if (!m->b[b].db || !len)
		return 0;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	return hs_scan(m->b[b].db, (const char *)p, (unsigned int)len, 0, s->hs, on_match, &c) ==
			       HS_SUCCESS
		       ? 0
		       : -1;
}

size_t mpm_always(const struct mpm *m, enum rule_buffer b, const uint32_t **rules)
{
	*rules = m->b[b].always;
	return m->b[b].nalways;
}

size_t mpm_literals(const struct mpm *m, enum rule_buffer b)
{
	return m->b[b].nlit;
}

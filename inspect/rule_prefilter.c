// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * After the options: group the items by buffer (stable, in order of each
 * buffer's first use) and choose the rule's prefilter literal the way
 * Suricata chooses its fast pattern (see rule_parse in rule.h).
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

/* Index of buf in order[0..n), or n. */
static uint32_t order_index(const enum rule_buffer *order, uint32_t n, enum rule_buffer buf)
{
	uint32_t i;

	for (i = 0; i < n && order[i] != buf; i++)
		;
	return i;
}

int rule_finish_groups(struct rule_pctx *c)
{
	struct rule *r = c->r;
	enum rule_buffer order[RULE_BUF_COUNT];
	struct rule_match *sorted = NULL;
	uint32_t n = 0, i, g, k = 0;

	for (i = 0; i < r->n_matches; i++)
		if (order_index(order, n, r->matches[i].buf) == n)
			order[n++] = r->matches[i].buf;
	for (i = 0; i < RULE_BUF_COUNT; i++)
		if ((c->bsize[i].op != RULE_CMP_NONE || c->dotprefix[i]) &&
		    order_index(order, n, (enum rule_buffer)i) == n)
			order[n++] = (enum rule_buffer)i;
	if (n == 0)
		return 0;
	r->groups = calloc(n, sizeof(*r->groups));
	if (r->n_matches)
		sorted = malloc(r->n_matches * sizeof(*sorted));
	if (!r->groups || (r->n_matches && !sorted)) {
		free(sorted);
		return rule_nomem(c);
	}
	for (g = 0; g < n; g++) {
		struct rule_group *grp = &r->groups[g];

		grp->buf = order[g];
		grp->m = sorted ? sorted + k : NULL;
		grp->bsize = c->bsize[order[g]];
		grp->dotprefix = c->dotprefix[order[g]];
		for (i = 0; i < r->n_matches; i++)
			if (r->matches[i].buf == order[g])
				sorted[k++] = r->matches[i];
		grp->n = (uint32_t)(sorted ? sorted + k - grp->m : 0);
	}
	free(r->matches);
	r->matches = sorted;
	r->n_groups = n;
	return 0;
}

/* Suricata's buffer priority class: application buffers, payload, http.method. */
static int buffer_class(enum rule_buffer b)
{
	if (b == RULE_BUF_PAYLOAD)
		return 1;
	return b == RULE_BUF_HTTP_METHOD ? 2 : 0;
}

/* Suricata's "pattern strength": a rough measure of byte diversity. */
static uint32_t pattern_strength(const uint8_t *b, uint32_t len)
{
	bool seen[256] = {false};
	uint32_t i, score = 0;

	for (i = 0; i < len; i++) {
		uint8_t ch = b[i];

		if (seen[ch])
			score += 1;
		else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
			score += 3;
		else if ((ch >= 0x20 && ch < 0x7f) || ch == 0x00 || ch == 0x01 || ch == 0xff)
			score += 4;
		else
			score += 6;
		seen[ch] = true;
	}
	return score;
}

/* True when a beats the current best b (which may be NULL). */
static bool better(const struct rule_match *a, const struct rule_match *b)
{
	if (!b)
		return true;
	if (buffer_class(a->buf) != buffer_class(b->buf))
		return buffer_class(a->buf) < buffer_class(b->buf);
	if (a->len != b->len)
		return a->len > b->len;
	return pattern_strength(a->bytes, a->len) > pattern_strength(b->bytes, b->len);
}

/* The automatic choice among contents with the given negation. */
static const struct rule_match *best_content(const struct rule *r, bool negated)
{
	const struct rule_match *best = NULL;
	uint32_t i;

	for (i = 0; i < r->n_matches; i++) {
		const struct rule_match *m = &r->matches[i];

		if (m->kind == RULE_MATCH_CONTENT && m->negated == negated && better(m, best))
			best = m;
	}
	return best;
}

void rule_choose_prefilter(struct rule *r)
{
	struct rule_prefilter *p = &r->prefilter;
	const struct rule_match *m = NULL;
	uint32_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < r->n_matches && !m; i++)
		if (r->matches[i].fast_pattern)
			m = &r->matches[i];
	if (!m)
		m = best_content(r, false);
	if (!m)
		m = best_content(r, true);
	if (!m)
		return;
	p->match = m;
	p->bytes = m->fp_chop ? m->bytes + m->fp_off : m->bytes;
	p->len = m->fp_chop ? m->fp_len : m->len;
	p->buf = m->buf;
	p->nocase = m->nocase;
	p->only = m->fp_only;
}

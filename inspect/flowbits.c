// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Flowbits (inspect/flowbits.h). */
#include <stdlib.h>
#include <string.h>

#include "inspect/flowbits.h"

bool flowbits_isset(const struct flowbits *f, uint16_t id)
{
	uint8_t i;

	for (i = 0; f && i < f->n; i++)
		if (f->id[i] == id)
			return true;
	return false;
}

void flowbits_set(struct flowbits *f, uint16_t id)
{
	if (flowbits_isset(f, id))
		return;
	if (f->n == FLOWBITS_MAX) {
		f->refused++;
		return;
	}
	f->id[f->n++] = id;
}

void flowbits_unset(struct flowbits *f, uint16_t id)
{
	uint8_t i;

	for (i = 0; i < f->n; i++) {
		if (f->id[i] == id) {
			f->id[i] = f->id[--f->n];
			return;
		}
	}
}

/* A growing array of names; a linear search is enough for a ruleset's thousand names at load. */
struct fb_names {
	char **name;
	size_t n, cap;
};

struct fb_names *fb_names_new(void)
{
	return calloc(1, sizeof(struct fb_names));
}

void fb_names_free(struct fb_names *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->name[i]);
	free(t->name);
	free(t);
}

size_t fb_names_count(const struct fb_names *t)
{
	return t->n;
}

static int name_id(struct fb_names *t, const char *name, uint16_t *id)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->name[i], name)) {
			*id = (uint16_t)i;
			return 0;
		}
	}
	if (t->n == UINT16_MAX)
		return -1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **nn = realloc(t->name, cap * sizeof(*nn));

		if (!nn)
			return -1;
		t->name = nn;
		t->cap = cap;
	}
	t->name[t->n] = strdup(name);
	if (!t->name[t->n])
		return -1;
	*id = (uint16_t)t->n++;
	return 0;
}

int fb_names_find(const struct fb_names *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->name[i], name))
			return (int)i;
	return -1;
}

int fb_names_add_checked(struct fb_names *t, const struct rule *r)
{
	uint32_t i;
	uint16_t id;
	uint8_t k;

	for (i = 0; i < r->n_flowbits; i++) {
		const struct rule_flowbit *fb = &r->flowbits[i];

		if (fb->op != RULE_FB_ISSET && fb->op != RULE_FB_ISNOTSET)
			continue;
		for (k = 0; k < fb->n; k++)
			if (name_id(t, fb->names[k], &id))
				return -1;
	}
	return 0;
}

bool fb_rule_changes_any(const struct rule *r, const struct fb_names *t)
{
	uint32_t i;
	uint8_t k;

	for (i = 0; i < r->n_flowbits; i++) {
		const struct rule_flowbit *fb = &r->flowbits[i];

		if (fb->op == RULE_FB_ISSET || fb->op == RULE_FB_ISNOTSET)
			continue;
		for (k = 0; k < fb->n; k++)
			if (fb_names_find(t, fb->names[k]) >= 0)
				return true;
	}
	return false;
}

int fb_prog_compile(struct fb_prog *p, const struct rule *r, struct fb_names *t)
{
	uint32_t i;
	uint8_t k;

	memset(p, 0, sizeof(*p));
	p->noalert = r->noalert;
	if (!r->n_flowbits)
		return 0;
	p->ops = calloc(r->n_flowbits, sizeof(*p->ops));
	if (!p->ops || r->n_flowbits > UINT8_MAX)
		return -1;
	for (i = 0; i < r->n_flowbits; i++) {
		const struct rule_flowbit *fb = &r->flowbits[i];
		struct fb_op *op = &p->ops[p->n++];

		op->op = (uint8_t)fb->op;
		op->any = fb->any;
		op->n = fb->n;
		for (k = 0; k < fb->n; k++)
			if (name_id(t, fb->names[k], &op->id[k]))
				return -1;
		if (fb->op == RULE_FB_ISSET || fb->op == RULE_FB_ISNOTSET)
			p->checks = true;
		else
			p->sets = true;
	}
	return 0;
}

void fb_prog_free(struct fb_prog *p)
{
	free(p->ops);
	memset(p, 0, sizeof(*p));
}

/* isset over an op's names: any of them ('|') or all of them. */
static bool op_isset(const struct fb_op *op, const struct flowbits *f)
{
	uint8_t k;

	for (k = 0; k < op->n; k++)
		if (flowbits_isset(f, op->id[k]) == op->any)
			return op->any;
	return !op->any;
}

bool fb_prog_check(const struct fb_prog *p, const struct flowbits *f)
{
	uint8_t i;

	for (i = 0; i < p->n; i++) {
		const struct fb_op *op = &p->ops[i];

		if (op->op == RULE_FB_ISSET && !op_isset(op, f))
			return false;
		if (op->op == RULE_FB_ISNOTSET && op_isset(op, f))
			return false;
	}
	return true;
}

void fb_prog_apply(const struct fb_prog *p, struct flowbits *f)
{
	uint8_t i, k;

	for (i = 0; f && i < p->n; i++) {
		const struct fb_op *op = &p->ops[i];

		for (k = 0; k < op->n; k++) {
			if (op->op == RULE_FB_SET)
				flowbits_set(f, op->id[k]);
			else if (op->op == RULE_FB_UNSET)
				flowbits_unset(f, op->id[k]);
			else if (op->op == RULE_FB_TOGGLE && flowbits_isset(f, op->id[k]))
				flowbits_unset(f, op->id[k]);
			else if (op->op == RULE_FB_TOGGLE)
				flowbits_set(f, op->id[k]);
		}
	}
}

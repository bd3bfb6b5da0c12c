// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * classification.config: "config classification: name,description,priority"
 * lines mapping a rule's classtype to a description and default priority.
 * Pure over (buf, len); the table grows by realloc and is caller-owned.
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/rule_priv.h"

#define CLASS_PREFIX   "config classification:"
#define CLASS_MAX      4096 /* entries: bounds memory on hostile input */
#define CLASS_MAX_PRIO 255

static int class_add(struct rule_classes *cl, const struct rule_class *e)
{
	if (cl->n == cl->cap) {
		size_t cap = cl->cap ? cl->cap * 2 : 32;
		struct rule_class *c = realloc(cl->c, cap * sizeof(*c));

		if (!c)
			return -1;
		cl->c = c;
		cl->cap = cap;
	}
	cl->c[cl->n++] = *e;
	return 0;
}

/* One "name,desc,prio" body into e. 0 or -1 when malformed. */
static int class_line(const char *s, size_t n, struct rule_class *e)
{
	const char *name, *desc, *prio;
	size_t name_n, desc_n, prio_n, i;
	uint32_t p;

	for (i = n; i > 0 && s[i - 1] != ','; i--)
		;
	if (i == 0)
		return -1;
	prio = s + i;
	prio_n = n - i;
	prio = rule_trim(prio, &prio_n);
	if (rule_parse_u32(prio, prio_n, CLASS_MAX_PRIO, &p) < 0)
		return -1;
	if (!rule_split(s, i - 1, ',', &name_n, &desc, &desc_n))
		return -1;
	name = rule_trim(s, &name_n);
	desc = rule_trim(desc, &desc_n);
	if (name_n == 0 || name_n >= sizeof(e->name) || desc_n >= sizeof(e->desc))
		return -1;
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, name_n);
	memcpy(e->desc, desc, desc_n);
	e->priority = p;
	return 0;
}

long rule_classes_parse(struct rule_classes *classes, const char *buf, size_t len,
			unsigned int *line)
{
	size_t pos = 0, plen = strlen(CLASS_PREFIX);
	unsigned int ln = 0;
	long added = 0;

	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		struct rule_class e;

		pos += n + 1;
		ln++;
		s = rule_trim(s, &n);
		if (n == 0 || s[0] == '#')
			continue;
		if (line)
			*line = ln;
		if (n < plen || memcmp(s, CLASS_PREFIX, plen) != 0 ||
		    class_line(s + plen, n - plen, &e) < 0)
			return -1;
		if (classes->n >= CLASS_MAX || class_add(classes, &e) < 0) {
			if (line)
				*line = 0;
			return -1;
		}
		added++;
	}
	return added;
}

const struct rule_class *rule_classes_find(const struct rule_classes *classes, const char *name,
					   size_t n)
{
	size_t i;

	if (!classes)
		return NULL;
	for (i = 0; i < classes->n; i++)
		if (strlen(classes->c[i].name) == n && memcmp(classes->c[i].name, name, n) == 0)
			return &classes->c[i];
	return NULL;
}

void rule_classes_free(struct rule_classes *classes)
{
	free(classes->c);
	memset(classes, 0, sizeof(*classes));
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Open-addressing hash table of name keys; see domtable.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domtable.h"

struct dslot {
	uint64_t key;
	struct utm_dns_entry v;
	uint8_t used;
};

struct domtable {
	struct dslot *slots;
	size_t cap; /* a power of two */
	size_t size;
};

struct domtable *domtable_new(void)
{
	struct domtable *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cap = 1024;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return NULL;
	}
	return t;
}

void domtable_free(struct domtable *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

/* Keys are already well mixed (dnshash_finish), so their low bits index. */
static struct dslot *find(struct dslot *slots, size_t cap, uint64_t key)
{
	size_t i = key & (cap - 1);

	while (slots[i].used && slots[i].key != key)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct domtable *t)
{
	size_t ncap = t->cap * 2, i;
	struct dslot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++)
		if (t->slots[i].used)
			*find(ns, ncap, t->slots[i].key) = t->slots[i];
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

static void set_first(__u16 *field, uint16_t list_id)
{
	if (!*field)
		*field = list_id;
}

int domtable_add(struct domtable *t, uint64_t key, uint16_t list_id, int allow, int covers_name,
		 int covers_sub)
{
	struct dslot *s;

	if ((t->size + 1) * 2 > t->cap && grow(t))
		return -ENOMEM;
	s = find(t->slots, t->cap, key);
	if (!s->used) {
		memset(s, 0, sizeof(*s));
		s->used = 1;
		s->key = key;
		t->size++;
	}
	if (covers_name)
		set_first(allow ? &s->v.allow_name : &s->v.block_name, list_id);
	if (covers_sub)
		set_first(allow ? &s->v.allow_sub : &s->v.block_sub, list_id);
	return 0;
}

size_t domtable_size(const struct domtable *t)
{
	return t->size;
}

size_t domtable_export(const struct domtable *t, struct utm_dns_key *keys,
		       struct utm_dns_entry *vals)
{
	size_t i, n = 0;

	for (i = 0; i < t->cap; i++) {
		if (!t->slots[i].used)
			continue;
		keys[n].hash = t->slots[i].key;
		vals[n++] = t->slots[i].v;
	}
	return n;
}
